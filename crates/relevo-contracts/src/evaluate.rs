//! A month's scorecard: every term judged on measured numbers, service credits with escalation and
//! the at-risk cap, bonuses with their cap, and earn-back of earlier credits.
//!
//! Plain numbers in — per term and period the measured value, its sample, offered and forecast
//! volume; the month's fees; earlier scorecards — and verdicts and money out. Nothing here measures
//! (the KPI values come from `relevo-metrics` or the store) and nothing is remembered between calls:
//! escalation and earn-back read the history they are given. The formulas are in `docs/CONTRACTS.md`.
//!
//! ```text
//! at_risk            = round(fees × at_risk_pct / 100)
//! credit(term)       = round(at_risk × credit_allocation_pct / 100 × multiplier(n))   for a credit-bearing miss
//!                      n = credit-bearing misses of the term in the last escalation_window_months months,
//!                          this month included; multiplier(n) = that of the last step with miss ≤ n, else 1
//! credits            = min(Σ credit(term), at_risk); when the cap binds, Σ is shared out in proportion
//!                      to each term's credit (largest remainder to the cent)
//! bonus(term)        = the pay of the strictest tier the month's value reaches (amount, or pct × fees)
//! bonuses            = min(Σ bonus(term), bonus cap), shared out the same way
//! earned_back        = Σ credits of earlier months whose term then met its earn-back target in each of
//!                      the next `months` judged months, completed this month
//! net adjustment     = bonuses + earned_back − credits
//! ```

use crate::contract::{BonusPay, Contract, TargetDirection, Term, format_value};
use crate::decimal::{Money, Multiplier, apportion, div_round};
use crate::error::InputError;
use crate::period::{Month, Period, PeriodSpan};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::fmt;

/// The measurement of one term in one period, taken on the term's scope with the contract's pinned
/// KPI settings.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodMeasure {
    /// First day of the period ([`PeriodSpan::first`]).
    pub first: Date,
    /// The KPI value; `None` when its denominator is 0 (docs/DEFINITIONS.md §1).
    pub value: Option<f64>,
    /// What the KPI is computed over ([`relevo_core::Kpi::volume`]); compared with `min_volume`.
    pub sample: u64,
    /// Contacts offered on the term's scope in the period.
    pub offered: u64,
    /// The client's forecast of offered contacts, when one was given (for volume excusal).
    pub forecast_offered: Option<u64>,
}

/// Everything a month's evaluation needs besides the contract and the history.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthInput {
    pub month: Month,
    /// The month's fees: the base of the at-risk amount and of percentage bonuses
    /// (normally [`crate::Invoice::fees`] of the expected invoice).
    pub fees: Money,
    /// Term id → its periods' measurements. A period without one is not judged.
    pub measures: BTreeMap<String, Vec<PeriodMeasure>>,
}

/// The outcome of a term in a period, or over a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Met,
    Missed,
    /// Missed, but the client's forecast was exceeded by more than the term tolerates.
    Excused,
    /// No measurement, no value, or a sample below the minimum volume.
    NotJudged,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "missed",
            Verdict::Excused => "excused",
            Verdict::NotJudged => "not_judged",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One period of a term.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodResult {
    pub span: PeriodSpan,
    /// The target that applied: relaxed when a stabilisation window says so.
    pub target: f64,
    pub relaxed: bool,
    pub value: Option<f64>,
    pub sample: u64,
    pub verdict: Verdict,
    pub reason: Option<String>,
    /// A stabilisation window suspends credits in this period.
    pub credit_suspended: bool,
}

