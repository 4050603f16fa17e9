//! Ctrl-C and SIGTERM as futures, the same on every platform (no SIGTERM off Unix).

/// Resolves when the signal arrives; the listener is registered at once, not on first poll.
#[cfg(unix)]
fn stop_signal(kind: tokio::signal::unix::SignalKind) -> impl std::future::Future<Output = ()> {
    let listener = tokio::signal::unix::signal(kind).ok();
    async move {
        match listener {
            Some(mut l) => {
                l.recv().await;
            }
            None => std::future::pending().await,
        }
    }
}

/// Ctrl-C and SIGTERM, each as a future (SIGTERM never comes off Unix).
#[cfg(unix)]
pub fn stop_signals() -> (
    impl std::future::Future<Output = ()>,
    impl std::future::Future<Output = ()>,
) {
    use tokio::signal::unix::SignalKind;
    (
        stop_signal(SignalKind::interrupt()),
        stop_signal(SignalKind::terminate()),
    )
}

#[cfg(not(unix))]
pub fn stop_signals() -> (
    impl std::future::Future<Output = ()>,
    impl std::future::Future<Output = ()>,
) {
    (
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
        std::future::pending::<()>(),
    )
}
