//! Reporters: render results into any `Write`; they never print on their own.

pub mod json;
pub mod table;
