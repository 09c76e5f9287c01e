//! The expected invoice of a month: usage priced by the contract (per contact by channel, per
//! handled minute, per productive hour, per FTE-month, flat and one-time fees, volume tiers,
//! holiday surcharges, a minimum commitment), then the scorecard's credits, bonuses and earn-backs.
//! The same machinery prices an in-house team's cost model.
//!
//! Every line is `quantity × unit price = amount`, rounded once to the cent, so anyone can recheck a
//! line from its printed numbers. Usage comes in as counts and seconds; this module does not measure.

use crate::contract::{Contract, Pricing, Rate, TierMode};
use crate::decimal::{Money, Quantity, UnitPrice};
use crate::error::InputError;
use crate::evaluate::{EarnBackState, Scorecard, render::table};
use crate::period::Month;
use relevo_core::Channel;
use std::collections::BTreeMap;
use std::fmt;

/// A month's billable usage of one provider.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub month: Month,
    /// Contacts handled (answered) per channel.
    pub handled_contacts: BTreeMap<Channel, u64>,
    /// Handle time of those contacts (talk + hold + after-contact work), in seconds.
    pub handled_s: i64,
    /// Productive (logged-in) agent time, in seconds.
    pub productive_s: i64,
    /// FTEs billed for the month (three decimals).
    pub fte: Quantity,
    /// Of the handled contacts, those handled on a holiday of the surcharge calendar.
    pub holiday_contacts: BTreeMap<Channel, u64>,
}

impl Usage {
    /// A month with no usage.
    pub fn empty(month: Month) -> Usage {
        Usage {
            month,
            handled_contacts: BTreeMap::new(),
            handled_s: 0,
            productive_s: 0,
            fte: Quantity::default(),
            holiday_contacts: BTreeMap::new(),
        }
    }

    pub fn handled_total(&self) -> u64 {
        self.handled_contacts.values().sum()
    }
}

/// What an invoice line is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Priced usage: contacts, minutes, hours, FTEs.
    Usage,
    MonthlyFee,
    HolidaySurcharge,
    /// Brings recurring charges up to the minimum monthly commitment.
    MinimumTopUp,
    OneTime,
    Credit,
    Bonus,
    EarnBack,
}

impl LineKind {
    /// Recurring charges: the base of the at-risk amount ([`Invoice::fees`]).
    pub fn is_fee(self) -> bool {
        matches!(
            self,
            LineKind::Usage
                | LineKind::MonthlyFee
                | LineKind::HolidaySurcharge
                | LineKind::MinimumTopUp
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub description: String,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub amount: Money,
}

impl InvoiceLine {
    fn new(kind: LineKind, description: String, quantity: Quantity, unit_price: UnitPrice) -> Self {
        InvoiceLine {
            kind,
            description,
            quantity,
            unit_price,
            amount: quantity.times(unit_price),
        }
    }

    /// One unit of `amount` (fees, top-ups, credits, bonuses).
    fn once(kind: LineKind, description: String, amount: Money) -> Self {
        InvoiceLine {
            kind,
            description,
            quantity: Quantity::units(1),
            unit_price: UnitPrice::from_money(amount),
            amount,
        }
    }
}

/// An expected invoice (or an in-house cost statement).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    pub provider: String,
    pub version: u32,
    pub month: Month,
    pub currency: String,
    pub lines: Vec<InvoiceLine>,
}

impl Invoice {
    /// Recurring charges (usage, monthly fee, holiday surcharges, minimum top-up): the "monthly
    /// fees" an at-risk percentage applies to. One-time fees and adjustments are not in it.
    pub fn fees(&self) -> Money {
        self.sum(|k| k.is_fee())
    }

    /// Fees plus one-time fees: everything before the scorecard's adjustments.
    pub fn charges(&self) -> Money {
        self.sum(|k| k.is_fee() || k == LineKind::OneTime)
    }

    pub fn total(&self) -> Money {
        self.sum(|_| true)
    }

    fn sum(&self, f: impl Fn(LineKind) -> bool) -> Money {
        self.lines
            .iter()
            .filter(|l| f(l.kind))
            .map(|l| l.amount)
            .sum()
    }

