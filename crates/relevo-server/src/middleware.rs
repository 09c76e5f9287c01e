//! Request middleware (axum glue): every request counted, timed and logged as one structured
//! `key=value` line with the matched route, status and duration.

use crate::error::InternalDetail;
use crate::metrics::logfmt_value;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write as _;

/// Middleware: counts, times and logs every request.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    #[allow(clippy::disallowed_methods)] // the server edge measures its own latency
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    state.metrics().observe(&method, &route, status, secs);
    let ts = jiff::Timestamp::from_millisecond(state.now_ms())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let level = if status >= 500 { "error" } else { "info" };
    let mut line = format!(
        "ts={ts} level={level} msg=request method={method} path={} route={} status={status} duration_ms={:.2}",
        logfmt_value(&path),
        logfmt_value(&route),
        secs * 1000.0
    );
    if let Some(InternalDetail(d)) = resp.extensions().get::<InternalDetail>() {
        let _ = write!(line, " error={}", logfmt_value(d));
    }
    state.log(&line);
    resp
}

/// Middleware: the security headers every response carries, whatever produced it (a handler, an
/// extractor's rejection, the fallback): no content sniffing, no framing, no referrer to other
/// sites, and, where a page did not set its own, a policy that lets the response load nothing.
pub async fn secure_headers(req: Request, next: Next) -> Response {
    use axum::http::{HeaderValue, header};
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ));
    resp
}

/// Middleware: a request (reading its body, computing its answer) that takes longer than the
/// configured `request_timeout` is answered 503; the client may ask again, or for less.
pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let limit = state.config().request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => crate::error::ApiError::Unavailable(format!(
            "the request took longer than {} s and was stopped; ask for a shorter period or a coarser grain",
            limit.as_secs()
        ))
        .into_response(),
    }
}
