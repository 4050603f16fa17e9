//! The published JSON Schema of the profile format.

pub const PROFILE_SCHEMA: &str = include_str!("../../profiles/profile.schema.json");
