//! `kubectl-cinc_scan`: parse, run, exit.

use clap::Parser;

#[tokio::main]
async fn main() {
    // kubectl's completion protocol: raw words of a half-typed line, not flags to parse.
    if let Some(words) = cinc_scan::complete::protocol_words(std::env::args_os()) {
        cinc_scan::complete::run(&words).await;
        std::process::exit(0);
    }
    let cli = cinc_scan::cli::Cli::parse();
    cinc_scan::logging::init(cli.scan.network.verbosity, cli.scan.network.log_format);
    let code = match cinc_scan::run::run(cli).await {
        Ok(code) => code,
        Err(cinc_scan::run::RunError::BrokenPipe) => cinc_scan::run::exit::BROKEN_PIPE,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
