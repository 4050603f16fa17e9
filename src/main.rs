//! `kubectl-cinc_scan`: parse, run, exit.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = cinc_scan::cli::Cli::parse();
    let code = match cinc_scan::run::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
