//! The transition plan file (TOML): which queue and channels move from which provider to which,
//! in which phases (target shares, earliest start dates, minimum durations), behind which gate
//! (guardrails on the incoming provider's KPIs over a sliding window with a minimum volume), what
//! a failing gate does, and where events are sent. `examples/transitions/sur-contact-billing.toml`
//! is the annotated reference; `docs/TRANSITIONS.md` describes every key.
//!
//! Not here: reading files, resolving time-zone names (the caller passes a lookup), or deciding
//! anything (the state machine in [`crate::machine`] does).

use crate::TransitionError;
use crate::kpi::{Kpi, parse_guardrail_kpi, serde_kpi};
use crate::webhook::HttpUrl;
use jiff::tz::TimeZone;
use relevo_core::Channel;
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

/// A validated transition plan.
#[derive(Clone, Debug)]
pub struct TransitionPlan {
    pub name: String,
    pub queue: String,
    pub channels: Vec<Channel>,
    /// The outgoing provider (gives volume away).
    pub from: String,
    /// The incoming provider (takes volume over; its KPIs are gated).
    pub to: String,
    /// IANA name of the zone dates are read in.
    pub time_zone: String,
    pub zone: TimeZone,
    /// The incoming provider's share before the first phase (phase 0, "baseline").
    pub baseline_share: f64,
    /// Phases 1..=n, in order.
    pub phases: Vec<PhasePlan>,
    pub gate: Gate,
    pub on_fail: OnFail,
    pub webhook: Option<Webhook>,
    /// Per-provider routing setup (opening hours in its own zone, languages, capacity); a provider
    /// without one is always open in the plan's zone, serves every language, has no cap.
    pub providers: Vec<ProviderSetup>,
    /// Providers tried in order when the one the split picks is closed, full or does not serve the
    /// language (default: the outgoing provider, then the incoming one).
    pub overflow: Vec<String>,
    /// The file text the plan was parsed from (what a store keeps).
    pub source: String,
}

/// How one provider takes contacts of the plan's queue (follow-the-sun, languages, capacity).
#[derive(Clone, Debug)]
pub struct ProviderSetup {
    pub id: String,
    pub time_zone: String,
    pub zone: TimeZone,
    /// `None`: open all the time. Else (weekdays 0 = Monday, opening minute, closing minute) blocks.
    pub hours: Option<Vec<(Vec<usize>, u16, u16)>>,
    /// Local dates closed all day.
    pub closed_dates: Vec<jiff::civil::Date>,
    /// Languages served (`None`: all).
    pub languages: Option<Vec<String>>,
    /// Most contacts per 15-minute interval (`None`: no cap).
    pub cap_per_interval: Option<u32>,
}

/// One step of the cut-over.
#[derive(Clone, Debug, PartialEq)]
pub struct PhasePlan {
    pub name: String,
    /// The incoming provider's share of the queue's volume on the plan's channels, in (0, 1];
    /// the outgoing provider takes the rest.
    pub share: f64,
    /// The phase may not start before this instant (ms since the epoch).
    pub earliest_ms: Option<i64>,
    /// The gate must have passed for this long in this phase before the next phase may start.
    pub min_duration_ms: i64,
}

/// The quality gate between phases.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// The sliding window the KPIs are measured over (never reaching back before the phase's start).
    pub window_ms: i64,
    pub guardrails: Vec<Guardrail>,
}

/// A bound on one KPI of the incoming provider.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guardrail {
    #[serde(with = "serde_kpi")]
    pub kpi: Kpi,
    pub bound: Bound,
    /// Below this volume in the window the guardrail cannot be judged ("insufficient").
    pub min_volume: i64,
}

/// `value ≥ x` for KPIs that are better when higher, `value ≤ x` for the others.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

impl Bound {
    pub fn holds(self, value: f64) -> bool {
        match self {
            Bound::AtLeast(x) => value >= x,
            Bound::AtMost(x) => value <= x,
        }
    }

    pub fn threshold(self) -> f64 {
        match self {
            Bound::AtLeast(x) | Bound::AtMost(x) => x,
        }
    }

    /// `≥` or `≤`.
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::AtLeast(_) => "≥",
            Bound::AtMost(_) => "≤",
        }
    }
}

/// What the state machine does about a failing gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailAction {
    /// Stay at the current split; no automatic advance until the gate passes again.
    Hold,
    /// Go back to the previous phase (a hold at the baseline).
    RollbackOne,
    /// Go back to the baseline.
    RollbackFull,
}

