//! `POST /api/v1/route`: the provider a contact goes to, following the transitions. The engine is
//! `relevo_app::routing` (in memory, flushed to the store); this module parses the request, renders
//! the decision, and runs flushes off the async threads.

use crate::auth::{Caller, Perm};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use relevo_app::routing::RouteQuery;
use relevo_core::Channel;
use serde::{Deserialize, Serialize};

pub use relevo_app::routing::FLUSH_EVERY;

/// `POST /api/v1/route` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    pub queue: String,
    pub channel: String,
    /// Language the contact needs (exact tag).
    pub language: Option<String>,
    /// The customer's key (hashed with the store's customer hash; never stored in clear).
    pub customer: Option<String>,
    /// When the contact arrived (RFC 3339; default: now).
    pub at: Option<String>,
}

/// A target share in force.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct ShareDto {
    pub provider: String,
    pub share: f64,
}

/// The phase a decision was made in.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct PhaseDto {
    pub name: String,
    pub started_at: String,
    pub shares: Vec<ShareDto>,
}

/// `POST /api/v1/route` answer.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct RouteDecision {
    /// `null` when no provider can take the contact.
    pub provider: Option<String>,
    /// `share`, `sticky`, `only_option`, `overflow_closed`, `overflow_full`, `overflow_language`,
    /// `no_phase` or `none_available`.
    pub reason: &'static str,
    pub phase: Option<PhaseDto>,
    pub transition: i64,
    pub at: String,
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Decides one contact (it may read the store: run it where blocking is fine, or accept the
/// short read of a decision).
pub fn decide(st: &AppState, req: &RouteRequest) -> Result<RouteDecision, ApiError> {
    let channel: Channel = req
        .channel
        .parse()
        .map_err(|e: String| ApiError::bad_field("channel", e))?;
    let now = st.now_ms();
    let at_ms = match &req.at {
        None => now,
        Some(t) => t
            .parse::<jiff::Timestamp>()
            .map_err(|e| ApiError::bad_field("at", format!("at {t:?}: not an RFC 3339 time: {e}")))?
            .as_millisecond(),
    };
    let query = RouteQuery {
        queue: &req.queue,
        channel,
        language: req.language.as_deref(),
        customer: req.customer.as_deref(),
        at_ms,
    };
    let d = st.read(|s| Ok(st.routing().decide(s, now, &query)?))?;
    if d.flush_due {
        let st = st.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = flush(&st) {
                st.log(&format!(
                    "level=error msg=\"routing flush failed\" error=\"{e:?}\""
                ));
            }
        });
    }
    Ok(RouteDecision {
        provider: d.provider,
        reason: d.reason,
        phase: d.phase.map(|p| PhaseDto {
            name: p.name,
            started_at: rfc3339(p.started_at_ms),
            shares: p
                .shares
                .into_iter()
                .map(|(provider, share)| ShareDto { provider, share })
                .collect(),
        }),
        transition: d.transition,
        at: rfc3339(at_ms),
    })
}

/// Makes the next decision re-read the transitions (the server does this after its own changes;
/// changes by other processes are noticed within a second of the server's clock).
pub fn invalidate(st: &AppState) {
    st.routing().invalidate();
}

/// Writes unsaved router states and decision counts in one transaction; returns the number of
/// decisions it covered.
pub fn flush(st: &AppState) -> Result<u64, ApiError> {
    let routing = st.routing();
    let _one = routing.flush_lock()?;
    let Some(unsaved) = routing.take_unsaved()? else {
        return Ok(0);
    };
    let now = st.now_ms();
    st.write(|w| Ok(unsaved.save(w, now)?))
}

/// `POST /api/v1/route`: admin and manager.
pub async fn post_route(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<RouteRequest>, JsonRejection>,
) -> Result<Json<RouteDecision>, ApiError> {
    caller.require(Perm::Manage)?;
    let Json(req) = body?;
    // In memory: microseconds, so it runs on the async thread (the transitions are re-read from
    // the store at most once a second, a small read; flushes run on the blocking pool).
    decide(&st, &req).map(Json)
}
