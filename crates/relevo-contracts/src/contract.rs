//! A provider contract: validity, pinned KPI definitions, business-hours calendars, SLA terms,
//! service credits, bonuses, stabilisation windows and pricing — parsed from TOML and validated
//! into types that cannot hold an inconsistent contract.
//!
//! The file format and every rule are described in `docs/CONTRACTS.md`; an annotated example is
//! `examples/contracts/northwind-bpo.toml`. This module does not evaluate anything (that is
//! [`crate::evaluate()`] and [`crate::expected_invoice`]) and does not read files: it takes the text.
//! KPI names, directions and ranges are the one vocabulary's, [`relevo_core::Kpi`].

mod parse;

use crate::calendar::Calendar;
use crate::decimal::{Money, Multiplier, Pct, UnitPrice};
use crate::error::{ContractError, Location};
use crate::locate::{KeyPath, Spans};
use crate::period::{Month, Period, PeriodSpan};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use relevo_core::{Channel, Kpi, KpiSettings, Unit};
use std::collections::BTreeMap;
use std::fmt;

/// Tolerance of target comparisons: a value within 1e-9 of its target meets it, so that 80/100
/// meets a target of 0.8 whatever the float rounding of either side.
pub const TARGET_EPSILON: f64 = 1e-9;

/// The KPIs an SLA term can be judged on (its `metric`), in the order errors list them: the
/// report's KPIs less talk, hold and after-contact work, plus `business_response_within` (share of
/// contacts first answered within N business hours of a calendar: met / (met + missed) of
/// [`crate::ResponseTally`]).
pub const TERM_KPIS: [Kpi; 12] = [
    Kpi::ServiceLevel,
    Kpi::AsaS,
    Kpi::AbandonRate,
    Kpi::AhtS,
    Kpi::P90AnswerS,
    Kpi::TransferRate,
    Kpi::CsatTop2,
    Kpi::CsatMean,
    Kpi::Nps,
    Kpi::QaMean,
    Kpi::Fcr,
    Kpi::BusinessResponseWithin,
];

/// A value of a term's KPI as contracts print it (summaries, scorecards, errors): ratios as
/// percentages with one decimal, seconds with one decimal, CSAT means with two, other scores with
/// one. Finer than [`Kpi::format`] on purpose: a scorecard shows why an ASA of 20.4 s misses a
/// target of 20 s. Above ten minutes times read as [`relevo_core::format_duration`] has them.
///
/// ```
/// use relevo_contracts::format_value;
/// use relevo_core::Kpi;
/// assert_eq!(format_value(Kpi::AsaS, 20.44), "20.4 s");
/// assert_eq!(format_value(Kpi::AsaS, 19_149.0), "5 h 19 min");
/// assert_eq!(format_value(Kpi::ServiceLevel, 0.8), "80.0%");
/// ```
pub fn format_value(kpi: Kpi, v: f64) -> String {
    match kpi.unit() {
        Unit::Ratio => format!("{:.1}%", v * 100.0),
        // Above ten minutes the tenths say nothing: `5 h 19 min` (relevo_core::format_duration).
        Unit::Seconds if v.abs() >= 600.0 => relevo_core::format_duration(v),
        Unit::Seconds => format!("{v:.1} s"),
        Unit::Score if kpi == Kpi::CsatMean => format!("{v:.2}"),
        Unit::Score => format!("{v:.1}"),
    }
}

/// `Min`: met when actual ≥ target. `Max`: met when actual ≤ target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetDirection {
    Min,
    Max,
}

impl TargetDirection {
    /// Whether good is high for `kpi` (`Min`: the target is a floor) or low (`Max`: a ceiling).
    pub fn default_for(kpi: Kpi) -> TargetDirection {
        if kpi.higher_is_better() {
            TargetDirection::Min
        } else {
            TargetDirection::Max
        }
    }

    /// Whether `actual` meets `target` (within [`TARGET_EPSILON`]).
    pub fn meets(self, actual: f64, target: f64) -> bool {
        match self {
            TargetDirection::Min => actual >= target - TARGET_EPSILON,
            TargetDirection::Max => actual <= target + TARGET_EPSILON,
        }
    }

    /// Whether target `a` asks at least as much as target `b`.
    pub fn at_least_as_strict(self, a: f64, b: f64) -> bool {
        self.meets(a, b)
    }

    /// `target` loosened by `delta` (> 0): lowered for `Min`, raised for `Max`.
    pub fn loosen(self, target: f64, delta: f64) -> f64 {
        match self {
            TargetDirection::Min => target - delta,
            TargetDirection::Max => target + delta,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            TargetDirection::Min => "≥",
            TargetDirection::Max => "≤",
        }
    }
}

