//! Contract evaluation on the stored data, shared by the command line and the API: a provider's
//! contract versions, the measures of each term and period (the cube through `relevo-metrics`, raw
//! response times for business-hours terms), the month's billable usage (cube and provider hours),
//! scorecards with their history, and invoices. Judging and pricing are `relevo-contracts`; this
//! module only measures and wires.

use relevo_contracts::{
    Contract, Invoice, Month, MonthInput, PeriodMeasure, PeriodSpan, Quantity, Scorecard, Usage,
    contract_for_month, evaluate, expected_invoice, tally_responses,
};
use relevo_core::{AbandonTreatment, Channel, Kpi, interval_of, interval_start_ms};
use relevo_metrics::{Acc, Kpis};
use relevo_store::{Scope, Store, StoreError};
use std::collections::BTreeMap;

/// Hours in one FTE-month, for per-FTE prices: FTEs billed = scheduled hours / 160.
pub const FTE_MONTH_HOURS: i64 = 160;
/// How many months before the requested one are evaluated for escalation and earn-back history.
pub const HISTORY_MONTHS: i32 = 12;

/// Why an evaluation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Contract(#[from] relevo_contracts::InputError),
    #[error("{0}")]
    Msg(String),
}

impl EvalError {
    fn msg(m: String) -> Self {
        EvalError::Msg(m)
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Every stored version, parsed.
pub fn load_contracts(store: &dyn Store, provider: Option<&str>) -> Result<Vec<Contract>> {
    store
        .contracts(provider)?
        .into_iter()
        .map(|c| {
            Contract::parse(&c.source).map_err(|e| {
                EvalError::msg(format!(
                    "stored contract {} v{} no longer parses: {e}",
                    c.provider, c.version
                ))
            })
        })
        .collect()
}

fn term_scope<'a>(
    contract: &'a Contract,
    queues: &'a [String],
    channels: &'a [Channel],
) -> (&'a [String], &'a [Channel]) {
    (
        if queues.is_empty() {
            &contract.queues
        } else {
            queues
        },
        if channels.is_empty() {
            &contract.channels
        } else {
            channels
        },
    )
}

fn in_scope(queues: &[String], channels: &[Channel], queue: &str, channel: Channel) -> bool {
    (queues.is_empty() || queues.iter().any(|q| q == queue))
        && (channels.is_empty() || channels.contains(&channel))
}

/// The cube roll-up of a provider over `[from_ms, to_ms)` on some queues and channels, with FCR.
pub fn roll_up(
    store: &dyn Store,
    contract: &Contract,
    scope: (&[String], &[Channel]),
    (from_ms, to_ms): (i64, i64),
    with_fcr: bool,
    as_of_ms: i64,
) -> Result<Acc> {
    let provider = Scope::Provider(contract.provider.clone());
    let mut acc = Acc::default();
    store.for_each_cell(
        interval_of(from_ms),
        interval_of(to_ms - 1) + 1,
        &provider,
        &mut |c, cell| {
            let t = interval_start_ms(c.interval);
            if t >= from_ms && t < to_ms && in_scope(scope.0, scope.1, c.queue, c.channel) {
                acc.add_cell(cell, c.channel, &contract.kpi);
            }
        },
    )?;
    if with_fcr {
        for (k, f) in store.fcr(
            from_ms,
            to_ms,
            contract.kpi.fcr_window_days,
            as_of_ms,
            &provider,
        )? {
            if in_scope(scope.0, scope.1, &k.queue, k.channel) {
                acc.fcr_eligible += f.eligible;
                acc.fcr_resolved += f.resolved;
            }
        }
    }
    Ok(acc)
}

/// A term's measured value and sample over one period (CONTRACTS.md §2 says which denominator).
pub fn measure(
    store: &dyn Store,
    contract: &Contract,
    term: &relevo_contracts::Term,
    span: &PeriodSpan,
    as_of_ms: i64,
) -> Result<PeriodMeasure> {
    let bounds = span.bounds_ms(contract.zone());
    let scope = term_scope(contract, &term.queues, &term.channels);
    if term.metric == Kpi::BusinessResponseWithin {
        let name = term
            .calendar
            .as_deref()
            .ok_or_else(|| EvalError::msg("a business-hours term names no calendar".into()))?;
        let cal = contract
            .calendars
            .get(name)
            .ok_or_else(|| EvalError::msg(format!("unknown calendar {name:?}")))?;
        let within = term
            .within_business_s
            .ok_or_else(|| EvalError::msg("a business-hours term has no within time".into()))?;
        let pairs =
            store.response_times(&contract.provider, scope.0, scope.1, bounds.0, bounds.1)?;
        let offered = pairs.len() as u64;
        let tally = tally_responses(cal, within, as_of_ms, pairs);
        return Ok(PeriodMeasure {
            first: span.first,
            value: tally.share(),
            sample: tally.judged(),
            offered,
            forecast_offered: None,
        });
    }
    let acc = roll_up(
        store,
        contract,
        scope,
        bounds,
        term.metric == Kpi::Fcr,
        as_of_ms,
    )?;
    let k = Kpis::compute(&acc, &contract.kpi);
    let c = &acc.cell;
    let mut sl_base = c.answered + c.abandoned - acc.short_abandoned;
    if contract.kpi.include_flowouts {
        sl_base += c.flowout;
    }
    if contract.kpi.abandon_treatment == AbandonTreatment::ExcludedWithinT {
        sl_base -= acc.abandoned_within_t;
    }
    let (value, sample) = match term.metric {
        Kpi::ServiceLevel => (k.service_level, sl_base),
        Kpi::AbandonRate => (k.abandon_rate, c.offered - acc.short_abandoned),
        Kpi::AsaS => (k.asa_s, c.answered),
        Kpi::AhtS => (k.aht_s, c.answered),
        // Not judged by contract terms (TERM_KPIS); measured the report's way all the same.
        Kpi::TalkS => (k.talk_s, c.answered),
        Kpi::HoldS => (k.hold_s, c.answered),
        Kpi::AcwS => (k.acw_s, c.answered),
        Kpi::P90AnswerS => (k.p90_answer_s.map(|v| v as f64), c.answered),
        Kpi::TransferRate => (k.transfer_rate, c.answered),
        Kpi::CsatTop2 => (k.csat_top2, k.csat_responses),
        Kpi::CsatMean => (k.csat_mean, k.csat_responses),
        Kpi::Nps => (k.nps, k.nps_responses),
        Kpi::QaMean => (k.qa_mean, c.qa_n),
        Kpi::Fcr => (k.fcr, acc.fcr_eligible),
        Kpi::BusinessResponseWithin => unreachable!("handled above"),
    };
    Ok(PeriodMeasure {
        first: span.first,
        value,
        sample: sample.max(0) as u64,
        offered: c.offered.max(0) as u64,
        forecast_offered: None,
    })
}

/// A month's billable usage of the contract's provider on the contract's scope.
pub fn usage(
    store: &dyn Store,
    contract: &Contract,
    month: Month,
    pricing: Option<&relevo_contracts::Pricing>,
) -> Result<Usage> {
    let span = PeriodSpan {
        first: month.first_day(),
        last: month.last_day(),
    };
    let (from_ms, to_ms) = span.bounds_ms(contract.zone());
    let provider = Scope::Provider(contract.provider.clone());
    let holidays = pricing
        .and_then(|p| p.holiday_surcharge.as_ref())
        .and_then(|h| {
            contract
                .calendars
                .get(&h.calendar)
                .map(|c| (c.zone().clone(), c.holidays().clone()))
        });
    let mut u = Usage::empty(month);
    let mut handle_ms = 0i64;
    let mut err = None;
    store.for_each_cell(
        interval_of(from_ms),
        interval_of(to_ms - 1) + 1,
        &provider,
        &mut |c, cell| {
            let t = interval_start_ms(c.interval);
            if t < from_ms
                || t >= to_ms
                || !in_scope(&contract.queues, &contract.channels, c.queue, c.channel)
            {
                return;
            }
            *u.handled_contacts.entry(c.channel).or_default() += cell.answered.max(0) as u64;
            handle_ms += cell.handle_ms();
            if let Some((zone, days)) = &holidays {
                match jiff::Timestamp::from_millisecond(t) {
                    Ok(ts) if days.contains(&ts.to_zoned(zone.clone()).date()) => {
                        *u.holiday_contacts.entry(c.channel).or_default() +=
                            cell.answered.max(0) as u64;
                    }
                    Ok(_) => {}
                    Err(e) => err = Some(e),
                }
            }
        },
    )?;
    if let Some(e) = err {
        return Err(EvalError::msg(format!("timestamp out of range: {e}")));
    }
    u.handled_s = handle_ms / 1000;
    let (mut productive_ms, mut scheduled_ms) = (0i64, 0i64);
    for h in store.hours(interval_of(from_ms), interval_of(to_ms - 1) + 1, &provider)? {
        if contract.queues.is_empty() || contract.queues.contains(&h.queue) {
            productive_ms += h.productive_ms;
            scheduled_ms += h.scheduled_ms;
        }
    }
    u.productive_s = productive_ms / 1000;
    u.fte = Quantity::from_seconds(scheduled_ms / 1000, FTE_MONTH_HOURS * 3600);
    Ok(u)
}

pub fn month_input(
    store: &dyn Store,
    contract: &Contract,
    month: Month,
    as_of_ms: i64,
) -> Result<MonthInput> {
    let fees = match &contract.pricing {
        Some(_) => expected_invoice(
            contract,
            &usage(store, contract, month, contract.pricing.as_ref())?,
        )?
        .fees(),
        None => relevo_contracts::Money::default(),
    };
    let mut measures = BTreeMap::new();
    for term in &contract.terms {
        let mut list = Vec::new();
        for span in contract.periods(term, month) {
            list.push(measure(store, contract, term, &span, as_of_ms)?);
        }
        measures.insert(term.id.clone(), list);
    }
    Ok(MonthInput {
        month,
        fees,
        measures,
    })
}

/// The scorecard of `month`, after evaluating up to twelve earlier months in order for escalation
/// and earn-back (each under the contract version in force then).
pub fn scorecard(
    store: &dyn Store,
    provider: &str,
    month: Month,
    as_of_ms: i64,
) -> Result<(Contract, Scorecard)> {
    let contracts = load_contracts(store, Some(provider))?;
    let contract = contract_for_month(&contracts, provider, month)
        .ok_or_else(|| {
            EvalError::msg(format!(
                "no contract of {provider:?} is in force in {month} (see: relevo contract list)"
            ))
        })?
        .clone();
    let mut history: Vec<Scorecard> = Vec::new();
    for back in (1..=HISTORY_MONTHS).rev() {
        let m = month.plus(-back);
        if let Some(c) = contract_for_month(&contracts, provider, m) {
            let input = month_input(store, c, m, as_of_ms)?;
            history.push(evaluate(c, &input, &history)?);
        }
    }
    let input = month_input(store, &contract, month, as_of_ms)?;
    let card = evaluate(&contract, &input, &history)?;
    Ok((contract, card))
}

/// A month's expected invoice with the scorecard's credits, bonuses and earn-backs.
pub fn invoice(
    store: &dyn Store,
    provider: &str,
    month: Month,
    as_of_ms: i64,
) -> Result<(Contract, Scorecard, Invoice)> {
    let (contract, card) = scorecard(store, provider, month, as_of_ms)?;
    let pricing = contract.pricing.as_ref().ok_or_else(|| {
        EvalError::msg(format!(
            "{} v{} has no [pricing]",
            contract.provider, contract.version
        ))
    })?;
    let mut inv = expected_invoice(&contract, &usage(store, &contract, month, Some(pricing))?)?;
    inv.add_scorecard(&card);
    Ok((contract, card, inv))
}

/// A scorecard as JSON (the API's and `relevo scorecard --format json`'s shape); money as decimal
/// strings so that no float touches it.
pub fn scorecard_json(card: &Scorecard) -> serde_json::Value {
    let terms: Vec<serde_json::Value> = card
        .terms
        .iter()
        .map(|t| {
            serde_json::json!({
                "term": t.id, "name": t.name, "metric": t.metric.as_str(), "critical": t.critical,
                "period": t.period.to_string(), "target": t.target, "relaxed_target": t.relaxed_target,
                "actual": t.actual, "sample": t.sample, "verdict": t.verdict.as_str(), "note": t.note,
                "misses_in_window": t.misses_in_window, "credit": t.credit.to_string(), "bonus": t.bonus.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "provider": card.provider, "version": card.version, "month": card.month.to_string(),
        "currency": card.currency, "fees": card.fees.to_string(), "at_risk": card.at_risk.to_string(),
        "credits": card.credits.to_string(), "cap_binds": card.cap_binds, "bonuses": card.bonuses.to_string(),
        "earned_back": card.earned_back.to_string(), "terms": terms,
    })
}