/// One term over the month.
#[derive(Clone, Debug, PartialEq)]
pub struct TermResult {
    pub id: String,
    pub name: String,
    pub metric: relevo_core::Kpi,
    pub critical: bool,
    pub period: Period,
    pub direction: TargetDirection,
    /// The contract's target.
    pub target: f64,
    /// The relaxed target, when a stabilisation window relaxed at least one period.
    pub relaxed_target: Option<f64>,
    /// The month's value (month terms only).
    pub actual: Option<f64>,
    /// Sum of the periods' samples.
    pub sample: u64,
    pub periods: Vec<PeriodResult>,
    pub judged_periods: u32,
    pub missed_periods: u32,
    pub verdict: Verdict,
    /// Why the verdict or the money is what it is; empty when there is nothing to say.
    pub note: String,
    /// A miss that carries a credit: critical, missed, and not in a credit-suspending window.
    pub credit_bearing_miss: bool,
    /// Credit-bearing misses in the escalation window, this one included.
    pub misses_in_window: u32,
    pub multiplier: Multiplier,
    pub credit_before_cap: Money,
    pub credit: Money,
    pub bonus_before_cap: Money,
    pub bonus: Money,
    /// Whether the month met the earn-back target (terms with earn-back, judged months only).
    pub earn_back_met: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarnBackState {
    /// `met` of `needed` months met so far.
    Pending { met: u32, needed: u32 },
    /// Returned on this month's invoice.
    Earned,
    /// A judged month missed the earn-back target; the credit stands.
    Forfeited,
}

/// A credit of an earlier month (or this one) whose earn-back is open or was decided this month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarnBackResult {
    pub term: String,
    pub credit_month: Month,
    pub credit: Money,
    pub state: EarnBackState,
}

/// A provider's month: every term, the money, and the state of earn-backs.
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    pub provider: String,
    pub version: u32,
    pub month: Month,
    pub currency: String,
    pub fees: Money,
    /// `at_risk_pct × fees`; zero without a credit regime.
    pub at_risk: Money,
    pub terms: Vec<TermResult>,
    pub credits_before_cap: Money,
    pub credits: Money,
    /// The at-risk cap reduced the credits.
    pub cap_binds: bool,
    pub bonus_cap: Option<Money>,
    pub bonuses_before_cap: Money,
    pub bonuses: Money,
    pub bonus_cap_binds: bool,
    /// Why bonuses were withheld, when they were.
    pub bonus_withheld: Option<String>,
    pub earn_backs: Vec<EarnBackResult>,
    pub earned_back: Money,
    /// Stabilisation windows that touch the month.
    pub stabilisation: Vec<(Date, Date)>,
}

impl Scorecard {
    /// What the month's scorecard adds to the invoice: bonuses + earned back − credits.
    pub fn net_adjustment(&self) -> Money {
        self.bonuses + self.earned_back - self.credits
    }

    pub fn term(&self, id: &str) -> Option<&TermResult> {
        self.terms.iter().find(|t| t.id == id)
    }
}

