//! relevo's HTTP server: the JSON API under `/api/v1` (contacts in, KPIs out, described by an
//! OpenAPI 3.1 document generated from the route table), access control (API tokens and people's
//! sessions, four roles, provider-scoped data), the bilingual server-rendered dashboard with SVG
//! charts, `/healthz` and Prometheus `/metrics`.
//!
//! This is the only crate that speaks HTTP. It holds no SQL (the store does, and scopes every query)
//! and no KPI formulas (relevo-metrics has them). [`router`] builds the whole application for tests
//! (`router(state).oneshot(request)`); [`serve`] runs it on a listener until a shutdown signal.

pub mod api;
pub mod auth;
mod chunked;
pub mod contract_api;
pub mod dashboard;
mod edge;
pub mod error;
pub mod kpis;
mod memory;
pub mod metrics;
mod middleware;
pub mod openapi;
pub mod planning;
pub mod routing;
pub mod state;
pub mod transitions_api;

pub use error::ApiError;
pub use state::{
    AppState, Clock, Config, LogSink, PasswordCost, Targets, stderr_log, system_clock,
};

use axum::Router;
use axum::extract::DefaultBodyLimit;

/// The whole application: API, dashboard, health and metrics, with the request log and limits.
pub fn router(state: AppState) -> Router {
    let mut r = Router::new();
    for route in openapi::ROUTES {
        r = r.route(route.path, (route.handler)());
    }
    r.merge(dashboard::routes())
        .method_not_allowed_fallback(
            |method: axum::http::Method, uri: axum::http::Uri| async move {
                ApiError::MethodNotAllowed(format!(
                    "{method} is not supported on {} (see /api/v1/openapi.json)",
                    uri.path()
                ))
            },
        )
        .fallback(|| async { ApiError::NotFound("no such page or endpoint".into()) })
        .layer(DefaultBodyLimit::max(state.config().max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::time_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe,
        ))
        .layer(axum::middleware::from_fn(middleware::secure_headers))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    if let Ok(addr) = listener.local_addr() {
        state.log(&format!(
            "ts={} level=info msg=listening addr={addr}",
            jiff::Timestamp::from_millisecond(state.now_ms())
                .map(|t| t.to_string())
                .unwrap_or_default()
        ));
    }
    let background = [
        tokio::spawn(transitions_api::evaluation_loop(state.clone())),
        tokio::spawn(transitions_api::flush_loop(state.clone())),
    ];
    let served = accept_loop(listener, app, state.config(), shutdown).await;
    for task in background {
        task.abort();
    }
    let st = state.clone();
    if let Ok(Err(e)) = tokio::task::spawn_blocking(move || routing::flush(&st)).await {
        state.log(&format!(
            "level=error msg=\"routing flush at shutdown failed\" error={:?}",
            format!("{e:?}")
        ));
    }
    served?;
    state.log(&format!(
        "ts={} level=info msg=stopped",
        jiff::Timestamp::from_millisecond(state.now_ms())
            .map(|t| t.to_string())
            .unwrap_or_default()
    ));
    Ok(())
}

/// Accepts and serves HTTP/1.1 connections until `shutdown`, then lets in-flight requests finish.
///
/// Bounds what a client can hold: at most `max_connections` connections are served at once
/// (further clients wait in the listen backlog); a connection must deliver each request's headers
/// within `header_read_timeout` of opening or of falling idle, else it is closed (a client
/// sending a byte every half second, or holding a keep-alive connection open, is let go).
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Router,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .keep_alive(true);
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break, // never closed
            },
        };
        let (stream, addr) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors, a connection reset before it was accepted: wait a
                // moment and go on accepting.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(addr));
                tower::ServiceExt::oneshot(app.clone(), req.map(axum::body::Body::new))
            });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A connection's end (the client's, or a timeout) is no error of the server's.
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Runs the server on a new multi-threaded runtime until Ctrl-C/SIGTERM (for the binary).
pub fn run_blocking(
    addr: std::net::SocketAddr,
    state: AppState,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_listening(listener.local_addr()?);
        serve(listener, state, shutdown_signal()).await
    })
}

#[cfg(test)]
mod tests;
