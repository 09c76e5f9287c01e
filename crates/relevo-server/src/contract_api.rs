//! `GET /api/v1/scorecard` and `GET /api/v1/invoice`: a provider's month judged against its contract
//! and priced, from [`relevo_app::evaluation`] (the same code as `relevo scorecard` / `relevo invoice`).
//! A provider caller may ask only for itself; anyone else's provider answers 404, as if unknown.

use crate::auth::{Caller, Perm};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use relevo_app::evaluation::{self, EvalError};
use relevo_contracts::Month;
use relevo_store::Scope;
use serde::Deserialize;

/// Query of both endpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    pub provider: String,
    /// `YYYY-MM`.
    pub month: String,
    /// RFC 3339; default now. Unanswered contacts not yet due count as pending until then.
    pub as_of: Option<String>,
}

fn parse(caller: &Caller, q: &MonthQuery) -> Result<(Month, Option<i64>), ApiError> {
    if let Scope::Provider(own) = caller.scope()
        && own != q.provider
    {
        return Err(ApiError::NotFound(format!(
            "no contract of {:?}",
            q.provider
        )));
    }
    let month: Month = q
        .month
        .parse()
        .map_err(|e: String| ApiError::bad_field("month", e))?;
    let as_of = match &q.as_of {
        Some(t) => Some(
            t.parse::<jiff::Timestamp>()
                .map_err(|e| ApiError::bad_field("as_of", format!("not an RFC 3339 time: {e}")))?
                .as_millisecond(),
        ),
        None => None,
    };
    Ok((month, as_of))
}

fn eval_error(e: EvalError) -> ApiError {
    match e {
        EvalError::Store(s) => ApiError::Internal(s.to_string()),
        EvalError::Contract(c) => ApiError::Internal(c.to_string()),
        EvalError::Msg(m) => ApiError::NotFound(m),
    }
}

fn money(m: relevo_contracts::Money) -> String {
    m.to_string()
}

/// `GET /api/v1/scorecard?provider=P&month=YYYY-MM[&as_of=…]`.
pub async fn get_scorecard(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<MonthQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    let (month, as_of) = parse(&caller, &q)?;
    st.blocking(move |st| {
        let now = as_of.unwrap_or_else(|| st.now_ms());
        let (_, card) =
            st.read(|s| evaluation::scorecard(s, &q.provider, month, now).map_err(eval_error))?;
        Ok(Json(evaluation::scorecard_json(&card)))
    })
    .await
}

/// `GET /api/v1/invoice?provider=P&month=YYYY-MM[&as_of=…]`: expected lines, credits, total.
pub async fn get_invoice(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<MonthQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    let (month, as_of) = parse(&caller, &q)?;
    st.blocking(move |st| {
        let now = as_of.unwrap_or_else(|| st.now_ms());
        let (contract, _, inv) =
            st.read(|s| evaluation::invoice(s, &q.provider, month, now).map_err(eval_error))?;
        let lines: Vec<serde_json::Value> = inv
            .lines
            .iter()
            .map(|l| {
                serde_json::json!({
                    "description": l.description, "quantity": l.quantity.to_string(),
                    "unit_price": l.unit_price.to_string(), "amount": money(l.amount),
                })
            })
            .collect();
        Ok(Json(serde_json::json!({
            "provider": contract.provider, "version": contract.version, "month": month.to_string(),
            "currency": contract.currency, "lines": lines, "fees": money(inv.fees()),
            "total": money(inv.total()),
        })))
    })
    .await
}