impl FailAction {
    pub fn as_str(self) -> &'static str {
        match self {
            FailAction::Hold => "hold",
            FailAction::RollbackOne => "rollback_one",
            FailAction::RollbackFull => "rollback_full",
        }
    }
}

/// The first action on a failing gate, and optionally a stronger one while it keeps failing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OnFail {
    pub action: FailAction,
    /// Taken when the gate is still failing this long after the last guardrail action (and again
    /// after each further such span).
    pub escalate: Option<Escalation>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Escalation {
    pub action: FailAction,
    pub after_ms: i64,
}

/// Where events are POSTed, and the HMAC-SHA256 key that signs them.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    pub url: HttpUrl,
    pub secret: String,
}

// ---- the file as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: String,
    queue: String,
    channels: Vec<String>,
    from: String,
    to: String,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    baseline_share: Option<f64>,
    phases: Vec<RawPhase>,
    gate: RawGate,
    #[serde(default)]
    on_fail: Option<RawOnFail>,
    #[serde(default)]
    webhook: Option<RawWebhook>,
    #[serde(default)]
    providers: std::collections::BTreeMap<String, RawProvider>,
    #[serde(default)]
    overflow: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    hours: Option<Vec<RawHours>>,
    #[serde(default)]
    closed: Vec<String>,
    #[serde(default)]
    languages: Option<Vec<String>>,
    #[serde(default)]
    cap_per_interval: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    days: String,
    open: String,
    close: String,
}

/// `mon-fri`, `sat`, `mon,wed,fri` → weekday indices (0 = Monday).
fn parse_days(text: &str) -> Result<Vec<usize>, String> {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let day = |t: &str| {
        let t = t.trim().to_ascii_lowercase();
        NAMES
            .iter()
            .position(|n| *n == t)
            .ok_or_else(|| format!("unknown day {t:?} (mon … sun)"))
    };
    let mut out = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                if b < a {
                    return Err(format!("{part:?} runs backwards"));
                }
                out.extend(a..=b);
            }
            None => out.push(day(part)?),
        }
    }
    Ok(out)
}

/// `HH:MM` (or `24:00`) → minutes since midnight.
fn parse_hm(text: &str) -> Result<u16, String> {
    let bad = || format!("not a time of day HH:MM: {text:?}");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    name: Option<String>,
    share: f64,
    #[serde(default)]
    earliest: Option<toml::Value>,
    #[serde(default)]
    min_duration: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    window: String,
    #[serde(default)]
    min_volume: Option<i64>,
    guardrails: Vec<RawGuardrail>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuardrail {
    kpi: String,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min_volume: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOnFail {
    action: String,
    #[serde(default)]
    escalate_to: Option<String>,
    #[serde(default)]
    escalate_after: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    url: String,
    secret: String,
}

fn invalid(key: impl Into<String>, message: impl Into<String>) -> TransitionError {
    TransitionError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

/// Parses a duration written as a whole number and one unit: `30m`, `48h`, `7d`, `2w`.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit_ms: i64 = match unit.trim() {
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => {
            return Err(format!(
                "not a duration: {text:?} (expected a whole number and a unit: 30m, 48h, 7d, 2w)"
            ));
        }
    };
    let n: i64 = num
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (expected e.g. 7d)"))?;
    n.checked_mul(unit_ms)
        .ok_or_else(|| format!("duration out of range: {text:?}"))
}

/// A duration for people: `3d`, `1d 12h`, `45m`, `0m`.
pub fn format_duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let m = ms.unsigned_abs() / 60_000;
    let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if min > 0 || parts.is_empty() {
        parts.push(format!("{min}m"));
    }
    format!("{sign}{}", parts.join(" "))
}

fn toml_instant(value: &toml::Value, zone: &TimeZone) -> Result<i64, String> {
    match value {
        toml::Value::String(s) => parse_instant(s, zone),
        toml::Value::Datetime(d) => parse_instant(&d.to_string(), zone),
        other => Err(format!(
            "expected a date or a time, got a {}",
            other.type_str()
        )),
    }
}

/// An instant written as an RFC 3339 timestamp (`2026-11-02T08:00:00+01:00`), a local date-time
/// (`2026-11-02T08:00`) or a date (its local midnight), the local forms read in `zone`.
pub fn parse_instant(text: &str, zone: &TimeZone) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    if !text.contains(['T', 't', ' '])
        && let Ok(d) = text.parse::<jiff::civil::Date>()
    {
        return d
            .to_zoned(zone.clone())
            .and_then(|z| z.start_of_day())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| format!("{text:?}: {e}"));
    }
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(zone.clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| format!("{text:?}: {e}"));
    }
    Err(format!(
        "not a date or time: {text:?} (expected 2026-11-02, 2026-11-02T08:00 or an RFC 3339 instant)"
    ))
}

