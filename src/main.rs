//! `kubectl-cinc_scan`: parse, run, exit. A crash exits 1, never a code that reads as a verdict.

use cinc_scan::exit;
use clap::Parser;

fn main() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error: {}{place}\n\
             this is a bug in kubectl-cinc_scan {}; please report it with the command you ran",
            cinc_scan::report::terminal_safe(&message),
            cinc_scan::VERSION_LONG
        );
    }));
    let code = std::panic::catch_unwind(real_main).unwrap_or(exit::ERROR);
    std::process::exit(code);
}

fn real_main() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::ERROR;
        }
    };
    runtime.block_on(async {
        // kubectl's completion protocol: raw words of a half-typed line, not flags to parse.
        if let Some(words) = cinc_scan::complete::protocol_words(std::env::args_os()) {
            cinc_scan::complete::run(&words).await;
            return exit::PASSED;
        }
        let cli = cinc_scan::cli::Cli::parse();
        match cinc_scan::run::run(cli).await {
            Ok(code) => code,
            Err(cinc_scan::run::RunError::BrokenPipe) => exit::BROKEN_PIPE,
            Err(e) => {
                eprintln!("error: {e}");
                e.exit_code()
            }
        }
    })
}
