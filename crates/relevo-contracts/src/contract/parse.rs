//! The TOML shape of a contract file (serde, unknown keys refused) and its validation into
//! [`Contract`]. Serde errors carry a span and get their key from it; validation errors know their
//! key and get their line from it.

use super::*;
use crate::calendar::{Block, parse_days};
use crate::decimal::parse_fixed;
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::value::Datetime;

/// A number as written: TOML integer, float or string, kept as decimal text until validation
/// reads it at the precision its key needs.
#[derive(Clone, Debug)]
struct Dec(String);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dec, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Dec, E> {
                Ok(Dec(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Dec, E> {
                Ok(Dec(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Dec, E> {
                if !v.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                // Display gives the shortest text that reads back as the same f64: what was typed.
                Ok(Dec(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Dec, E> {
                Ok(Dec(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A term's `metric`: one of [`TERM_KPIS`] by name, read the way `#[derive(Deserialize)]` reads a
/// unit enum named `Metric` (the type this field had), so the errors stay the same:
/// ``unknown variant `happiness`, expected one of `service_level`, …``.
fn term_kpi<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Kpi, D::Error> {
    const NAMES: [&str; TERM_KPIS.len()] = Kpi::names(TERM_KPIS);
    relevo_core::kpi_serde::deserialize(d, "Metric", &TERM_KPIS, &NAMES)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    provider: String,
    version: u32,
    name: Option<String>,
    valid_from: Datetime,
    valid_to: Datetime,
    currency: String,
    timezone: String,
    queues: Vec<String>,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    kpi: RawKpi,
    #[serde(default)]
    calendars: BTreeMap<String, RawCalendar>,
    credits: Option<RawCredits>,
    bonuses: Option<RawBonuses>,
    #[serde(default)]
    terms: Vec<RawTerm>,
    #[serde(default)]
    stabilisation: Vec<RawWindow>,
    pricing: Option<RawPricing>,
    inhouse_cost: Option<RawPricing>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKpi {
    sl_threshold_s: Option<u32>,
    short_abandon_s: Option<u32>,
    abandon_treatment: Option<String>,
    include_flowouts: Option<bool>,
    fcr_window_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    timezone: String,
    hours: Vec<RawHours>,
    #[serde(default)]
    holidays: Vec<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    days: Vec<String>,
    blocks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredits {
    at_risk_pct: Dec,
    pool_pct: Option<Dec>,
    escalation_window_months: Option<u32>,
    #[serde(default)]
    escalation: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    miss: u32,
    multiplier: Dec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBonuses {
    cap: Option<Dec>,
    cap_pct: Option<Dec>,
    #[serde(default)]
    requires_all_critical_met: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    id: String,
    name: Option<String>,
    #[serde(deserialize_with = "term_kpi")]
    metric: Kpi,
    queues: Option<Vec<String>>,
    channels: Option<Vec<String>>,
    target: f64,
    direction: Option<TargetDirection>,
    #[serde(default)]
    period: Period,
    #[serde(default)]
    min_volume: u64,
    allowed_misses: Option<u32>,
    #[serde(default)]
    critical: bool,
    credit_allocation_pct: Option<Dec>,
    earn_back: Option<RawEarnBack>,
    #[serde(default)]
    bonus: Vec<RawTier>,
    volume_excusal_pct: Option<Dec>,
    calendar: Option<String>,
    within_business_h: Option<Dec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEarnBack {
    months: u32,
    target: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    at: f64,
    amount: Option<Dec>,
    pct: Option<Dec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    from: Datetime,
    to: Datetime,
    #[serde(default = "yes")]
    suspend_credits: bool,
    #[serde(default)]
    relax: BTreeMap<String, RawRelax>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelax {
    target: Option<f64>,
    delta: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPricing {
    #[serde(default)]
    per_contact: BTreeMap<String, RawRate>,
    per_minute: Option<RawRate>,
    per_productive_hour: Option<RawRate>,
    per_fte_month: Option<RawRate>,
    monthly_fee: Option<Dec>,
    #[serde(default)]
    one_time: Vec<RawOneTime>,
    minimum_monthly: Option<Dec>,
    holiday_surcharge: Option<RawSurcharge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRate {
    price: Option<Dec>,
    #[serde(default)]
    tiers: Vec<RawBand>,
    mode: Option<TierMode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    up_to: Option<i64>,
    price: Dec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOneTime {
    description: String,
    amount: Dec,
    month: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurcharge {
    pct: Dec,
    calendar: String,
}

/// Validation context: the text's spans, for locating keys.
struct Cx<'a> {
    spans: Spans<'a>,
}

type R<T> = Result<T, ContractError>;

impl Cx<'_> {
    fn err(&self, path: &KeyPath, message: impl Into<String>) -> ContractError {
        ContractError::Invalid {
            at: self.spans.locate(path),
            message: message.into(),
        }
    }

    fn date(&self, path: &KeyPath, v: &Datetime) -> R<Date> {
        match (v.date, v.time, v.offset) {
            (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8)
                .map_err(|e| self.err(path, format!("not a date: {e}"))),
            _ => Err(self.err(path, format!("expected a date like 2026-01-31, not {v}"))),
        }
    }

    fn fixed(&self, path: &KeyPath, v: &Dec, scale: u32) -> R<i64> {
        parse_fixed(&v.0, scale).map_err(|e| self.err(path, e))
    }

    fn money(&self, path: &KeyPath, v: &Dec) -> R<Money> {
        let m = Money::from_cents(self.fixed(path, v, Money::SCALE)?);
        if m.cents() < 0 {
            return Err(self.err(path, format!("amount {m} is negative")));
        }
        Ok(m)
    }

    fn price(&self, path: &KeyPath, v: &Dec) -> R<UnitPrice> {
        let p = UnitPrice::from_micros(self.fixed(path, v, UnitPrice::SCALE)?);
        if p.micros() < 0 {
            return Err(self.err(path, format!("price {p} is negative")));
        }
        Ok(p)
    }

    /// A percentage in `(0, max]`.
    fn pct(&self, path: &KeyPath, v: &Dec, max: i64) -> R<Pct> {
        let p = Pct::from_bp(self.fixed(path, v, Pct::SCALE)?);
        if p.bp() <= 0 || p.bp() > max * 100 {
            return Err(self.err(
                path,
                format!("{p}% is out of range (above 0, at most {max})"),
            ));
        }
        Ok(p)
    }

    fn channel(&self, path: &KeyPath, s: &str) -> R<Channel> {
        s.parse::<Channel>().map_err(|e| self.err(path, e))
    }

    fn in_range(&self, path: &KeyPath, metric: Kpi, v: f64, what: &str) -> R<()> {
        let (lo, hi) = metric.range();
        if !v.is_finite() || v < lo || v > hi {
            let hint = if metric.is_ratio() {
                " (ratios are fractions: 0.8 for 80 %)".to_string()
            } else if hi == f64::MAX {
                " (at least 0)".to_string()
            } else {
                format!(" ({lo} to {hi})")
            };
            return Err(self.err(
                path,
                format!("{what} {v} is out of range for {metric}{hint}"),
            ));
        }
        Ok(())
    }
}

pub(super) fn parse(text: &str) -> R<Contract> {
    let spans = Spans::new(text);
    let raw: RawContract = toml::from_str(text).map_err(|e| {
        let mut at = Location::default();
        if let Some(sp) = e.span() {
            (at.line, at.column) = crate::locate::line_col(text, sp.start);
            at.key = spans.path_at(sp.start).to_string();
        }
        ContractError::Syntax {
            at,
            message: e.message().trim_end().to_string(),
        }
    })?;
    let cx = Cx { spans };
    build(&cx, raw, text)
}

fn build(cx: &Cx<'_>, raw: RawContract, text: &str) -> R<Contract> {
    let root = KeyPath::root();
    let key = |k: &str| root.key(k);

    if raw.provider.trim().is_empty() || raw.provider.chars().any(char::is_whitespace) {
        return Err(cx.err(
            &key("provider"),
            "provider key must be non-empty without spaces",
        ));
    }
    if raw.version == 0 {
        return Err(cx.err(&key("version"), "version starts at 1"));
    }
    let valid_from = cx.date(&key("valid_from"), &raw.valid_from)?;
    let valid_to = cx.date(&key("valid_to"), &raw.valid_to)?;
    if valid_to < valid_from {
        return Err(cx.err(
            &key("valid_to"),
            format!("valid_to {valid_to} is before valid_from {valid_from}"),
        ));
    }
    if raw.currency.len() != 3 || !raw.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(cx.err(
            &key("currency"),
            format!(
                "currency must be a three-letter ISO 4217 code like EUR, not {:?}",
                raw.currency
            ),
        ));
    }
    let zone = TimeZone::get(&raw.timezone).map_err(|_| {
        cx.err(
            &key("timezone"),
            format!("unknown IANA time zone {:?}", raw.timezone),
        )
    })?;

    if raw.queues.is_empty() {
        return Err(cx.err(&key("queues"), "list at least one queue"));
    }
    let mut seen = BTreeSet::new();
    for (i, q) in raw.queues.iter().enumerate() {
        if q.trim().is_empty() || !seen.insert(q.as_str()) {
            return Err(cx.err(
                &key("queues").index(i),
                format!("queue {q:?} is empty or listed twice"),
            ));
        }
    }
    let mut channels = Vec::new();
    for (i, c) in raw.channels.iter().enumerate() {
        let ch = cx.channel(&key("channels").index(i), c)?;
        if channels.contains(&ch) {
            return Err(cx.err(
                &key("channels").index(i),
                format!("channel {ch} listed twice"),
            ));
        }
        channels.push(ch);
    }
    if channels.is_empty() {
        channels = Channel::ALL.to_vec();
    }

    let kpi = kpi_settings(cx, &raw.kpi)?;
    let mut calendars = BTreeMap::new();
    for (name, c) in &raw.calendars {
        calendars.insert(name.clone(), calendar(cx, &key("calendars").key(name), c)?);
    }

    let credits = match &raw.credits {
        Some(c) => Some(credit_policy(cx, c)?),
        None => None,
    };
    let bonuses = match &raw.bonuses {
        Some(b) => BonusPolicy {
            cap: match &b.cap {
                Some(v) => Some(cx.money(&key("bonuses").key("cap"), v)?),
                None => None,
            },
            cap_pct: match &b.cap_pct {
                Some(v) => Some(cx.pct(&key("bonuses").key("cap_pct"), v, 100)?),
                None => None,
            },
            requires_all_critical_met: b.requires_all_critical_met,
        },
        None => BonusPolicy::default(),
    };

    let mut terms = Vec::new();
    for (i, t) in raw.terms.iter().enumerate() {
        let path = key("terms").index(i);
        let term = term(
            cx,
            &path,
            t,
            &raw.queues,
            &channels,
            &calendars,
            credits.as_ref(),
        )?;
        if terms.iter().any(|x: &Term| x.id == term.id) {
            return Err(cx.err(
                &path.key("id"),
                format!("term id {:?} is used twice", term.id),
            ));
        }
        terms.push(term);
    }
    if let Some(c) = &credits {
        let total: i64 = terms
            .iter()
            .filter_map(|t| t.credit_allocation.map(Pct::bp))
            .sum();
        if total > c.pool.bp() {
            let parts: Vec<String> = terms
                .iter()
                .filter_map(|t| t.credit_allocation.map(|a| format!("{} {a}%", t.id)))
                .collect();
            return Err(cx.err(
                &key("credits").key("pool_pct"),
                format!(
                    "critical-term credit allocations sum to {}% ({}), over the pool of {}%",
                    Pct::from_bp(total),
                    parts.join(" + "),
                    c.pool
                ),
            ));
        }
    }

    let mut stabilisation: Vec<StabilisationWindow> = Vec::new();
    for (i, w) in raw.stabilisation.iter().enumerate() {
        let path = key("stabilisation").index(i);
        let win = window(cx, &path, w, &terms)?;
        if win.to < valid_from || win.from > valid_to {
            return Err(cx.err(
                &path.key("from"),
                format!(
                    "window {}..{} lies outside the validity {valid_from}..{valid_to}",
                    win.from, win.to
                ),
            ));
        }
        if let Some(o) = stabilisation
            .iter()
            .find(|o| o.from <= win.to && win.from <= o.to)
        {
            return Err(cx.err(
                &path.key("from"),
                format!(
                    "window {}..{} overlaps window {}..{}",
                    win.from, win.to, o.from, o.to
                ),
            ));
        }
        stabilisation.push(win);
    }

    let validity = (Month::of(valid_from), Month::of(valid_to));
    let pricing = match &raw.pricing {
        Some(p) => Some(price_list(
            cx,
            &key("pricing"),
            p,
            &channels,
            &calendars,
            validity,
        )?),
        None => None,
    };
    let inhouse_cost = match &raw.inhouse_cost {
        Some(p) => Some(price_list(
            cx,
            &key("inhouse_cost"),
            p,
            &channels,
            &calendars,
            validity,
        )?),
        None => None,
    };

    Ok(Contract {
        provider: raw.provider,
        version: raw.version,
        name: raw.name,
        valid_from,
        valid_to,
        currency: raw.currency,
        timezone: raw.timezone,
        queues: raw.queues,
        channels,
        kpi,
        calendars,
        credits,
        bonuses,
        terms,
        stabilisation,
        pricing,
        inhouse_cost,
        zone,
        source: text.to_string(),
    })
}

fn kpi_settings(cx: &Cx<'_>, k: &RawKpi) -> R<KpiSettings> {
    let d = KpiSettings::default();
    let path = KeyPath::root().key("kpi");
    let abandon_treatment = match &k.abandon_treatment {
        Some(s) => s
            .parse()
            .map_err(|e: String| cx.err(&path.key("abandon_treatment"), e))?,
        None => d.abandon_treatment,
    };
    if k.sl_threshold_s == Some(0) {
        return Err(cx.err(
            &path.key("sl_threshold_s"),
            "sl_threshold_s must be above 0",
        ));
    }
    if k.fcr_window_days == Some(0) {
        return Err(cx.err(
            &path.key("fcr_window_days"),
            "fcr_window_days must be above 0",
        ));
    }
    Ok(KpiSettings {
        sl_threshold_s: k.sl_threshold_s,
        short_abandon_s: k.short_abandon_s.unwrap_or(d.short_abandon_s),
        abandon_treatment,
        include_flowouts: k.include_flowouts.unwrap_or(d.include_flowouts),
        fcr_window_days: k.fcr_window_days.unwrap_or(d.fcr_window_days),
    })
}

fn calendar(cx: &Cx<'_>, path: &KeyPath, c: &RawCalendar) -> R<Calendar> {
    let mut weekly: [Vec<Block>; 7] = Default::default();
    for (i, h) in c.hours.iter().enumerate() {
        let hp = path.key("hours").index(i);
        let mut blocks = Vec::new();
        for (j, b) in h.blocks.iter().enumerate() {
            blocks.push(Block::parse(b).map_err(|e| cx.err(&hp.key("blocks").index(j), e))?);
        }
        if h.days.is_empty() || blocks.is_empty() {
            return Err(cx.err(&hp, "give at least one day and one block"));
        }
        for (j, d) in h.days.iter().enumerate() {
            for day in parse_days(d).map_err(|e| cx.err(&hp.key("days").index(j), e))? {
                weekly[day].extend(blocks.iter().copied());
            }
        }
    }
    let mut holidays = Vec::new();
    for (i, h) in c.holidays.iter().enumerate() {
        holidays.push(cx.date(&path.key("holidays").index(i), h)?);
    }
    Calendar::new(&c.timezone, weekly, holidays).map_err(|e| {
        let at = if e.starts_with("unknown IANA") {
            path.key("timezone")
        } else {
            path.key("hours")
        };
        cx.err(&at, e)
    })
}

fn credit_policy(cx: &Cx<'_>, c: &RawCredits) -> R<CreditPolicy> {
    let path = KeyPath::root().key("credits");
    let at_risk = cx.pct(&path.key("at_risk_pct"), &c.at_risk_pct, 100)?;
    let pool = match &c.pool_pct {
        Some(v) => cx.pct(&path.key("pool_pct"), v, 1000)?,
        None => Pct::FULL,
    };
    let mut escalation: Vec<EscalationStep> = Vec::new();
    for (i, s) in c.escalation.iter().enumerate() {
        let sp = path.key("escalation").index(i);
        let multiplier =
            Multiplier::from_hundredths(cx.fixed(&sp.key("multiplier"), &s.multiplier, 2)?);
        if s.miss == 0 {
            return Err(cx.err(&sp.key("miss"), "miss counts from 1"));
        }
        if multiplier < Multiplier::ONE {
            return Err(cx.err(
                &sp.key("multiplier"),
                format!("multiplier {multiplier} is below 1"),
            ));
        }
        if let Some(prev) = escalation.last() {
            if s.miss <= prev.from_miss {
                return Err(cx.err(
                    &sp.key("miss"),
                    format!(
                        "escalation steps must increase: miss {} follows miss {}",
                        s.miss, prev.from_miss
                    ),
                ));
            }
            if multiplier < prev.multiplier {
                return Err(cx.err(
                    &sp.key("multiplier"),
                    format!(
                        "escalation multipliers must not decrease: {multiplier} follows {}",
                        prev.multiplier
                    ),
                ));
            }
        }
        escalation.push(EscalationStep {
            from_miss: s.miss,
            multiplier,
        });
    }
    let window = match (c.escalation_window_months, escalation.is_empty()) {
        (Some(w), _) if (1..=60).contains(&w) => w,
        (Some(w), _) => {
            return Err(cx.err(
                &path.key("escalation_window_months"),
                format!("{w} months is out of range (1 to 60)"),
            ));
        }
        (None, true) => 1,
        (None, false) => {
            return Err(cx.err(
                &path.key("escalation"),
                "escalation steps need escalation_window_months",
            ));
        }
    };
    Ok(CreditPolicy {
        at_risk,
        pool,
        escalation_window_months: window,
        escalation,
    })
}

#[allow(clippy::too_many_arguments)]
fn term(
    cx: &Cx<'_>,
    path: &KeyPath,
    t: &RawTerm,
    contract_queues: &[String],
    contract_channels: &[Channel],
    calendars: &BTreeMap<String, Calendar>,
    credits: Option<&CreditPolicy>,
) -> R<Term> {
    let id_ok = !t.id.is_empty()
        && t.id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(cx.err(
            &path.key("id"),
            format!("term id {:?} must be letters, digits, - or _", t.id),
        ));
    }
    let queues = match &t.queues {
        None => contract_queues.to_vec(),
        Some(qs) => {
            for (i, q) in qs.iter().enumerate() {
                if !contract_queues.contains(q) {
                    return Err(cx.err(
                        &path.key("queues").index(i),
                        format!(
                            "term {:?}: queue {q:?} is not one of the contract's queues ({})",
                            t.id,
                            contract_queues.join(", ")
                        ),
                    ));
                }
            }
            if qs.is_empty() {
                return Err(cx.err(&path.key("queues"), "an empty queue list measures nothing"));
            }
            qs.clone()
        }
    };
    let channels = match &t.channels {
        None => contract_channels.to_vec(),
        Some(cs) => {
            let mut out = Vec::new();
            for (i, c) in cs.iter().enumerate() {
                let ch = cx.channel(&path.key("channels").index(i), c)?;
                if !contract_channels.contains(&ch) {
                    return Err(cx.err(
                        &path.key("channels").index(i),
                        format!(
                            "term {:?}: channel {ch} is not one of the contract's channels",
                            t.id
                        ),
                    ));
                }
                out.push(ch);
            }
            if out.is_empty() {
                return Err(cx.err(
                    &path.key("channels"),
                    "an empty channel list measures nothing",
                ));
            }
            out
        }
    };
    cx.in_range(&path.key("target"), t.metric, t.target, "target")?;
    let direction = t
        .direction
        .unwrap_or(TargetDirection::default_for(t.metric));

    let allowed_misses = match (t.allowed_misses, t.period) {
        (Some(_), Period::Month) => {
            return Err(cx.err(
                &path.key("allowed_misses"),
                "allowed_misses applies to day and week terms only",
            ));
        }
        (a, _) => a.unwrap_or(0),
    };

    let credit_allocation = match (t.critical, &t.credit_allocation_pct) {
        (true, Some(v)) => {
            if credits.is_none() {
                return Err(cx.err(
                    &path.key("critical"),
                    format!(
                        "critical term {:?} needs a [credits] table (at_risk_pct)",
                        t.id
                    ),
                ));
            }
            Some(cx.pct(&path.key("credit_allocation_pct"), v, 1000)?)
        }
        (true, None) => {
            return Err(cx.err(
                &path.key("critical"),
                format!("critical term {:?} needs credit_allocation_pct", t.id),
            ));
        }
        (false, Some(_)) => {
            return Err(cx.err(
                &path.key("credit_allocation_pct"),
                format!(
                    "term {:?} is reported only (critical = false) and cannot carry a credit allocation",
                    t.id
                ),
            ));
        }
        (false, None) => None,
    };

    let earn_back = match &t.earn_back {
        None => None,
        Some(e) => {
            let ep = path.key("earn_back");
            if !t.critical {
                return Err(cx.err(&ep, "earn-back needs a critical term (it returns credits)"));
            }
            if e.months == 0 || e.months > 24 {
                return Err(cx.err(
                    &ep.key("months"),
                    format!("{} months is out of range (1 to 24)", e.months),
                ));
            }
            let target = e.target.unwrap_or(t.target);
            cx.in_range(&ep.key("target"), t.metric, target, "earn-back target")?;
            if !direction.at_least_as_strict(target, t.target) {
                return Err(cx.err(
                    &ep.key("target"),
                    format!(
                        "earn-back target {target} is looser than the target {} (it must be {} it)",
                        t.target,
                        direction.symbol()
                    ),
                ));
            }
            Some(EarnBack {
                months: e.months,
                target,
            })
        }
    };

    let mut bonus_tiers: Vec<BonusTier> = Vec::new();
    for (i, b) in t.bonus.iter().enumerate() {
        let bp = path.key("bonus").index(i);
        if t.period != Period::Month {
            return Err(cx.err(&bp, "bonus tiers apply to month terms only"));
        }
        cx.in_range(&bp.key("at"), t.metric, b.at, "bonus threshold")?;
        let pay = match (&b.amount, &b.pct) {
            (Some(a), None) => BonusPay::Amount(cx.money(&bp.key("amount"), a)?),
            (None, Some(p)) => BonusPay::PctOfFees(cx.pct(&bp.key("pct"), p, 100)?),
            _ => return Err(cx.err(&bp, "give exactly one of amount or pct")),
        };
        let strict_enough = |a: f64, b: f64| direction.at_least_as_strict(a, b) && a != b;
        match bonus_tiers.last() {
            None if !direction.at_least_as_strict(b.at, t.target) => {
                return Err(cx.err(
                    &bp.key("at"),
                    format!(
                        "bonus tier at {} is looser than the target {}",
                        b.at, t.target
                    ),
                ));
            }
            Some(prev) if !strict_enough(b.at, prev.at) => {
                return Err(cx.err(
                    &bp.key("at"),
                    format!(
                        "bonus tiers must increase in strictness: {} follows {}",
                        b.at, prev.at
                    ),
                ));
            }
            Some(prev) => {
                let increasing = match (prev.pay, pay) {
                    (BonusPay::Amount(a), BonusPay::Amount(b)) => b > a,
                    (BonusPay::PctOfFees(a), BonusPay::PctOfFees(b)) => b > a,
                    _ => {
                        return Err(cx.err(
                            &bp,
                            "bonus tiers of one term pay all amounts or all percentages",
                        ));
                    }
                };
                if !increasing {
                    return Err(cx.err(&bp, "bonus tiers must pay more as they get stricter"));
                }
            }
            None => {}
        }
        bonus_tiers.push(BonusTier { at: b.at, pay });
    }

    let volume_excusal = match &t.volume_excusal_pct {
        Some(v) => Some(cx.pct(&path.key("volume_excusal_pct"), v, 1000)?),
        None => None,
    };

    let (calendar, within_business_s) = match (t.metric, &t.calendar, &t.within_business_h) {
        (Kpi::BusinessResponseWithin, Some(c), Some(h)) => {
            if !calendars.contains_key(c) {
                return Err(cx.err(
                    &path.key("calendar"),
                    format!(
                        "unknown calendar {c:?} (defined: {})",
                        calendars.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            let hundredths = cx.fixed(&path.key("within_business_h"), h, 2)?;
            if hundredths <= 0 {
                return Err(cx.err(&path.key("within_business_h"), "must be above 0"));
            }
            (Some(c.clone()), Some(hundredths * 36))
        }
        (Kpi::BusinessResponseWithin, _, _) => {
            return Err(cx.err(
                path,
                "business_response_within needs calendar and within_business_h",
            ));
        }
        (_, Some(_), _) => {
            return Err(cx.err(
                &path.key("calendar"),
                "calendar applies to business_response_within terms only",
            ));
        }
        (_, _, Some(_)) => {
            return Err(cx.err(
                &path.key("within_business_h"),
                "within_business_h applies to business_response_within terms only",
            ));
        }
        _ => (None, None),
    };

    Ok(Term {
        id: t.id.clone(),
        name: t.name.clone().unwrap_or_else(|| t.id.clone()),
        metric: t.metric,
        queues,
        channels,
        target: t.target,
        direction,
        period: t.period,
        min_volume: t.min_volume,
        allowed_misses,
        critical: t.critical,
        credit_allocation,
        earn_back,
        bonus_tiers,
        volume_excusal,
        calendar,
        within_business_s,
    })
}

fn window(cx: &Cx<'_>, path: &KeyPath, w: &RawWindow, terms: &[Term]) -> R<StabilisationWindow> {
    let from = cx.date(&path.key("from"), &w.from)?;
    let to = cx.date(&path.key("to"), &w.to)?;
    if to < from {
        return Err(cx.err(&path.key("to"), format!("to {to} is before from {from}")));
    }
    let mut relax = BTreeMap::new();
    for (id, r) in &w.relax {
        let rp = path.key("relax").key(id);
        let Some(term) = terms.iter().find(|t| &t.id == id) else {
            return Err(cx.err(&rp, format!("unknown term {id:?}")));
        };
        let (relaxation, relaxed) = match (r.target, r.delta) {
            (Some(t), None) => (Relaxation::Target(t), t),
            (None, Some(d)) if d > 0.0 && d.is_finite() => {
                (Relaxation::Delta(d), term.direction.loosen(term.target, d))
            }
            (None, Some(d)) => {
                return Err(cx.err(&rp.key("delta"), format!("delta {d} must be above 0")));
            }
            _ => return Err(cx.err(&rp, "give exactly one of target or delta")),
        };
        let at = if r.target.is_some() {
            rp.key("target")
        } else {
            rp.key("delta")
        };
        cx.in_range(&at, term.metric, relaxed, "relaxed target")?;
        if !term.direction.at_least_as_strict(term.target, relaxed) {
            return Err(cx.err(
                &at,
                format!(
                    "relaxed target {relaxed} is stricter than the target {} of {id:?}",
                    term.target
                ),
            ));
        }
        relax.insert(id.clone(), relaxation);
    }
    if !w.suspend_credits && relax.is_empty() {
        return Err(cx.err(
            path,
            "a window that neither suspends credits nor relaxes a target does nothing",
        ));
    }
    Ok(StabilisationWindow {
        from,
        to,
        suspend_credits: w.suspend_credits,
        relax,
    })
}

fn price_list(
    cx: &Cx<'_>,
    path: &KeyPath,
    p: &RawPricing,
    channels: &[Channel],
    calendars: &BTreeMap<String, Calendar>,
    validity: (Month, Month),
) -> R<Pricing> {
    let mut per_contact = BTreeMap::new();
    for (name, r) in &p.per_contact {
        let rp = path.key("per_contact").key(name);
        let ch = cx.channel(&rp, name)?;
        if !channels.contains(&ch) {
            return Err(cx.err(
                &rp,
                format!("channel {ch} is not one of the contract's channels"),
            ));
        }
        per_contact.insert(ch, rate(cx, &rp, r)?);
    }
    let opt_rate = |k: &str, r: &Option<RawRate>| -> R<Option<Rate>> {
        r.as_ref().map(|r| rate(cx, &path.key(k), r)).transpose()
    };
    let opt_money = |k: &str, v: &Option<Dec>| -> R<Option<Money>> {
        v.as_ref().map(|v| cx.money(&path.key(k), v)).transpose()
    };
    let mut one_time = Vec::new();
    for (i, o) in p.one_time.iter().enumerate() {
        let op = path.key("one_time").index(i);
        let month: Month = o
            .month
            .parse()
            .map_err(|e: String| cx.err(&op.key("month"), e))?;
        if month < validity.0 || month > validity.1 {
            return Err(cx.err(
                &op.key("month"),
                format!(
                    "month {month} is outside the validity {}..{}",
                    validity.0, validity.1
                ),
            ));
        }
        if o.description.trim().is_empty() {
            return Err(cx.err(&op.key("description"), "description is empty"));
        }
        one_time.push(OneTimeFee {
            description: o.description.trim().to_string(),
            amount: cx.money(&op.key("amount"), &o.amount)?,
            month,
        });
    }
    let holiday_surcharge = match &p.holiday_surcharge {
        None => None,
        Some(h) => {
            let hp = path.key("holiday_surcharge");
            if !calendars.contains_key(&h.calendar) {
                return Err(cx.err(
                    &hp.key("calendar"),
                    format!("unknown calendar {:?}", h.calendar),
                ));
            }
            if per_contact.is_empty() {
                return Err(cx.err(&hp, "a holiday surcharge needs per_contact prices"));
            }
            Some(HolidaySurcharge {
                pct: cx.pct(&hp.key("pct"), &h.pct, 1000)?,
                calendar: h.calendar.clone(),
            })
        }
    };
    Ok(Pricing {
        per_contact,
        per_minute: opt_rate("per_minute", &p.per_minute)?,
        per_productive_hour: opt_rate("per_productive_hour", &p.per_productive_hour)?,
        per_fte_month: opt_rate("per_fte_month", &p.per_fte_month)?,
        monthly_fee: opt_money("monthly_fee", &p.monthly_fee)?,
        one_time,
        minimum_monthly: opt_money("minimum_monthly", &p.minimum_monthly)?,
        holiday_surcharge,
    })
}

fn rate(cx: &Cx<'_>, path: &KeyPath, r: &RawRate) -> R<Rate> {
    match (&r.price, r.tiers.is_empty()) {
        (Some(p), true) => {
            if r.mode.is_some() {
                return Err(cx.err(&path.key("mode"), "mode applies to tiers only"));
            }
            Ok(Rate::Flat(cx.price(&path.key("price"), p)?))
        }
        (None, false) => {
            let mut tiers: Vec<Tier> = Vec::new();
            let n = r.tiers.len();
            for (i, b) in r.tiers.iter().enumerate() {
                let bp = path.key("tiers").index(i);
                let price = cx.price(&bp.key("price"), &b.price)?;
                match (b.up_to, i + 1 == n) {
                    (None, true) => {}
                    (None, false) => {
                        return Err(cx.err(&bp, "only the last tier may omit up_to"));
                    }
                    (Some(_), true) => {
                        return Err(cx.err(
                            &bp.key("up_to"),
                            "the last tier must have no up_to (it covers everything above)",
                        ));
                    }
                    (Some(u), false) => {
                        let floor = tiers.last().and_then(|t| t.up_to).unwrap_or(0);
                        if u <= floor {
                            return Err(cx.err(
                                &bp.key("up_to"),
                                format!("tier bounds must increase: {u} follows {floor}"),
                            ));
                        }
                    }
                }
                tiers.push(Tier {
                    up_to: b.up_to,
                    price,
                });
            }
            Ok(Rate::Tiered {
                mode: r.mode.unwrap_or(TierMode::Graduated),
                tiers,
            })
        }
        _ => Err(cx.err(path, "give exactly one of price or tiers")),
    }
}