fn fail_action(key: &str, text: &str) -> Result<FailAction, TransitionError> {
    match text {
        "hold" => Ok(FailAction::Hold),
        "rollback_one" => Ok(FailAction::RollbackOne),
        "rollback_full" => Ok(FailAction::RollbackFull),
        other => Err(invalid(
            key,
            format!("unknown action {other:?} (expected hold, rollback_one or rollback_full)"),
        )),
    }
}

impl TransitionPlan {
    /// Parses and validates a plan. `zones` resolves an IANA name (the caller's lookup, so this
    /// crate reads no time-zone files); `UTC` needs none. Syntax errors carry the line and column,
    /// validation errors the key (`phases[2].share`, 0-based indices).
    pub fn parse(
        text: &str,
        zones: &dyn Fn(&str) -> Option<TimeZone>,
    ) -> Result<TransitionPlan, TransitionError> {
        let raw: RawPlan = toml::from_str(text)
            .map_err(|e| TransitionError::Syntax(e.to_string().trim_end().to_owned()))?;
        let nonempty = |key: &str, v: &str| {
            if v.trim().is_empty() {
                Err(invalid(key, "must not be empty"))
            } else {
                Ok(v.trim().to_owned())
            }
        };
        let name = nonempty("name", &raw.name)?;
        let queue = nonempty("queue", &raw.queue)?;
        let from = nonempty("from", &raw.from)?;
        let to = nonempty("to", &raw.to)?;
        if from == to {
            return Err(invalid(
                "to",
                format!("is the same provider as from ({from:?})"),
            ));
        }
        if raw.channels.is_empty() {
            return Err(invalid("channels", "name at least one channel"));
        }
        let mut channels = Vec::new();
        for (i, c) in raw.channels.iter().enumerate() {
            let ch: Channel = c
                .parse()
                .map_err(|e| invalid(format!("channels[{i}]"), e))?;
            if channels.contains(&ch) {
                return Err(invalid(
                    format!("channels[{i}]"),
                    format!("{ch} is listed twice"),
                ));
            }
            channels.push(ch);
        }
        let time_zone = raw.time_zone.unwrap_or_else(|| "UTC".to_owned());
        let zone = if time_zone == "UTC" {
            TimeZone::UTC
        } else {
            zones(&time_zone).ok_or_else(|| {
                invalid(
                    "time_zone",
                    format!(
                        "unknown time zone {time_zone:?} (use an IANA name like Europe/Madrid)"
                    ),
                )
            })?
        };
        let baseline_share = raw.baseline_share.unwrap_or(0.0);
        if !(0.0..1.0).contains(&baseline_share) {
            return Err(invalid(
                "baseline_share",
                format!("must be in [0, 1), got {baseline_share}"),
            ));
        }
        if raw.phases.is_empty() {
            return Err(invalid("phases", "name at least one phase"));
        }
        let mut phases: Vec<PhasePlan> = Vec::new();
        for (i, p) in raw.phases.iter().enumerate() {
            let key = |k: &str| format!("phases[{i}].{k}");
            if !(p.share > 0.0 && p.share <= 1.0) {
                return Err(invalid(
                    key("share"),
                    format!("must be in (0, 1], got {}", p.share),
                ));
            }
            let before = phases.last().map_or(baseline_share, |q| q.share);
            if p.share <= before {
                return Err(invalid(
                    key("share"),
                    format!(
                        "must be larger than the share before it ({before}): a transition moves volume one way"
                    ),
                ));
            }
            let earliest_ms = match &p.earliest {
                Some(v) => Some(toml_instant(v, &zone).map_err(|e| invalid(key("earliest"), e))?),
                None => None,
            };
            if let (Some(e), Some(prev)) =
                (earliest_ms, phases.iter().rev().find_map(|q| q.earliest_ms))
                && e < prev
            {
                return Err(invalid(
                    key("earliest"),
                    "is before the earliest start of an earlier phase",
                ));
            }
            let min_duration_ms = match &p.min_duration {
                Some(d) => parse_duration_ms(d).map_err(|e| invalid(key("min_duration"), e))?,
                None => 0,
            };
            let name = match &p.name {
                Some(n) if !n.trim().is_empty() => n.trim().to_owned(),
                _ => format!("{} %", fmt_share(p.share)),
            };
            phases.push(PhasePlan {
                name,
                share: p.share,
                earliest_ms,
                min_duration_ms,
            });
        }
        let window_ms =
            parse_duration_ms(&raw.gate.window).map_err(|e| invalid("gate.window", e))?;
        if window_ms <= 0 {
            return Err(invalid("gate.window", "must be longer than zero"));
        }
        let default_volume = raw.gate.min_volume.unwrap_or(0);
        if default_volume < 0 {
            return Err(invalid("gate.min_volume", "must not be negative"));
        }
        if raw.gate.guardrails.is_empty() {
            return Err(invalid("gate.guardrails", "name at least one guardrail"));
        }
        let mut guardrails = Vec::new();
        for (i, g) in raw.gate.guardrails.iter().enumerate() {
            let key = |k: &str| format!("gate.guardrails[{i}].{k}");
            let kpi = parse_guardrail_kpi(&g.kpi).map_err(|e| invalid(key("kpi"), e))?;
            let bound = match (g.min, g.max) {
                (Some(x), None) if kpi.higher_is_better() => Bound::AtLeast(x),
                (None, Some(x)) if !kpi.higher_is_better() => Bound::AtMost(x),
                (Some(_), None) => {
                    return Err(invalid(
                        key("min"),
                        format!("{kpi} is better when lower: give max, not min"),
                    ));
                }
                (None, Some(_)) => {
                    return Err(invalid(
                        key("max"),
                        format!("{kpi} is better when higher: give min, not max"),
                    ));
                }
                _ => {
                    return Err(invalid(
                        format!("gate.guardrails[{i}]"),
                        "give exactly one of min (better when higher) or max (better when lower)",
                    ));
                }
            };
            if !bound.threshold().is_finite() {
                return Err(invalid(
                    format!("gate.guardrails[{i}]"),
                    "threshold must be a number",
                ));
            }
            if kpi.is_ratio() && !(0.0..=1.0).contains(&bound.threshold()) {
                return Err(invalid(
                    format!("gate.guardrails[{i}]"),
                    format!(
                        "{kpi} is a fraction in [0, 1] (0.75 means 75 %), got {}",
                        bound.threshold()
                    ),
                ));
            }
            let min_volume = g.min_volume.unwrap_or(default_volume);
            if min_volume < 0 {
                return Err(invalid(key("min_volume"), "must not be negative"));
            }
            if guardrails.iter().any(|o: &Guardrail| o.kpi == kpi) {
                return Err(invalid(key("kpi"), format!("{kpi} has two guardrails")));
            }
            guardrails.push(Guardrail {
                kpi,
                bound,
                min_volume,
            });
        }
        let on_fail = match raw.on_fail {
            None => OnFail {
                action: FailAction::Hold,
                escalate: None,
            },
            Some(o) => {
                let action = fail_action("on_fail.action", &o.action)?;
                let escalate = match (o.escalate_to, o.escalate_after) {
                    (None, None) => None,
                    (Some(to), Some(after)) => {
                        let action = fail_action("on_fail.escalate_to", &to)?;
                        if action == FailAction::Hold {
                            return Err(invalid(
                                "on_fail.escalate_to",
                                "escalate to rollback_one or rollback_full",
                            ));
                        }
                        let after_ms = parse_duration_ms(&after)
                            .map_err(|e| invalid("on_fail.escalate_after", e))?;
                        if after_ms <= 0 {
                            return Err(invalid(
                                "on_fail.escalate_after",
                                "must be longer than zero",
                            ));
                        }
                        Some(Escalation { action, after_ms })
                    }
                    (Some(_), None) => {
                        return Err(invalid("on_fail", "escalate_to needs escalate_after"));
                    }
                    (None, Some(_)) => {
                        return Err(invalid("on_fail", "escalate_after needs escalate_to"));
                    }
                };
                OnFail { action, escalate }
            }
        };
        let webhook = match raw.webhook {
            None => None,
            Some(w) => {
                let url = HttpUrl::parse(&w.url).map_err(|e| invalid("webhook.url", e))?;
                if w.secret.trim().is_empty() {
                    return Err(invalid("webhook.secret", "must not be empty"));
                }
                Some(Webhook {
                    url,
                    secret: w.secret,
                })
            }
        };
        let mut providers = Vec::new();
        for (id, p) in &raw.providers {
            let key = |k: &str| format!("providers.{id}.{k}");
            let time_zone = p.time_zone.clone().unwrap_or_else(|| time_zone.clone());
            let pzone = if time_zone == "UTC" {
                TimeZone::UTC
            } else {
                zones(&time_zone).ok_or_else(|| {
                    invalid(key("time_zone"), format!("unknown time zone {time_zone:?}"))
                })?
            };
            let hours = match &p.hours {
                None => None,
                Some(blocks) => {
                    let mut out = Vec::new();
                    for (i, b) in blocks.iter().enumerate() {
                        let k = |f: &str| key(&format!("hours[{i}].{f}"));
                        let days = parse_days(&b.days).map_err(|e| invalid(k("days"), e))?;
                        let open = parse_hm(&b.open).map_err(|e| invalid(k("open"), e))?;
                        let close = parse_hm(&b.close).map_err(|e| invalid(k("close"), e))?;
                        if close <= open {
                            return Err(invalid(k("close"), "must be after open"));
                        }
                        out.push((days, open, close));
                    }
                    Some(out)
                }
            };
            let mut closed_dates = Vec::new();
            for (i, d) in p.closed.iter().enumerate() {
                closed_dates.push(d.parse::<jiff::civil::Date>().map_err(|e| {
                    invalid(key(&format!("closed[{i}]")), format!("not a date: {e}"))
                })?);
            }
            if p.cap_per_interval == Some(0) {
                return Err(invalid(
                    key("cap_per_interval"),
                    "must be at least 1 (leave it out for no cap)",
                ));
            }
            providers.push(ProviderSetup {
                id: id.clone(),
                time_zone,
                zone: pzone,
                hours,
                closed_dates,
                languages: p.languages.clone(),
                cap_per_interval: p.cap_per_interval,
            });
        }
        let known = |id: &str| id == from || id == to || raw.providers.contains_key(id);
        let overflow = match &raw.overflow {
            Some(list) => {
                for (i, id) in list.iter().enumerate() {
                    if !known(id) {
                        return Err(invalid(
                            format!("overflow[{i}]"),
                            format!("{id:?} is neither from, to nor a [providers] entry"),
                        ));
                    }
                }
                list.clone()
            }
            None => vec![from.clone(), to.clone()],
        };
        Ok(TransitionPlan {
            name,
            queue,
            channels,
            from,
            to,
            time_zone,
            zone,
            baseline_share,
            phases,
            gate: Gate {
                window_ms,
                guardrails,
            },
            on_fail,
            webhook,
            providers,
            overflow,
            source: text.to_owned(),
        })
    }