/// Evaluates one month of `contract`. `history` holds earlier scorecards of the same provider (any
/// version, any order); only months before `input.month` are read.
pub fn evaluate(
    contract: &Contract,
    input: &MonthInput,
    history: &[Scorecard],
) -> Result<Scorecard, InputError> {
    let bad = |m: String| Err(InputError::Invalid(m));
    let month = input.month;
    if !contract.covers(month) {
        return bad(format!(
            "{} v{} is not valid in {month} ({}..{})",
            contract.provider, contract.version, contract.valid_from, contract.valid_to
        ));
    }
    if input.fees.cents() < 0 {
        return bad(format!("fees {} are negative", input.fees));
    }
    for id in input.measures.keys() {
        if contract.term(id).is_none() {
            return bad(format!("measures given for unknown term {id:?}"));
        }
    }
    let mut past: BTreeMap<Month, &Scorecard> = BTreeMap::new();
    for s in history {
        if s.provider != contract.provider {
            return bad(format!(
                "history scorecard of {} {} is not of {}",
                s.provider, s.month, contract.provider
            ));
        }
        if s.month < month && past.insert(s.month, s).is_some() {
            return bad(format!("history holds two scorecards for {}", s.month));
        }
    }

    let at_risk = contract
        .credits
        .as_ref()
        .map_or(Money::ZERO, |c| input.fees.pct(c.at_risk));

    let mut terms = Vec::new();
    for term in &contract.terms {
        let measures = input.measures.get(&term.id).map_or(&[][..], Vec::as_slice);
        terms.push(judge_term(contract, term, month, measures)?);
    }

    // Credits: allocation × at-risk × escalation multiplier, then the at-risk cap.
    if let Some(policy) = &contract.credits {
        for (t, term) in terms.iter_mut().zip(&contract.terms) {
            if !t.credit_bearing_miss {
                continue;
            }
            let window = i32::try_from(policy.escalation_window_months).unwrap_or(i32::MAX);
            let earlier = past
                .range(month.plus(1 - window)..month)
                .filter(|(_, s)| s.term(&t.id).is_some_and(|r| r.credit_bearing_miss))
                .count() as u32;
            t.misses_in_window = earlier + 1;
            t.multiplier = policy
                .escalation
                .iter()
                .rev()
                .find(|s| s.from_miss <= t.misses_in_window)
                .map_or(Multiplier::ONE, |s| s.multiplier);
            let alloc = term
                .credit_allocation
                .expect("critical terms have an allocation");
            t.credit_before_cap = Money::from_cents(div_round(
                i128::from(at_risk.cents())
                    * i128::from(alloc.bp())
                    * i128::from(t.multiplier.hundredths()),
                1_000_000,
            ) as i64);
        }
    }
    let raw: Vec<i64> = terms.iter().map(|t| t.credit_before_cap.cents()).collect();
    let credits_before_cap = Money::from_cents(raw.iter().sum());
    let cap_binds = credits_before_cap > at_risk;
    let charged = if cap_binds {
        apportion(&raw, at_risk.cents())
    } else {
        raw
    };
    for (t, c) in terms.iter_mut().zip(charged) {
        t.credit = Money::from_cents(c);
        if cap_binds && t.credit_before_cap > Money::ZERO {
            t.note = join(&t.note, "credit reduced by the at-risk cap");
        }
    }
    let credits = terms.iter().map(|t| t.credit).sum();

    // Bonuses: the strictest tier reached, unless withheld; then the bonus cap.
    let bonus_withheld = if contract.bonuses.requires_all_critical_met {
        let missed: Vec<&str> = terms
            .iter()
            .filter(|t| t.critical && t.verdict == Verdict::Missed)
            .map(|t| t.id.as_str())
            .collect();
        (!missed.is_empty()).then(|| format!("critical terms missed: {}", missed.join(", ")))
    } else {
        None
    };
    for (t, term) in terms.iter_mut().zip(&contract.terms) {
        let (Some(actual), Verdict::Met) = (t.actual, t.verdict) else {
            continue;
        };
        let Some(tier) = term
            .bonus_tiers
            .iter()
            .rev()
            .find(|b| term.direction.meets(actual, b.at))
        else {
            continue;
        };
        if bonus_withheld.is_some() {
            t.note = join(&t.note, "bonus withheld");
            continue;
        }
        t.bonus_before_cap = match tier.pay {
            BonusPay::Amount(m) => m,
            BonusPay::PctOfFees(p) => input.fees.pct(p),
        };
        t.note = join(
            &t.note,
            &format!(
                "bonus tier {} {}",
                term.direction.symbol(),
                format_value(term.metric, tier.at)
            ),
        );
    }
    let bonus_cap = match (contract.bonuses.cap, contract.bonuses.cap_pct) {
        (None, None) => None,
        (a, p) => Some(
            a.into_iter()
                .chain(p.map(|p| input.fees.pct(p)))
                .min()
                .expect("one cap is set"),
        ),
    };
    let raw: Vec<i64> = terms.iter().map(|t| t.bonus_before_cap.cents()).collect();
    let bonuses_before_cap = Money::from_cents(raw.iter().sum());
    let bonus_cap_binds = bonus_cap.is_some_and(|c| bonuses_before_cap > c);
    let paid = match bonus_cap {
        Some(c) if bonus_cap_binds => apportion(&raw, c.cents()),
        _ => raw,
    };
    for (t, b) in terms.iter_mut().zip(paid) {
        t.bonus = Money::from_cents(b);
    }
    let bonuses = terms.iter().map(|t| t.bonus).sum();

    // Earn-back of credits: walk each open credit's following months.
    let mut earn_backs = Vec::new();
    for (t, term) in terms.iter().zip(&contract.terms) {
        let Some(eb) = &term.earn_back else { continue };
        let mut months: Vec<(Month, Option<bool>, Money)> = past
            .iter()
            .filter_map(|(m, s)| s.term(&t.id).map(|r| (*m, r.earn_back_met, r.credit)))
            .collect();
        months.push((month, t.earn_back_met, t.credit));
        for (i, &(credit_month, _, credit)) in months.iter().enumerate() {
            if credit <= Money::ZERO {
                continue;
            }
            let mut met = 0;
            let mut state = EarnBackState::Pending {
                met: 0,
                needed: eb.months,
            };
            let mut decided_in = None;
            for &(m, ok, _) in &months[i + 1..] {
                match ok {
                    Some(true) => {
                        met += 1;
                        state = EarnBackState::Pending {
                            met,
                            needed: eb.months,
                        };
                        if met == eb.months {
                            state = EarnBackState::Earned;
                        }
                    }
                    Some(false) => state = EarnBackState::Forfeited,
                    None => {}
                }
                if state == EarnBackState::Earned || state == EarnBackState::Forfeited {
                    decided_in = Some(m);
                    break;
                }
            }
            if decided_in.is_none_or(|m| m == month) {
                earn_backs.push(EarnBackResult {
                    term: t.id.clone(),
                    credit_month,
                    credit,
                    state,
                });
            }
        }
    }
    let earned_back = earn_backs
        .iter()
        .filter(|e| e.state == EarnBackState::Earned)
        .map(|e| e.credit)
        .sum();

    let stabilisation = contract
        .stabilisation
        .iter()
        .filter(|w| w.from <= month.last_day() && month.first_day() <= w.to)
        .map(|w| (w.from, w.to))
        .collect();

    Ok(Scorecard {
        provider: contract.provider.clone(),
        version: contract.version,
        month,
        currency: contract.currency.clone(),
        fees: input.fees,
        at_risk,
        terms,
        credits_before_cap,
        credits,
        cap_binds,
        bonus_cap,
        bonuses_before_cap,
        bonuses,
        bonus_cap_binds,
        bonus_withheld,
        earn_backs,
        earned_back,
        stabilisation,
    })
}

