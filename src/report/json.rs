//! HDF JSON output: one document per line (JSON Lines).

use std::io::{self, Write};

use crate::results::{hdf, ContainerReport};

/// One compact HDF document per line, so `jq` reads the stream container by container.
pub fn write_lines(out: &mut dyn Write, reports: &[ContainerReport]) -> io::Result<()> {
    for r in reports {
        serde_json::to_writer(&mut *out, &hdf::document(r))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
