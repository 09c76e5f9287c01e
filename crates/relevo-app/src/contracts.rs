//! Contract versions and costs as the command line and the server offer them: adding a version
//! (checked against the stored versions and the queues with data; kept forever, audited by the
//! store), and the cost per handled contact and minute of every provider side by side (a BPO's
//! expected invoice after credits and bonuses; the in-house team's cost model).
//!
//! Judging and pricing are relevo-contracts'; measuring is [`crate::evaluation`]. Not here: files
//! (the caller reads the contract text), rendering.

use crate::Error;
use crate::evaluation::{load_contracts, scorecard, usage};
use relevo_contracts::{
    Contract, Money, Month, contract_for_month, expected_invoice, inhouse_cost,
};
use relevo_store::{NewContract, Scope, Store};

fn invalid(source_name: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid {
        field: None,
        message: format!("{source_name}: {e}"),
    }
}

/// What adding a contract file did.
#[derive(Debug, Clone)]
pub struct Added {
    pub contract: Contract,
    /// `Some((added_at_ms, added_by))` when the very same text was stored already as this version:
    /// nothing was written.
    pub already_stored: Option<(i64, String)>,
}

/// Stores the contract `text` (named `source_name` in errors) as a new version added by `by` at
/// `now_ms`, after checking that it parses, names only queues with data, and fits the stored
/// versions of its provider (no version given twice, no overlapping validity). Adding a text that
/// is stored already, byte for byte, as its version changes nothing and is not an error; another
/// text with the same version is.
pub fn add_version(
    store: &mut dyn Store,
    text: &str,
    source_name: &str,
    by: &str,
    now_ms: i64,
) -> Result<Added, Error> {
    let contract = Contract::parse(text).map_err(|e| invalid(source_name, e))?;
    if let Some(stored) = store
        .contracts(Some(&contract.provider))?
        .into_iter()
        .find(|c| c.version == i64::from(contract.version) && c.source == text)
    {
        return Ok(Added {
            contract,
            already_stored: Some((stored.added_at_ms, stored.added_by)),
        });
    }
    let known: Vec<String> = relevo_store::auth::scoped_queues(store, &Scope::All)?;
    relevo_contracts::check_queues(&contract, &known).map_err(|e| invalid(source_name, e))?;
    let mut all = load_contracts(store, Some(&contract.provider))?;
    all.push(contract.clone());
    relevo_contracts::check_versions(&all).map_err(|e| invalid(source_name, e))?;
    let (from, to) = (
        contract.valid_from.to_string(),
        contract.valid_to.to_string(),
    );
    store.add_contract(&NewContract {
        provider: &contract.provider,
        version: i64::from(contract.version),
        valid_from: &from,
        valid_to: Some(&to),
        source: text,
        added_at_ms: now_ms,
        added_by: by,
    })?;
    Ok(Added {
        contract,
        already_stored: None,
    })
}

/// One provider's cost of a month.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    pub provider: String,
    /// `invoice` (a BPO's priced contract) or `in-house` (a cost model).
    pub model: &'static str,
    pub handled: u64,
    pub handled_s: i64,
    pub total: Money,
    pub currency: String,
}

impl Cost {
    /// Cost per handled contact in the contract's currency (for display), if any were handled.
    pub fn per_contact(&self) -> Option<f64> {
        (self.handled > 0).then(|| self.total.cents() as f64 / 100.0 / self.handled as f64)
    }

    /// Cost per handled minute in the contract's currency (for display), if any time was handled.
    pub fn per_minute(&self) -> Option<f64> {
        let minutes = self.handled_s as f64 / 60.0;
        (minutes > 0.0).then(|| self.total.cents() as f64 / 100.0 / minutes)
    }
}

/// The cost of `month` for every provider with a contract in force that prices it, as known at
/// `as_of_ms`, in provider order.
pub fn costs(store: &dyn Store, month: Month, as_of_ms: i64) -> Result<Vec<Cost>, Error> {
    let providers: std::collections::BTreeSet<String> = store
        .contracts(None)?
        .into_iter()
        .map(|c| c.provider)
        .collect();
    let mut out = Vec::new();
    for p in providers {
        let contracts = load_contracts(store, Some(&p))?;
        let Some(contract) = contract_for_month(&contracts, &p, month) else {
            continue;
        };
        let (model, total, u) = if let Some(pricing) = &contract.pricing {
            let (_, card) = scorecard(store, &p, month, as_of_ms)?;
            let u = usage(store, contract, month, Some(pricing))?;
            let mut inv = expected_invoice(contract, &u)?;
            inv.add_scorecard(&card);
            ("invoice", inv.total(), u)
        } else if contract.inhouse_cost.is_some() {
            let u = usage(store, contract, month, contract.inhouse_cost.as_ref())?;
            ("in-house", inhouse_cost(contract, &u)?.total(), u)
        } else {
            continue;
        };
        out.push(Cost {
            provider: p,
            model,
            handled: u.handled_total(),
            handled_s: u.handled_s,
            total,
            currency: contract.currency.clone(),
        });
    }
    Ok(out)
}
