//! Staffing approximations for channels that are not a single-line voice queue: chat with
//! several conversations per agent, and deferred work (email, back office) sized by
//! workload. Both are rules of thumb, documented as such; neither is a queueing model.
//!
//! Not here: a real chat model (Erlang-Chat style, where handle time grows with each added
//! conversation) or backlog scheduling across intervals.
//!
//! # Chat with concurrency (approximation)
//!
//! ```text
//! AHT_eff = AHT / c
//! ```
//!
//! * `AHT` — mean chat duration (s) as the customer sees it; `c` — mean number of chats an
//!   agent handles at once (≥ 1). Feeding `AHT_eff` to Erlang C or A treats an agent as `c`
//!   independent servers. This is optimistic: in practice each extra concurrent chat slows
//!   the others (Koole's Erlang-Chat, anchors §2, models that growth), so use a `c` measured
//!   as "chat-seconds handled per agent-second", not the configured maximum.
//!
//! # Email and back office by workload (approximation)
//!
//! ```text
//! agents = items · AHT / (interval · occupancy)
//! ```
//!
//! * `items` — work items to finish within the interval; `AHT` — handle time per item (s);
//!   `interval` — length of the period (s); `occupancy` — the planned fraction of time spent
//!   on the work, in (0, 1]. Workload hours divided by productive hours: no waiting-time
//!   model at all, right when the deadline (hours or days) is much longer than the AHT.

use crate::error::{QueueingError, check, non_negative, positive};

#[cfg(test)]
mod tests;

/// The handle time to give an Erlang model for chat with `concurrency` simultaneous
/// conversations per agent (an approximation; see the module docs).
///
/// ```
/// // 6-minute chats, 2.5 at a time on average: model as 144-second contacts.
/// assert_eq!(relevo_queueing::chat_effective_aht_s(360.0, 2.5).unwrap(), 144.0);
/// ```
pub fn chat_effective_aht_s(aht_s: f64, concurrency: f64) -> Result<f64, QueueingError> {
    let aht_s = positive("aht_s", aht_s)?;
    let concurrency = check(
        "concurrency",
        concurrency,
        "a finite number, 1 or more",
        |v| v.is_finite() && v >= 1.0,
    )?;
    Ok(aht_s / concurrency)
}

/// Agents (fractional; round up to schedule) to clear `items` of deferred work in
/// `interval_s` seconds at `occupancy` (an approximation; see the module docs).
///
/// ```
/// // 120 emails of 5 minutes in a 1-hour interval at 85 % occupancy: 11.76 agents.
/// let agents = relevo_queueing::backlog_agents(120.0, 300.0, 3600.0, 0.85).unwrap();
/// assert!((agents - 11.7647).abs() < 1e-4);
/// ```
pub fn backlog_agents(
    items: f64,
    aht_s: f64,
    interval_s: f64,
    occupancy: f64,
) -> Result<f64, QueueingError> {
    let items = non_negative("items", items)?;
    let aht_s = positive("aht_s", aht_s)?;
    let interval_s = positive("interval_s", interval_s)?;
    let occupancy = check("occupancy", occupancy, "a fraction in (0, 1]", |v| {
        v > 0.0 && v <= 1.0
    })?;
    Ok(items * aht_s / (interval_s * occupancy))
}