    /// Cost per handled contact: total / handled, to the millionth (docs/DEFINITIONS.md §5).
    pub fn cost_per_contact(&self, handled: u64) -> Option<UnitPrice> {
        UnitPrice::per(self.total(), handled)
    }

    /// Appends the scorecard's credits (negative), bonuses and earn-backs.
    pub fn add_scorecard(&mut self, s: &Scorecard) {
        for t in &s.terms {
            if t.credit > Money::ZERO {
                self.lines.push(InvoiceLine::once(
                    LineKind::Credit,
                    format!("service credit {} ({})", t.id, s.month),
                    -t.credit,
                ));
            }
        }
        for t in &s.terms {
            if t.bonus > Money::ZERO {
                self.lines.push(InvoiceLine::once(
                    LineKind::Bonus,
                    format!("bonus {} ({})", t.id, s.month),
                    t.bonus,
                ));
            }
        }
        for e in &s.earn_backs {
            if e.state == EarnBackState::Earned {
                self.lines.push(InvoiceLine::once(
                    LineKind::EarnBack,
                    format!("earn-back {} (credit of {})", e.term, e.credit_month),
                    e.credit,
                ));
            }
        }
    }

    /// The lines in the reconciliation layout `description,quantity,unit_price,amount`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("description,quantity,unit_price,amount\n");
        for l in &self.lines {
            out.push_str(&format!(
                "{},{},{},{}\n",
                csv_field(&l.description),
                l.quantity,
                l.unit_price,
                l.amount
            ));
        }
        out
    }

    /// A readable table of the lines and the totals.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} v{} · {} · {}\n",
            self.provider, self.version, self.month, self.currency
        );
        let mut rows = vec![
            ["description", "quantity", "unit_price", "amount"]
                .map(String::from)
                .to_vec(),
        ];
        for l in &self.lines {
            rows.push(vec![
                l.description.clone(),
                l.quantity.to_string(),
                l.unit_price.to_string(),
                l.amount.to_string(),
            ]);
        }
        out.push_str(&table(&rows));
        out.push_str(&format!(
            "fees {} · charges {} · total {}\n",
            self.fees(),
            self.charges(),
            self.total()
        ));
        out
    }
}

pub(crate) fn csv_field(s: &str) -> String {
    let mut out = String::new();
    relevo_core::push_csv_text(&mut out, s);
    out
}

/// The provider's expected invoice for `usage.month`, before the scorecard (add it with
/// [`Invoice::add_scorecard`]).
pub fn expected_invoice(contract: &Contract, usage: &Usage) -> Result<Invoice, InputError> {
    let pricing = contract.pricing.as_ref().ok_or_else(|| {
        InputError::Invalid(format!(
            "{} v{} has no [pricing]",
            contract.provider, contract.version
        ))
    })?;
    price(contract, pricing, usage)
}

/// What an in-house team's month costs under the contract's `[inhouse_cost]` model.
pub fn inhouse_cost(contract: &Contract, usage: &Usage) -> Result<Invoice, InputError> {
    let model = contract.inhouse_cost.as_ref().ok_or_else(|| {
        InputError::Invalid(format!(
            "{} v{} has no [inhouse_cost]",
            contract.provider, contract.version
        ))
    })?;
    price(contract, model, usage)
}

