//! The JSON API under `/api/v1`: contacts in, KPIs, providers and queues out (within the caller's
//! scope), the Erlang calculator, and the admin resources (tokens, users, audit log).
//!
//! Handlers parse and check, then run store work on a blocking thread; they never filter data
//! themselves: the caller's scope goes to the store.

use crate::auth::{Caller, Perm};
use crate::error::{ApiError, IdPath, RecordError};
use crate::kpis::{self, KpiQuery};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use relevo_app::erlang::Staffing;
use relevo_import::{Item, Options};
use relevo_queueing::{Model, ServiceLevelTarget, Targets};
use relevo_store::auth::{NewToken, scoped_providers, scoped_queues};
use relevo_store::{Abort, Role, Scope};
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;

pub async fn healthz(State(st): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    st.blocking(|st| st.read(|s| Ok(s.providers().map(|_| ())?)))
        .await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

pub async fn metrics(State(st): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        st.metrics().render(),
    )
        .into_response()
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ImportResult {
    pub received: usize,
    pub inserted: u64,
    pub replaced: u64,
    pub ignored: u64,
}

pub async fn post_contacts(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportResult>, ApiError> {
    caller.require(Perm::Ingest)?;
    let body = body?;
    st.blocking(move |st| ingest(st, &caller, &body).map(Json))
        .await
}

/// Parses, validates and stores one batch atomically.
pub fn ingest(st: &AppState, caller: &Caller, body: &[u8]) -> Result<ImportResult, ApiError> {
    let scope = caller.scope();
    let opts = Options {
        provider: match &scope {
            Scope::Provider(p) => Some(p.clone()),
            Scope::All => None,
        },
        ..Options::default()
    };
    let max = st.config().max_batch_records;
    let items =
        relevo_import::body::parse_body(body, &opts, max).map_err(|d| ApiError::BadRequest {
            message: if d.line == 0 {
                d.reason.clone()
            } else {
                d.to_string()
            },
            field: d.column.clone(),
        })?;
    if items.is_empty() {
        return Err(ApiError::bad(
            "the body holds no records (send a JSON array or JSON lines of canonical records)",
        ));
    }
    let mut records = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match item {
            Item::Record(r) if scope.permits(&r.provider) => records.push(*r),
            Item::Record(r) => errors.push(RecordError {
                index,
                field: Some("provider".into()),
                value: Some(r.provider),
                reason: "outside this caller's access: a provider sends only its own records"
                    .into(),
            }),
            Item::Skipped(reason) => errors.push(RecordError {
                index,
                field: None,
                value: None,
                reason,
            }),
            Item::Invalid(d) | Item::Unreadable(d) => errors.push(RecordError {
                index,
                field: d.column,
                value: d.value,
                reason: d.reason,
            }),
        }
    }
    if !errors.is_empty() {
        st.metrics()
            .batches_rejected
            .fetch_add(1, Ordering::Relaxed);
        return Err(ApiError::InvalidRecords(errors));
    }
    let received = records.len();
    let now = st.now_ms();
    let actor = caller.principal.actor.clone();
    let stats = st.write(|w| {
        // The store checks the scope again: a record outside it aborts the whole batch.
        let mut it = records.into_iter().map(|r| {
            if scope.permits(&r.provider) {
                Ok(r)
            } else {
                Err(Abort)
            }
        });
        // No size hint: a large load may switch the database to a rollback journal when it is
        // alone, which would make the dashboard's readers wait; the server always stays in WAL.
        // The audit row is written in the batch's own transaction.
        let audit = relevo_store::AuditNote {
            at_ms: now,
            actor: &actor,
            action: "contacts.push",
            detail: &format!("received={received}"),
        };
        let stats = w.import(
            &format!("api {actor}"),
            0,
            &mut it,
            &mut |_| {},
            Some(&audit),
        )?;
        Ok(stats)
    })?;
    let m = st.metrics();
    m.contacts_inserted
        .fetch_add(stats.inserted, Ordering::Relaxed);
    m.contacts_replaced
        .fetch_add(stats.replaced, Ordering::Relaxed);
    m.contacts_ignored
        .fetch_add(stats.ignored, Ordering::Relaxed);
    Ok(ImportResult {
        received,
        inserted: stats.inserted,
        replaced: stats.replaced,
        ignored: stats.ignored,
    })
}

pub async fn get_kpis(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<KpiQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    let format = q.format.clone().unwrap_or_else(|| "json".into());
    if format != "json" && format != "csv" {
        return Err(ApiError::bad_field(
            "format",
            format!("unknown format {format:?} (expected json or csv)"),
        ));
    }
    let scope = caller.scope_for(q.provider.as_deref())?;
    let visible = caller.scope();
    let now = st.now_ms();
    st.blocking(move |st| {
        let (spec, filter, as_of) = kpis::spec_of(&q, now)?;
        let rows = st.read(|s| {
            relevo_app::reports::check_filters(s, &visible, q.provider.as_deref(), &filter)?;
            let max_rows = st.config().max_report_rows;
            relevo_app::reports::within_rows(s, &scope, &spec, &filter, max_rows)?;

            st.report(s, &scope, &spec, &filter, as_of)
        })?;
        // Written in pieces while the client reads (crate::chunked).
        let csv = format == "csv";
        let content_type = if csv {
            "text/csv; charset=utf-8"
        } else {
            "application/json"
        };
        Ok((
            [(header::CONTENT_TYPE, content_type)],
            crate::chunked::report_body(rows, spec, csv),
        )
            .into_response())
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Keys {
    pub items: Vec<String>,
}

pub async fn get_providers(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Keys>, ApiError> {
    caller.require(Perm::Read)?;
    let scope = caller.scope();
    st.blocking(move |st| {
        st.read(|s| {
            Ok(Json(Keys {
                items: scoped_providers(s, &scope)?,
            }))
        })
    })
    .await
}

pub async fn get_queues(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Keys>, ApiError> {
    caller.require(Perm::Read)?;
    let scope = caller.scope();
    st.blocking(move |st| {
        st.read(|s| {
            Ok(Json(Keys {
                items: scoped_queues(s, &scope)?,
            }))
        })
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Me {
    pub actor: String,
    pub role: String,
    pub provider: Option<String>,
}

pub async fn get_me(caller: Caller) -> Json<Me> {
    Json(Me {
        actor: caller.principal.actor,
        role: caller.principal.role.to_string(),
        provider: caller.principal.provider,
    })
}

/// `GET /api/v1/erlang`: measures for a number of agents, or the agents needed for targets.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ErlangQuery {
    /// Contacts arriving per `per_s` seconds.
    pub arrivals: f64,
    /// The arrival window in seconds (default 1800).
    pub per_s: Option<f64>,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// erlang_c (default) or erlang_a.
    pub model: Option<String>,
    /// Mean patience for Erlang A, seconds (default 120).
    pub patience_s: Option<f64>,
    /// Agents: answer the measures for this many.
    pub agents: Option<f64>,
    /// Service-level target (fraction) for the staffing search.
    pub target_sl: Option<f64>,
    /// Service-level threshold, seconds (default 20).
    pub sl_threshold_s: Option<f64>,
    pub max_asa_s: Option<f64>,
    pub max_abandon: Option<f64>,
    pub max_occupancy: Option<f64>,
    /// Fraction of paid time unavailable, in [0, 1).
    pub shrinkage: Option<f64>,
}

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct ErlangResult {
    pub model: String,
    pub offered_load_erlangs: f64,
    pub agents: f64,
    pub agents_with_shrinkage: Option<u32>,
    pub binding: Option<String>,
    pub service_level: Option<f64>,
    pub sl_threshold_s: f64,
    pub prob_wait: f64,
    pub prob_abandon: f64,
    pub asa_s: f64,
    pub occupancy: f64,
}

/// Runs the calculator (shared by the API and the planning page).
pub fn erlang(q: &ErlangQuery) -> Result<ErlangResult, ApiError> {
    let p = crate::openapi::ERLANG_PARAMS;
    for (name, value) in [
        ("arrivals", Some(q.arrivals)),
        ("per_s", q.per_s),
        ("aht_s", Some(q.aht_s)),
        ("patience_s", q.patience_s),
        ("agents", q.agents),
        ("target_sl", q.target_sl),
        ("sl_threshold_s", q.sl_threshold_s),
        ("max_asa_s", q.max_asa_s),
        ("max_abandon", q.max_abandon),
        ("max_occupancy", q.max_occupancy),
        ("shrinkage", q.shrinkage),
    ] {
        if let Some(v) = value {
            crate::openapi::check_number(p, name, v)?;
        }
    }
    let per_s = q.per_s.unwrap_or(1800.0);
    if per_s.is_nan() || per_s <= 0.0 {
        return Err(ApiError::bad_field("per_s", "per_s must be positive"));
    }
    let model_name = q.model.clone().unwrap_or_else(|| "erlang_c".into());
    let model = match model_name.as_str() {
        "erlang_c" => Model::ErlangC,
        "erlang_a" => Model::ErlangA {
            patience_s: q.patience_s.unwrap_or(120.0),
        },
        other => {
            return Err(ApiError::bad_field(
                "model",
                format!("unknown model {other:?} (expected erlang_c or erlang_a)"),
            ));
        }
    };
    let t = q.sl_threshold_s.unwrap_or(20.0);
    let qerr = |e: relevo_queueing::QueueingError| ApiError::bad(e.to_string());
    let input = relevo_app::erlang::ErlangInput {
        arrivals_per_s: q.arrivals / per_s,
        aht_s: q.aht_s,
        model,
        targets: Targets {
            service_level: q.target_sl.map(|fraction| ServiceLevelTarget {
                fraction,
                threshold_s: t,
            }),
            max_asa_s: q.max_asa_s,
            max_abandon: q.max_abandon,
            max_occupancy: q.max_occupancy,
        },
        shrinkage: q.shrinkage.unwrap_or(0.0),
    };
    if let Some(n) = q.agents {
        let queue = relevo_app::erlang::measures(&input, n).map_err(qerr)?;
        return Ok(ErlangResult {
            model: model_name,
            offered_load_erlangs: queue.offered_load_erlangs(),
            agents: n,
            agents_with_shrinkage: None,
            binding: None,
            service_level: Some(queue.service_level(t)),
            sl_threshold_s: t,
            prob_wait: queue.prob_wait(),
            prob_abandon: queue.prob_abandon(),
            asa_s: queue.asa_s(),
            occupancy: queue.occupancy(),
        });
    }
    match relevo_app::erlang::staffing(&input)? {
        Staffing::Staffed { plan, .. } => Ok(ErlangResult {
            model: model_name,
            offered_load_erlangs: plan.achieved.offered_load_erlangs,
            agents: f64::from(plan.raw_agents),
            agents_with_shrinkage: Some(plan.agents_with_shrinkage),
            binding: Some(plan.binding.key().to_string()),
            service_level: plan.achieved.service_level,
            sl_threshold_s: t,
            prob_wait: plan.achieved.prob_wait,
            prob_abandon: plan.achieved.prob_abandon,
            asa_s: plan.achieved.asa_s,
            occupancy: plan.achieved.occupancy,
        }),
        Staffing::Overloaded {
            offered_load_erlangs,
            max_agents,
        } => Err(ApiError::bad(format!(
            "overloaded: {offered_load_erlangs:.1} erlangs of load need more than {max_agents} agents"
        ))),
        Staffing::Unreachable { max_agents, .. } => Err(ApiError::bad(format!(
            "the targets cannot be met with up to {max_agents} agents"
        ))),
    }
}

pub async fn get_erlang(
    caller: Caller,
    q: Result<Query<ErlangQuery>, QueryRejection>,
) -> Result<Json<ErlangResult>, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    erlang(&q).map(Json)
}

#[derive(Debug, Serialize)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub provider: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl From<relevo_store::auth::TokenInfo> for TokenDto {
    fn from(t: relevo_store::auth::TokenInfo) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            role: t.role.to_string(),
            provider: t.provider,
            created_at: rfc3339(t.created_at_ms),
            expires_at: t.expires_at_ms.map(rfc3339),
            revoked_at: t.revoked_at_ms.map(rfc3339),
            last_used_at: t.last_used_at_ms.map(rfc3339),
        }
    }
}

pub async fn list_tokens(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    caller.require(Perm::Admin)?;
    st.blocking(|st| {
        st.read(|s| {
            Ok(Json(
                s.list_tokens()?.into_iter().map(TokenDto::from).collect(),
            ))
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    pub name: String,
    pub role: String,
    pub provider: Option<String>,
    /// Days until the token expires (default 90; 0 = never): a whole number, which JSON may
    /// write `30` or `30.0`.
    pub expires_in_days: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct CreatedToken {
    pub id: i64,
    /// Shown once: only its hash is stored.
    pub token: String,
    pub expires_at: Option<String>,
}

pub async fn create_token(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<NewTokenDto>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    caller.require(Perm::Admin)?;
    let Json(b) = body?;
    let role: Role = b
        .role
        .parse()
        .map_err(|e: String| ApiError::bad_field("role", e))?;
    let now = st.now_ms();
    let days = b.expires_in_days.unwrap_or(90.0);
    let max = crate::openapi::MAX_TOKEN_DAYS;
    if !(days.fract() == 0.0 && (0.0..=f64::from(max)).contains(&days)) {
        return Err(ApiError::bad_field(
            "expires_in_days",
            format!("a whole number of days from 0 (never) to {max}"),
        ));
    }
    let days = days as i64;
    let expires_at_ms = (days > 0).then(|| now + days * 86_400_000);
    let token = NewToken {
        name: b.name,
        role,
        provider: b.provider,
        expires_at_ms,
    };
    let actor = caller.principal.actor.clone();
    let (id, secret) = st
        .blocking(move |st| {
            st.write(|w| Ok(relevo_app::accounts::create_token(w, &actor, &token, now)?))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id,
            token: secret,
            expires_at: expires_at_ms.map(rfc3339),
        }),
    ))
}

pub async fn revoke_token(
    State(st): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    caller.require(Perm::Admin)?;
    let now = st.now_ms();
    let actor = caller.principal.actor.clone();
    let done = st
        .blocking(move |st| {
            st.write(|w| Ok(relevo_app::accounts::revoke_token(w, &actor, id, now)?))
        })
        .await?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("no live token with id {id}")))
    }
}

#[derive(Debug, Serialize)]
pub struct UserDto {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub provider: Option<String>,
    pub created_at: String,
}

pub async fn list_users(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserDto>>, ApiError> {
    caller.require(Perm::Admin)?;
    st.blocking(|st| {
        st.read(|s| {
            Ok(Json(
                s.list_users()?
                    .into_iter()
                    .map(|u| UserDto {
                        id: u.id,
                        name: u.name,
                        role: u.role.to_string(),
                        provider: u.provider,
                        created_at: rfc3339(u.created_at_ms),
                    })
                    .collect(),
            ))
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserDto {
    pub name: String,
    pub password: String,
    pub role: String,
    pub provider: Option<String>,
}

pub async fn add_user(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Json<NewUserDto>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(Perm::Admin)?;
    let Json(b) = body?;
    let role: Role = b
        .role
        .parse()
        .map_err(|e: String| ApiError::bad_field("role", e))?;
    let now = st.now_ms();
    let actor = caller.principal.actor.clone();
    let cost = st.config().password_cost;
    st.blocking(move |st| {
        st.write(|w| {
            relevo_app::accounts::add_user(
                w,
                &actor,
                &relevo_app::accounts::NewUser {
                    name: &b.name,
                    password: &b.password,
                    role,
                    provider: b.provider.as_deref(),
                },
                cost,
                now,
            )
            .map_err(ApiError::from)
        })
    })
    .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct AuditDto {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

pub async fn get_audit(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditDto>>, ApiError> {
    caller.require(Perm::Admin)?;
    let Query(q) = q?;
    let limit = q.limit.unwrap_or(100).min(10_000);
    st.blocking(move |st| {
        st.read(|s| {
            Ok(Json(
                s.audit_log(limit)?
                    .into_iter()
                    .map(|a| AuditDto {
                        id: a.id,
                        at: rfc3339(a.at_ms),
                        actor: a.actor,
                        action: a.action,
                        target: a.target,
                        detail: a.detail,
                    })
                    .collect(),
            ))
        })
    })
    .await
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct HoursResult {
    /// Rows received.
    pub rows: usize,
    /// Quarter-hour cells written (a row may span several).
    pub cells: u64,
}

/// `POST /api/v1/hours`: provider hours as the canonical hours CSV (docs/HOURS.md); one request is
/// one transaction, and re-sending replaces the same cells.
pub async fn post_hours(
    State(st): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<HoursResult>, ApiError> {
    caller.require(Perm::Ingest)?;
    let body = body?;
    st.blocking(move |st| {
        let scope = caller.scope();
        let opts = Options {
            provider: match &scope {
                Scope::Provider(p) => Some(p.clone()),
                Scope::All => None,
            },
            ..Options::default()
        };
        let (rows, diags) =
            relevo_import::parse_hours(&body[..], &opts).map_err(|d| ApiError::BadRequest {
                message: d.to_string(),
                field: d.column.clone(),
            })?;
        // Data rows start on line 2: index = line − 2.
        let mut errors: Vec<RecordError> = diags
            .into_iter()
            .map(|d| RecordError {
                index: (d.line.max(2) - 2) as usize,
                field: d.column,
                value: d.value,
                reason: d.reason,
            })
            .collect();
        for (index, r) in rows.iter().enumerate() {
            if !scope.permits(&r.provider) {
                errors.push(RecordError {
                    index,
                    field: Some("provider".into()),
                    value: Some(r.provider.clone()),
                    reason: "outside this caller's access: a provider sends only its own hours"
                        .into(),
                });
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.index);
            return Err(ApiError::InvalidRecords(errors));
        }
        if rows.is_empty() {
            return Err(ApiError::bad("the body holds no rows of hours"));
        }
        if rows.len() > st.config().max_batch_records {
            return Err(ApiError::bad(format!(
                "too many rows: at most {} in one request",
                st.config().max_batch_records
            )));
        }
        let input: Vec<relevo_store::HoursInput> = rows
            .iter()
            .map(|r| relevo_store::HoursInput {
                provider: r.provider.clone(),
                queue: r.queue.clone(),
                start_ms: r.start_ms,
                end_ms: r.end_ms,
                staffed_ms: r.staffed_ms,
                productive_ms: r.productive_ms,
                scheduled_ms: r.scheduled_ms,
            })
            .collect();
        let now = st.now_ms();
        let actor = caller.principal.actor.clone();
        let cells = st.write(|w| {
            let audit = relevo_store::AuditNote {
                at_ms: now,
                actor: &actor,
                action: "hours.push",
                detail: "",
            };
            Ok(w.import_hours(&input, Some(&audit))?)
        })?;
        Ok(Json(HoursResult {
            rows: input.len(),
            cells,
        }))
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursQuery {
    pub from: String,
    pub to: String,
    pub tz: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct HoursDto {
    pub period_start: String,
    pub provider: String,
    pub queue: String,
    pub staffed_s: f64,
    pub productive_s: f64,
    pub scheduled_s: f64,
}

/// `GET /api/v1/hours`: stored hours per quarter hour, within the caller's scope.
pub async fn get_hours(
    State(st): State<AppState>,
    caller: Caller,
    q: Result<Query<HoursQuery>, QueryRejection>,
) -> Result<Json<Vec<HoursDto>>, ApiError> {
    caller.require(Perm::Read)?;
    let Query(q) = q?;
    let scope = caller.scope();
    st.blocking(move |st| {
        let tz = kpis::zone(q.tz.as_deref().unwrap_or("UTC"))?;
        let from = kpis::bound_ms(&q.from, &tz, false, "from")?;
        let to = kpis::bound_ms(&q.to, &tz, true, "to")?;
        if from >= to {
            return Err(ApiError::bad_field("to", "the range ends before it starts"));
        }
        let (fi, ti) = (
            relevo_core::interval_of(from),
            relevo_core::interval_of(to - 1) + 1,
        );
        let cells = st.read(|s| Ok(s.hours(fi, ti, &scope)?))?;
        Ok(Json(
            cells
                .into_iter()
                .map(|c| HoursDto {
                    period_start: relevo_metrics::period::format_rfc3339(
                        relevo_core::interval_start_ms(c.interval),
                        &tz,
                    ),
                    provider: c.provider,
                    queue: c.queue,
                    staffed_s: c.staffed_ms as f64 / 1000.0,
                    productive_s: c.productive_ms as f64 / 1000.0,
                    scheduled_s: c.scheduled_ms as f64 / 1000.0,
                })
                .collect(),
        ))
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct ContractDto {
    pub id: i64,
    pub provider: String,
    pub version: i64,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub added_at: String,
    pub added_by: String,
    /// The contract file (TOML), as stored.
    pub source: String,
}

/// `GET /api/v1/contracts`: stored contract versions; a provider sees its own.
pub async fn get_contracts(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ContractDto>>, ApiError> {
    caller.require(Perm::Read)?;
    let scope = caller.scope();
    st.blocking(move |st| {
        let provider = match &scope {
            Scope::All => None,
            Scope::Provider(p) => Some(p.as_str()),
        };
        let list = st.read(|s| Ok(s.contracts(provider)?))?;
        Ok(Json(
            list.into_iter()
                .map(|c| ContractDto {
                    id: c.id,
                    provider: c.provider,
                    version: c.version,
                    valid_from: c.valid_from,
                    valid_to: c.valid_to,
                    added_at: rfc3339(c.added_at_ms),
                    added_by: c.added_by,
                    source: c.source,
                })
                .collect(),
        ))
    })
    .await
}