/// What the provider is paid for a bonus tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BonusPay {
    Amount(Money),
    /// A percentage of the month's fees.
    PctOfFees(Pct),
}

/// A bonus tier: paid when the month's value reaches `at` (in the term's direction).
#[derive(Clone, Debug, PartialEq)]
pub struct BonusTier {
    pub at: f64,
    pub pay: BonusPay,
}

/// Earn-back of a credit: returned when the term meets `target` in each of the `months` judged
/// months that follow the miss.
#[derive(Clone, Debug, PartialEq)]
pub struct EarnBack {
    pub months: u32,
    /// The term's own target unless the contract sets a stricter one.
    pub target: f64,
}

/// One SLA term: what is measured, on which scope, how often, against what target, with what money.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// Stable key: history (escalation, earn-back) follows terms by id across contract versions.
    pub id: String,
    pub name: String,
    /// One of [`TERM_KPIS`].
    pub metric: Kpi,
    /// Queues measured; the contract's queues when the file does not narrow it.
    pub queues: Vec<String>,
    /// Channels measured; the contract's channels when the file does not narrow it.
    pub channels: Vec<Channel>,
    pub target: f64,
    pub direction: TargetDirection,
    pub period: Period,
    /// Periods whose sample is below this are not judged.
    pub min_volume: u64,
    /// For day and week terms: missed periods a month tolerates before the month is missed.
    pub allowed_misses: u32,
    /// Credit-bearing (a Critical Service Level) rather than reported only (a KPI).
    pub critical: bool,
    /// Share of the at-risk amount a miss costs (critical terms only).
    pub credit_allocation: Option<Pct>,
    pub earn_back: Option<EarnBack>,
    pub bonus_tiers: Vec<BonusTier>,
    /// A miss is excused when offered volume exceeded the forecast by more than this.
    pub volume_excusal: Option<Pct>,
    /// For `business_response_within`: the calendar and the target in business seconds.
    pub calendar: Option<String>,
    pub within_business_s: Option<i64>,
}

/// One escalation step: from the `from_miss`-th credit-bearing miss within the window on, a
/// missed term's credit is multiplied by `multiplier`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EscalationStep {
    pub from_miss: u32,
    pub multiplier: Multiplier,
}

/// The service-credit regime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditPolicy {
    /// Share of the month's fees at risk: the at-risk amount, and the cap on a month's credits.
    pub at_risk: Pct,
    /// Allocation available to spread over critical terms, as a share of the at-risk amount.
    pub pool: Pct,
    /// Rolling window, in months, in which misses count toward escalation (current month included).
    pub escalation_window_months: u32,
    pub escalation: Vec<EscalationStep>,
}

/// Caps and conditions on bonuses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BonusPolicy {
    pub cap: Option<Money>,
    pub cap_pct: Option<Pct>,
    /// No bonus in a month in which any critical term is missed.
    pub requires_all_critical_met: bool,
}

/// How a stabilisation window relaxes one term's target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Relaxation {
    Target(f64),
    Delta(f64),
}

/// Dates during which credits are suspended and/or targets relaxed (a new provider's ramp-up).
#[derive(Clone, Debug, PartialEq)]
pub struct StabilisationWindow {
    pub from: Date,
    pub to: Date,
    pub suspend_credits: bool,
    /// Term id → relaxation.
    pub relax: BTreeMap<String, Relaxation>,
}

/// How tiers price a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each unit at the price of the band it falls in (one invoice line per band used).
    Graduated,
    /// Every unit at the price of the band the total falls in (one line).
    AllUnits,
}

/// One band: units up to `up_to` (inclusive, whole units; `None` = no upper bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tier {
    pub up_to: Option<i64>,
    pub price: UnitPrice,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rate {
    Flat(UnitPrice),
    Tiered { mode: TierMode, tiers: Vec<Tier> },
}

/// A fee billed once, in one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeFee {
    pub description: String,
    pub amount: Money,
    pub month: Month,
}

/// Extra charged per contact handled on a holiday of `calendar`: `pct` of the channel's base
/// per-contact price (the flat price, or the first tier's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidaySurcharge {
    pub pct: Pct,
    pub calendar: String,
}