fn price(contract: &Contract, p: &Pricing, usage: &Usage) -> Result<Invoice, InputError> {
    let bad = |m: String| Err(InputError::Invalid(m));
    if !contract.covers(usage.month) {
        return bad(format!(
            "{} v{} is not valid in {}",
            contract.provider, contract.version, usage.month
        ));
    }
    if usage.handled_s < 0 || usage.productive_s < 0 || usage.fte.milli() < 0 {
        return bad("usage must not be negative".into());
    }
    for (ch, n) in &usage.holiday_contacts {
        let handled = usage.handled_contacts.get(ch).copied().unwrap_or(0);
        if *n > handled {
            return bad(format!(
                "{n} {ch} contacts handled on holidays, but only {handled} handled"
            ));
        }
    }
    let mut lines = Vec::new();
    for (ch, rate) in &p.per_contact {
        let n = usage.handled_contacts.get(ch).copied().unwrap_or(0);
        lines.extend(rate_lines(
            &format!("handled contacts {ch}"),
            rate,
            count(n),
        ));
    }
    for ch in usage.handled_contacts.keys() {
        if !p.per_contact.is_empty() && !p.per_contact.contains_key(ch) {
            return bad(format!(
                "{ch} contacts were handled but the contract prices none"
            ));
        }
    }
    if let Some(r) = &p.per_minute {
        lines.extend(rate_lines(
            "handled minutes",
            r,
            Quantity::from_seconds(usage.handled_s, 60),
        ));
    }
    if let Some(r) = &p.per_productive_hour {
        lines.extend(rate_lines(
            "productive hours",
            r,
            Quantity::from_seconds(usage.productive_s, 3600),
        ));
    }
    if let Some(r) = &p.per_fte_month {
        lines.extend(rate_lines("FTE months", r, usage.fte));
    }
    if let Some(h) = &p.holiday_surcharge {
        for (ch, rate) in &p.per_contact {
            let n = usage.holiday_contacts.get(ch).copied().unwrap_or(0);
            if n > 0 {
                lines.push(InvoiceLine::new(
                    LineKind::HolidaySurcharge,
                    format!("holiday surcharge {ch}"),
                    count(n),
                    base_price(rate).pct(h.pct),
                ));
            }
        }
    }
    if let Some(fee) = p.monthly_fee {
        lines.push(InvoiceLine::once(
            LineKind::MonthlyFee,
            "monthly fee".into(),
            fee,
        ));
    }
    if let Some(min) = p.minimum_monthly {
        let recurring: Money = lines.iter().map(|l| l.amount).sum();
        if recurring < min {
            lines.push(InvoiceLine::once(
                LineKind::MinimumTopUp,
                "minimum commitment top-up".into(),
                min - recurring,
            ));
        }
    }
    for o in &p.one_time {
        if o.month == usage.month {
            lines.push(InvoiceLine::once(
                LineKind::OneTime,
                format!("one-time: {}", o.description),
                o.amount,
            ));
        }
    }
    Ok(Invoice {
        provider: contract.provider.clone(),
        version: contract.version,
        month: usage.month,
        currency: contract.currency.clone(),
        lines,
    })
}

fn count(n: u64) -> Quantity {
    Quantity::units(i64::try_from(n).unwrap_or(i64::MAX / 1000))
}

/// The flat price, or the first tier's.
fn base_price(rate: &Rate) -> UnitPrice {
    match rate {
        Rate::Flat(p) => *p,
        Rate::Tiered { tiers, .. } => tiers[0].price,
    }
}

struct Band {
    lo: i64,
    hi: Option<i64>,
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.lo, self.hi) {
            (0, Some(hi)) => write!(f, "up to {hi}"),
            (lo, Some(hi)) => write!(f, "over {lo} up to {hi}"),
            (lo, None) => write!(f, "over {lo}"),
        }
    }
}

/// Usage lines of one priced quantity; none when the quantity is zero.
fn rate_lines(label: &str, rate: &Rate, qty: Quantity) -> Vec<InvoiceLine> {
    if qty.milli() == 0 {
        return Vec::new();
    }
    let line = |d: String, q: Quantity, p: UnitPrice| InvoiceLine::new(LineKind::Usage, d, q, p);
    match rate {
        Rate::Flat(p) => vec![line(label.to_string(), qty, *p)],
        Rate::Tiered { mode, tiers } => {
            let mut lo = 0i64;
            let mut out = Vec::new();
            for (k, t) in tiers.iter().enumerate() {
                let band = Band { lo, hi: t.up_to };
                let (lo_m, hi_m) = (lo * 1000, t.up_to.map(|u| u * 1000));
                match mode {
                    TierMode::Graduated => {
                        let top = hi_m.map_or(qty.milli(), |h| qty.milli().min(h));
                        if top > lo_m {
                            out.push(line(
                                format!("{label}, tier {} ({band})", k + 1),
                                Quantity::from_milli(top - lo_m),
                                t.price,
                            ));
                        }
                    }
                    TierMode::AllUnits => {
                        if hi_m.is_none_or(|h| qty.milli() <= h) {
                            return vec![line(
                                format!("{label}, all units at tier {} ({band})", k + 1),
                                qty,
                                t.price,
                            )];
                        }
                    }
                }
                lo = t.up_to.unwrap_or(lo);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests;