/// Evaluates consecutive months in order, each seeing the scorecards before it (`prior` first).
pub fn evaluate_months(
    contract: &Contract,
    inputs: &[MonthInput],
    prior: &[Scorecard],
) -> Result<Vec<Scorecard>, InputError> {
    let mut history = prior.to_vec();
    let mut out = Vec::new();
    for input in inputs {
        let s = evaluate(contract, input, &history)?;
        history.push(s.clone());
        out.push(s);
    }
    Ok(out)
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

fn judge_term(
    contract: &Contract,
    term: &Term,
    month: Month,
    measures: &[PeriodMeasure],
) -> Result<TermResult, InputError> {
    let spans = contract.periods(term, month);
    for m in measures {
        if !spans.iter().any(|s| s.first == m.first) {
            return Err(InputError::Invalid(format!(
                "term {:?}: no {} period of {month} starts on {}",
                term.id, term.period, m.first
            )));
        }
        if measures.iter().filter(|x| x.first == m.first).count() > 1 {
            return Err(InputError::Invalid(format!(
                "term {:?}: two measures for the period starting {}",
                term.id, m.first
            )));
        }
        if m.value.is_some_and(|v| !v.is_finite()) {
            return Err(InputError::Invalid(format!(
                "term {:?}: value for {} is not a finite number",
                term.id, m.first
            )));
        }
    }

    let mut periods = Vec::new();
    let mut relaxed_target = None;
    let mut earn_back_misses = 0;
    for span in spans {
        let (target, window) = contract.target_in(term, &span);
        if window.is_some() {
            relaxed_target.get_or_insert(target);
        }
        let credit_suspended = contract.credits_suspended_in(&span).is_some();
        let m = measures.iter().find(|m| m.first == span.first);
        let (verdict, reason) = judge_period(term, target, m);
        if matches!(verdict, Verdict::Met | Verdict::Missed)
            && let (Some(eb), Some(v)) = (&term.earn_back, m.and_then(|m| m.value))
            && !term.direction.meets(v, eb.target)
        {
            earn_back_misses += 1;
        }
        periods.push(PeriodResult {
            span,
            target,
            relaxed: window.is_some(),
            value: m.and_then(|m| m.value),
            sample: m.map_or(0, |m| m.sample),
            verdict,
            reason,
            credit_suspended,
        });
    }

    let count = |v: Verdict| periods.iter().filter(|p| p.verdict == v).count() as u32;
    let (met, missed, excused) = (
        count(Verdict::Met),
        count(Verdict::Missed),
        count(Verdict::Excused),
    );
    let judged = met + missed;
    let chargeable = periods
        .iter()
        .filter(|p| p.verdict == Verdict::Missed && !p.credit_suspended)
        .count() as u32;
    let verdict = if judged == 0 {
        if excused > 0 {
            Verdict::Excused
        } else {
            Verdict::NotJudged
        }
    } else if missed > term.allowed_misses {
        Verdict::Missed
    } else {
        Verdict::Met
    };
    let credit_bearing_miss =
        term.critical && verdict == Verdict::Missed && chargeable > term.allowed_misses;

    let mut note = String::new();
    if term.period == Period::Month {
        if let Some(r) = periods.first().and_then(|p| p.reason.clone()) {
            note = r;
        }
    } else if judged > 0 {
        note = format!(
            "{missed} of {judged} judged {}s missed (allowed {})",
            term.period, term.allowed_misses
        );
        if excused > 0 {
            note = join(&note, &format!("{excused} excused"));
        }
    } else {
        note = format!("no judged {}s", term.period);
    }
    if term.critical && verdict == Verdict::Missed && !credit_bearing_miss {
        let w = periods
            .iter()
            .find(|p| p.credit_suspended)
            .and_then(|p| contract.credits_suspended_in(&p.span))
            .map(|w| format!(" ({}..{})", w.from, w.to))
            .unwrap_or_default();
        note = join(&note, &format!("credit suspended: stabilisation window{w}"));
    }
    if let Some(r) = relaxed_target {
        note = join(
            &note,
            &format!("target relaxed to {}", format_value(term.metric, r)),
        );
    }
    let earn_back_met =
        (term.earn_back.is_some() && judged > 0).then_some(earn_back_misses <= term.allowed_misses);

    Ok(TermResult {
        id: term.id.clone(),
        name: term.name.clone(),
        metric: term.metric,
        critical: term.critical,
        period: term.period,
        direction: term.direction,
        target: term.target,
        relaxed_target,
        actual: if term.period == Period::Month {
            periods.first().and_then(|p| p.value)
        } else {
            None
        },
        sample: periods.iter().map(|p| p.sample).sum(),
        judged_periods: judged,
        missed_periods: missed,
        periods,
        verdict,
        note,
        credit_bearing_miss,
        misses_in_window: 0,
        multiplier: Multiplier::ONE,
        credit_before_cap: Money::ZERO,
        credit: Money::ZERO,
        bonus_before_cap: Money::ZERO,
        bonus: Money::ZERO,
        earn_back_met,
    })
}

fn judge_period(term: &Term, target: f64, m: Option<&PeriodMeasure>) -> (Verdict, Option<String>) {
    let Some(m) = m else {
        return (Verdict::NotJudged, Some("no measurement".into()));
    };
    if m.sample < term.min_volume {
        return (
            Verdict::NotJudged,
            Some(format!(
                "volume {} below the minimum {}",
                m.sample, term.min_volume
            )),
        );
    }
    let Some(v) = m.value else {
        return (
            Verdict::NotJudged,
            Some("no value (empty denominator)".into()),
        );
    };
    if term.direction.meets(v, target) {
        return (Verdict::Met, None);
    }
    if let (Some(limit), Some(f)) = (term.volume_excusal, m.forecast_offered) {
        // offered > forecast × (1 + limit), in integers: offered × 10 000 > forecast × (10 000 + bp)
        if i128::from(m.offered) * 10_000 > i128::from(f) * i128::from(10_000 + limit.bp()) {
            let over = if f == 0 {
                "∞".to_string()
            } else {
                format!("{:.1}", (m.offered as f64 / f as f64 - 1.0) * 100.0)
            };
            return (
                Verdict::Excused,
                Some(format!(
                    "excused: offered {} is {over}% over the forecast {f} (limit {limit}%)",
                    m.offered
                )),
            );
        }
    }
    (Verdict::Missed, None)
}

pub(crate) mod render;

#[cfg(test)]
mod tests;
