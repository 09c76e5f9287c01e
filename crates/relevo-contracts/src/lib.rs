//! relevo's contract engine: what a provider contract says and what it means in money.
//!
//! - [`Contract::parse`] reads a contract file (TOML) into validated types: validity, pinned KPI
//!   definitions ([`relevo_core::KpiSettings`]), business-hours [`Calendar`]s, SLA [`Term`]s,
//!   service credits, bonuses, stabilisation windows, pricing. [`check_versions`] and
//!   [`check_queues`] refuse contracts that conflict with each other or with the store.
//! - [`evaluate()`] turns a month of measured numbers into a [`Scorecard`]: verdicts, credits with
//!   escalation and the at-risk cap, bonuses, earn-back.
//! - [`business_seconds_between`] and [`business_deadline`] measure business time exactly, across
//!   weekends, holidays, split days and daylight-saving changes.
//! - [`expected_invoice`] prices a month's [`Usage`]; [`reconcile()`] compares a vendor's invoice with it.
//!
//! The crate does no IO: no files, no clock, no SQL. Callers measure (with `relevo-metrics`), store
//! and print. Money is exact fixed-point ([`Money`] in cents, [`UnitPrice`] in millionths), never a
//! float. Formulas and the file format are in `docs/CONTRACTS.md`.
//!
//! ```
//! use relevo_contracts::{Contract, Money, MonthInput, PeriodMeasure, Verdict, evaluate};
//!
//! let contract = Contract::parse(r#"
//!     provider = "acme-bpo"
//!     version = 1
//!     valid_from = 2026-01-01
//!     valid_to = 2026-12-31
//!     currency = "EUR"
//!     timezone = "Europe/Madrid"
//!     queues = ["billing"]
//!
//!     [credits]
//!     at_risk_pct = 10
//!
//!     [[terms]]
//!     id = "voice-sl"
//!     metric = "service_level"
//!     channels = ["voice"]
//!     target = 0.80
//!     critical = true
//!     credit_allocation_pct = 40
//! "#).unwrap();
//!
//! // October: 76 % answered within 20 s; fees 50 000.00 → at risk 5 000.00 → credit 40 % = 2 000.00.
//! let month = "2026-10".parse().unwrap();
//! let term = contract.term("voice-sl").unwrap();
//! let span = contract.periods(term, month)[0];
//! let input = MonthInput {
//!     month,
//!     fees: Money::from_cents(5_000_000),
//!     measures: [("voice-sl".to_string(), vec![PeriodMeasure {
//!         first: span.first,
//!         value: Some(0.76),
//!         sample: 12_000,
//!         offered: 12_400,
//!         forecast_offered: None,
//!     }])].into(),
//! };
//! let card = evaluate(&contract, &input, &[]).unwrap();
//! assert_eq!(card.term("voice-sl").unwrap().verdict, Verdict::Missed);
//! assert_eq!(card.credits.to_string(), "2000.00");
//! ```

mod calendar;
mod contract;
mod decimal;
mod error;
mod evaluate;
mod invoice;
mod locate;
mod period;
mod reconcile;

pub use calendar::{
    Block, Calendar, ResponseTally, business_deadline, business_ms_between,
    business_seconds_between, tally_responses,
};
pub use contract::{
    BonusPay, BonusPolicy, BonusTier, Contract, CreditPolicy, EarnBack, EscalationStep,
    HolidaySurcharge, OneTimeFee, Pricing, Rate, Relaxation, StabilisationWindow, TARGET_EPSILON,
    TERM_KPIS, TargetDirection, Term, Tier, TierMode, check_queues, check_versions, contract_for,
    contract_for_month, format_value,
};
pub use decimal::{Money, Multiplier, Pct, Quantity, UnitPrice};
pub use error::{ContractError, InputError, Location};
pub use evaluate::{
    EarnBackResult, EarnBackState, MonthInput, PeriodMeasure, PeriodResult, Scorecard, TermResult,
    Verdict, evaluate, evaluate_months,
};
pub use invoice::{Invoice, InvoiceLine, LineKind, Usage, expected_invoice, inhouse_cost};
pub use period::{Month, Period, PeriodSpan};
pub use reconcile::{
    BilledLine, Difference, Reconciliation, Tolerance, billed_csv, parse_billed_csv, reconcile,
};