/// Price list (or, for an in-house team, cost model); every part optional and combinable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pricing {
    pub per_contact: BTreeMap<Channel, Rate>,
    pub per_minute: Option<Rate>,
    pub per_productive_hour: Option<Rate>,
    pub per_fte_month: Option<Rate>,
    pub monthly_fee: Option<Money>,
    pub one_time: Vec<OneTimeFee>,
    pub minimum_monthly: Option<Money>,
    pub holiday_surcharge: Option<HolidaySurcharge>,
}

/// A validated contract. Built only by [`Contract::parse`]; keeps its source text.
#[derive(Clone, Debug)]
pub struct Contract {
    pub provider: String,
    pub version: u32,
    pub name: Option<String>,
    /// First and last day of validity, inclusive, in the contract's zone.
    pub valid_from: Date,
    pub valid_to: Date,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// The zone that days, weeks and months of measurement are taken in.
    pub timezone: String,
    pub queues: Vec<String>,
    pub channels: Vec<Channel>,
    pub kpi: KpiSettings,
    pub calendars: BTreeMap<String, Calendar>,
    pub credits: Option<CreditPolicy>,
    pub bonuses: BonusPolicy,
    pub terms: Vec<Term>,
    pub stabilisation: Vec<StabilisationWindow>,
    pub pricing: Option<Pricing>,
    /// For an in-house team: what its work costs, in the same shape as `pricing`.
    pub inhouse_cost: Option<Pricing>,
    zone: TimeZone,
    source: String,
}

impl Contract {
    /// Parses and validates a contract file. Errors name the line, column and key.
    pub fn parse(text: &str) -> Result<Contract, ContractError> {
        parse::parse(text)
    }

    /// The file text the contract was parsed from (what a store keeps).
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// Whether the contract is valid on at least one day of `month`.
    pub fn covers(&self, month: Month) -> bool {
        self.valid_from <= month.last_day() && month.first_day() <= self.valid_to
    }

    /// The periods of `term` that count in `month` and overlap the validity: what the caller must
    /// measure (see [`crate::PeriodMeasure`]).
    pub fn periods(&self, term: &Term, month: Month) -> Vec<PeriodSpan> {
        term.period
            .spans_in(month)
            .into_iter()
            .filter(|s| s.overlaps(self.valid_from, self.valid_to))
            .collect()
    }

    /// The target that applies to `term` in `span` and the window that relaxed it, if any.
    pub fn target_in(&self, term: &Term, span: &PeriodSpan) -> (f64, Option<&StabilisationWindow>) {
        for w in &self.stabilisation {
            if span.overlaps(w.from, w.to)
                && let Some(r) = w.relax.get(&term.id)
            {
                let t = match *r {
                    Relaxation::Target(t) => t,
                    Relaxation::Delta(d) => term.direction.loosen(term.target, d),
                };
                return (t, Some(w));
            }
        }
        (term.target, None)
    }

    /// The window that suspends credits in `span`, if any.
    pub fn credits_suspended_in(&self, span: &PeriodSpan) -> Option<&StabilisationWindow> {
        self.stabilisation
            .iter()
            .find(|w| w.suspend_credits && span.overlaps(w.from, w.to))
    }

    /// Holiday dates of a calendar (for counting holiday-handled contacts).
    pub fn holidays(&self, calendar: &str) -> Option<&std::collections::BTreeSet<Date>> {
        self.calendars.get(calendar).map(Calendar::holidays)
    }

    /// One line for `relevo contract list`.
    pub fn summary(&self) -> String {
        let critical = self.terms.iter().filter(|t| t.critical).count();
        let mut parts = vec![
            format!(
                "{} v{} {}..{} {}",
                self.provider, self.version, self.valid_from, self.valid_to, self.currency
            ),
            format!("queues {}", self.queues.join(",")),
            format!("{} terms ({critical} critical)", self.terms.len()),
        ];
        if let Some(c) = &self.credits {
            parts.push(format!("at risk {}%", c.at_risk));
        }
        if !self.stabilisation.is_empty() {
            let w: Vec<String> = self
                .stabilisation
                .iter()
                .map(|w| format!("{}..{}", w.from, w.to))
                .collect();
            parts.push(format!("stabilisation {}", w.join(",")));
        }
        parts.join(", ")
    }

