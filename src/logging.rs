//! `-v N` / `--log-format`: diagnostics on stderr through `tracing`, like kubectl's levels.
//!
//! Only this crate's events are shown (`cinc_scan::api` request lines at 6, `cinc_scan::retry`,
//! `::breaker`, `::throttle` and `::exec` decisions at 8). They carry verbs, paths, statuses,
//! durations and causes, never a header value, a token or file content.

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::cli::LogFormat;

/// The tracing level for a kubectl-style verbosity; `None` for the default quiet output.
pub fn level(verbosity: u8) -> Option<Level> {
    match verbosity {
        0 => None,
        1..=5 => Some(Level::INFO),
        6 | 7 => Some(Level::DEBUG),
        _ => Some(Level::TRACE),
    }
}

/// Install the stderr logger once, before anything talks to the network.
pub fn init(verbosity: u8, format: LogFormat) {
    let Some(level) = level(verbosity) else {
        return;
    };
    let filter = Targets::new().with_target("cinc_scan", level);
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_ansi(false),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    let _ = result;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_levels() {
        assert_eq!(level(0), None);
        assert_eq!(level(2), Some(Level::INFO));
        assert_eq!(level(6), Some(Level::DEBUG));
        assert_eq!(level(8), Some(Level::TRACE));
    }
}