    /// Number of phases after the baseline.
    pub fn last_phase(&self) -> usize {
        self.phases.len()
    }

    /// The incoming provider's share in phase `k` (0 = baseline).
    pub fn share(&self, k: usize) -> f64 {
        match k {
            0 => self.baseline_share,
            _ => self.phases[k.min(self.phases.len()) - 1].share,
        }
    }

    /// Phase `k`'s name (0 = "baseline").
    pub fn phase_name(&self, k: usize) -> &str {
        match k {
            0 => "baseline",
            _ => &self.phases[k.min(self.phases.len()) - 1].name,
        }
    }

    /// `parallel ramp (10 %)`, or just `25 %` when the phase is named after its share.
    pub fn phase_label(&self, k: usize) -> String {
        let pct = format!("{} %", fmt_share(self.share(k)));
        let name = self.phase_name(k);
        if name == pct {
            pct
        } else {
            format!("{name} ({pct})")
        }
    }

    /// The shares of phase `k` as `(provider, share)`: outgoing first.
    pub fn shares(&self, k: usize) -> [(String, f64); 2] {
        let s = self.share(k);
        [(self.from.clone(), 1.0 - s), (self.to.clone(), s)]
    }

    /// Phase `k`'s minimum duration (0 for the baseline).
    pub fn min_duration_ms(&self, k: usize) -> i64 {
        match k {
            0 => 0,
            _ => self.phases[k.min(self.phases.len()) - 1].min_duration_ms,
        }
    }

    /// The earliest start of phase `k` (none for the baseline).
    pub fn earliest_ms(&self, k: usize) -> Option<i64> {
        match k {
            0 => None,
            _ => self.phases.get(k - 1).and_then(|p| p.earliest_ms),
        }
    }

    /// An instant as people read it in the plan's zone (`2026-09-28 00:00 CEST`).
    pub fn format_instant(&self, ms: i64) -> String {
        match jiff::Timestamp::from_millisecond(ms) {
            Ok(t) => t
                .to_zoned(self.zone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string(),
            Err(_) => ms.to_string(),
        }
    }
}

/// `0.1` → `10`, `0.125` → `12.5`.
pub fn fmt_share(share: f64) -> String {
    let pct = (share * 1000.0).round() / 10.0;
    if pct.fract() == 0.0 {
        format!("{pct:.0}")
    } else {
        format!("{pct:.1}")
    }
}