    /// A readable rendering of the terms for `relevo contract show`.
    pub fn describe(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        if let Some(n) = &self.name {
            out.push_str(&format!("name: {n}\n"));
        }
        out.push_str(&format!(
            "kpi: sl_threshold_s={} short_abandon_s={} abandon_treatment={} include_flowouts={} fcr_window_days={}\n",
            self.kpi
                .sl_threshold_s
                .map_or("channel default".to_string(), |s| s.to_string()),
            self.kpi.short_abandon_s,
            self.kpi.abandon_treatment,
            self.kpi.include_flowouts,
            self.kpi.fcr_window_days
        ));
        for t in &self.terms {
            let mut extra = Vec::new();
            if let Some(a) = t.credit_allocation {
                extra.push(format!("credit {a}% of at-risk"));
            }
            if let Some(e) = &t.earn_back {
                extra.push(format!(
                    "earn-back after {} months {} {}",
                    e.months,
                    t.direction.symbol(),
                    format_value(t.metric, e.target)
                ));
            }
            if !t.bonus_tiers.is_empty() {
                extra.push(format!("{} bonus tiers", t.bonus_tiers.len()));
            }
            if let Some(v) = t.volume_excusal {
                extra.push(format!("excused above forecast +{v}%"));
            }
            if let Some(s) = t.within_business_s {
                extra.push(format!(
                    "within {} business h ({})",
                    crate::decimal::format_fixed(s * 100 / 3600, 2, 0),
                    t.calendar.as_deref().unwrap_or("")
                ));
            }
            out.push_str(&format!(
                "  {} {}: {} {} {} per {}, min volume {}{}{}\n",
                if t.critical { "CSL" } else { "KPI" },
                t.id,
                t.metric,
                t.direction.symbol(),
                format_value(t.metric, t.target),
                t.period,
                t.min_volume,
                if extra.is_empty() { "" } else { "; " },
                extra.join("; ")
            ));
        }
        out
    }

    pub(crate) fn locate(&self, path: &KeyPath) -> Location {
        Spans::new(&self.source).locate(path)
    }
}

/// Refuses two contracts of one provider with the same version or overlapping validity.
pub fn check_versions(contracts: &[Contract]) -> Result<(), ContractError> {
    for (i, a) in contracts.iter().enumerate() {
        for b in &contracts[i + 1..] {
            if a.provider != b.provider {
                continue;
            }
            if a.version == b.version {
                return Err(ContractError::Conflict(format!(
                    "{} version {} is given twice",
                    a.provider, a.version
                )));
            }
            if a.valid_from <= b.valid_to && b.valid_from <= a.valid_to {
                let (x, y) = if a.version < b.version {
                    (a, b)
                } else {
                    (b, a)
                };
                return Err(ContractError::Conflict(format!(
                    "{} versions {} ({}..{}) and {} ({}..{}) overlap from {} to {}",
                    a.provider,
                    x.version,
                    x.valid_from,
                    x.valid_to,
                    y.version,
                    y.valid_from,
                    y.valid_to,
                    a.valid_from.max(b.valid_from),
                    a.valid_to.min(b.valid_to)
                )));
            }
        }
    }
    Ok(())
}

/// Refuses a contract that names a queue the store does not know.
pub fn check_queues<S: AsRef<str>>(
    contract: &Contract,
    known: impl IntoIterator<Item = S>,
) -> Result<(), ContractError> {
    let known: std::collections::BTreeSet<String> =
        known.into_iter().map(|s| s.as_ref().to_string()).collect();
    let unknown: Vec<&str> = contract
        .queues
        .iter()
        .filter(|q| !known.contains(q.as_str()))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let i = contract
        .queues
        .iter()
        .position(|q| q == unknown[0])
        .expect("unknown queue is listed");
    let at = contract.locate(&KeyPath::root().key("queues").index(i));
    Err(ContractError::Conflict(format!(
        "{at}{} v{}: unknown queue{} {} (known: {})",
        contract.provider,
        contract.version,
        if unknown.len() == 1 { "" } else { "s" },
        unknown
            .iter()
            .map(|q| format!("{q:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        known.iter().cloned().collect::<Vec<_>>().join(", ")
    )))
}

/// The version of `provider` that evaluates and invoices `month`: the one in force on the month's
/// last day, or else the latest-starting one valid on any day of it (a contract that ends mid-month).
pub fn contract_for_month<'a>(
    contracts: &'a [Contract],
    provider: &str,
    month: Month,
) -> Option<&'a Contract> {
    contract_for(contracts, provider, month.last_day()).or_else(|| {
        contracts
            .iter()
            .filter(|c| c.provider == provider && c.covers(month))
            .max_by_key(|c| c.valid_from)
    })
}

/// The contract of `provider` in force on `date`.
pub fn contract_for<'a>(
    contracts: &'a [Contract],
    provider: &str,
    date: Date,
) -> Option<&'a Contract> {
    contracts
        .iter()
        .find(|c| c.provider == provider && c.valid_from <= date && date <= c.valid_to)
}

#[cfg(test)]
mod tests;
