//! The dashboard: server-rendered HTML pages with SVG charts, in English and Spanish, for people
//! logged in with an account (session cookie). Pages: login, overview of a period (per provider,
//! against targets, with trend sparklines), a provider's page (service level per interval with
//! volume, KPIs by queue and channel), a queue's page (providers side by side), and planning (the
//! Erlang calculator).
//!
//! Every page reads through the caller's scope, like the API: a provider's person sees only that
//! provider. No JavaScript framework: one small script toggles a periodic reload.

pub mod html;
pub mod i18n;
pub mod svg;
pub mod transitions;

use crate::api::{ErlangQuery, erlang};
use crate::auth::{self, Caller, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Via};
use crate::error::ApiError;
use crate::kpis::{Rollup, Window, bound_ms, rollup, zone};
use crate::state::{AppState, Targets};
use axum::Router;
use axum::extract::{ConnectInfo, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use html::{Frame, enc, esc, page};
use i18n::{LANG_COOKIE, Lang};
use jiff::tz::TimeZone;
use relevo_core::{Channel, Kpi, KpiSettings};
use relevo_metrics::{Granularity, Kpis};
use relevo_store::Scope;
use serde::Deserialize;
use std::fmt::Write as _;
use std::net::SocketAddr;
use svg::{SlPoint, sl_chart, sparkline};

#[cfg(test)]
mod tests;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/overview") }))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/overview", get(overview))
        .route("/providers/{key}", get(provider_page))
        .route("/queues/{key}", get(queue_page))
        .route("/planning", get(planning))
        .route("/transitions", get(transitions::list_page))
        .route("/transitions/{id}", get(transitions::detail_page))
}

/// Query parameters every page takes.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub error: Option<String>,
    /// A channel, or `all`; pages default to voice, the headline view of a contact center.
    pub channel: Option<String>,
}

fn html_response(status: StatusCode, lang_cookie: Option<Lang>, body: String) -> Response {
    let mut r = (status, axum::response::Html(body)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(l) = lang_cookie
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            l.code()
        ))
    {
        h.append(header::SET_COOKIE, v);
    }
    r
}

/// The language of a request, and whether the switch asked to remember it.
fn lang_of(q: &PageQuery, headers: &HeaderMap) -> (Lang, Option<Lang>) {
    let lang = Lang::of_request(q.lang.as_deref(), headers);
    (lang, q.lang.as_deref().and_then(Lang::parse))
}

/// The logged-in person, or a redirect to the login page.
async fn page_caller(st: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let h = headers.clone();
    match st.blocking(move |st| auth::resolve(st, &h)).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(Redirect::to("/login").into_response()),
        Err(e) => Err(e.into_response()),
    }
}

fn error_page(lang: Lang, status: StatusCode, caller: Option<&Caller>, message: &str) -> Response {
    let body = format!(
        "<h1>{}</h1><p class=\"error\">{}</p>",
        status.as_u16(),
        esc(message)
    );
    html_response(
        status,
        None,
        page(
            &Frame {
                lang,
                title: status.canonical_reason().unwrap_or("error"),
                path: "/overview",
                query: &[],
                caller,
            },
            &body,
        ),
    )
}

fn page_error(lang: Lang, caller: &Caller, e: ApiError) -> Response {
    match e {
        ApiError::Forbidden(_) => error_page(
            lang,
            StatusCode::FORBIDDEN,
            Some(caller),
            lang.t("forbidden"),
        ),
        ApiError::NotFound(_) => error_page(
            lang,
            StatusCode::NOT_FOUND,
            Some(caller),
            lang.t("not_found"),
        ),
        ApiError::Internal(_) => e.into_response(),
        other => error_page(lang, other.status(), Some(caller), &other.message()),
    }
}

// ---------------------------------------------------------------- login

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub name: String,
    pub password: String,
    pub csrf: String,
}

fn cookie_header(st: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if st.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

async fn login_page(
    State(st): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (lang, remember) = lang_of(&q, &headers);
    let csrf = relevo_app::accounts::random_hex()?;
    let message = match q.error.as_deref() {
        Some("rate") => Some(lang.t("too_many")),
        Some(_) => Some(lang.t("bad_login")),
        None => None,
    };
    let mut body = format!("<h1>{}</h1>", lang.t("login_title"));
    if let Some(m) = message {
        let _ = write!(body, "<p class=\"error\" role=\"alert\">{}</p>", esc(m));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/login\" class=\"login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>{}<input name=\"name\" id=\"name\" autocomplete=\"username\" required autofocus></label></p>\
         <p><label>{}<input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button class=\"primary\" type=\"submit\">{}</button></p></form>",
        lang.t("user"),
        lang.t("password"),
        lang.t("login")
    );
    let mut r = html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: lang.t("login"),
                path: "/login",
                query: &[],
                caller: None,
            },
            &body,
        ),
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&st, LOGIN_CSRF_COOKIE, &csrf, 3600),
    );
    Ok(r)
}

async fn login_submit(State(st): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = auth::client_ip(peer, req.headers(), &st.config().trusted_proxies)
        .map_or_else(|| "unknown".to_string(), |a| a.to_string());
    let headers = req.headers().clone();
    let axum::Form(form) = axum::Form::<LoginForm>::from_request(req, &st).await?;
    let sent = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if sent.is_empty() || !auth::constant_time_eq(sent.as_bytes(), form.csrf.as_bytes()) {
        return Err(ApiError::Forbidden(
            "the login form expired or came from another site: reload the login page".into(),
        ));
    }
    let now = st.now_ms();
    let cfg = st.config().clone();
    let outcome = st
        .blocking(move |st| {
            use relevo_app::accounts::{
                LoginGate, login_failed, login_gate, login_refused, login_succeeded,
            };
            let gate = st.read(|s| Ok(login_gate(s, &form.name, &client, now, &cfg.login)?))?;
            if let LoginGate::Throttled(_) = gate {
                st.write(|w| Ok(login_refused(&*w, &client, now, gate)?))?;
                return Ok(Err("rate"));
            }
            let found = st.read(|s| Ok(s.user_for_login(&form.name)?))?;
            let ok = found
                .as_ref()
                .is_some_and(|(_, hash)| auth::verify_password(&form.password, hash));
            let user = match (ok, found) {
                (true, Some((u, _))) => u,
                _ => {
                    // Check a password even for unknown names, so timing does not tell them apart.
                    if !ok {
                        let _ = auth::verify_password(&form.password, DUMMY_HASH);
                    }
                    st.write(|w| Ok(login_failed(&*w, &form.name, &client, now)?))?;
                    st.metrics()
                        .login_failures
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(Err("bad"));
                }
            };
            let sid = relevo_app::accounts::random_hex()?;
            let csrf = relevo_app::accounts::random_hex()?;
            st.write(|w| {
                w.create_session(&sid, user.id, &csrf, now, now + cfg.session_ttl_ms)?;
                login_succeeded(&*w, &form.name, &client)?;
                w.audit(now, &format!("user:{}", user.name), "login", None, None)?;
                Ok(())
            })?;
            Ok(Ok(sid))
        })
        .await?;
    match outcome {
        Ok(sid) => {
            let mut r = Redirect::to("/overview").into_response();
            let ttl_s = st.config().session_ttl_ms / 1000;
            r.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&st, SESSION_COOKIE, &sid, ttl_s),
            );
            r.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&st, LOGIN_CSRF_COOKIE, "", 0),
            );
            Ok(r)
        }
        Err(kind) => {
            let mut r = Redirect::to(&format!("/login?error={kind}")).into_response();
            if kind == "rate" {
                *r.status_mut() = StatusCode::SEE_OTHER;
            }
            Ok(r)
        }
    }
}

/// A valid Argon2id hash of a random password (for constant-time failures on unknown names).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$q0YBl4zb2ZbpXYR0HGtUVYAzHSA8lBeZZnyU8rlWi6Y";

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    pub csrf: String,
}

async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    form: Result<axum::Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let axum::Form(form) = form?;
    let h = headers.clone();
    let caller = st.blocking(move |st| auth::resolve(st, &h)).await?;
    if let (Some(c), Some(sid)) = (caller, auth::cookie(&headers, SESSION_COOKIE)) {
        let Via::Session { csrf } = &c.via else {
            return Err(ApiError::bad("not a session"));
        };
        if !auth::constant_time_eq(csrf.as_bytes(), form.csrf.as_bytes()) {
            return Err(ApiError::Forbidden("the logout form is stale".into()));
        }
        let sid = sid.to_string();
        let now = st.now_ms();
        st.blocking(move |st| {
            st.write(|w| {
                w.delete_session(&sid)?;
                w.audit(now, &c.principal.actor, "logout", None, None)?;
                Ok(())
            })
        })
        .await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&st, SESSION_COOKIE, "", 0),
    );
    Ok(r)
}

// ---------------------------------------------------------------- periods

/// A dashboard period: `[from_ms, to_ms)` in the dashboard's zone, and the dates that name it.
struct Period {
    tz: TimeZone,
    /// Only this channel (`None`: all channels).
    channel: Option<Channel>,
    /// The channel parameter as links carry it (`all` or a channel).
    channel_param: String,
    from: String,
    to: String,
    from_ms: i64,
    to_ms: i64,
}

/// The requested period, or the last seven days with data (in scope) when none is given.
fn period_of(st: &AppState, q: &PageQuery, scope: &Scope) -> Result<Period, ApiError> {
    let tz = zone(&st.config().time_zone)?;
    let (from, to) = match (&q.from, &q.to) {
        (Some(f), Some(t)) if !f.is_empty() && !t.is_empty() => (f.clone(), t.clone()),
        _ => {
            let last = st.read(|s| Ok(s.data_span(scope)?))?.map_or_else(
                || st.now_ms(),
                |(_, last)| relevo_core::interval_start_ms(last),
            );
            let end = jiff::Timestamp::from_millisecond(last)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .to_zoned(tz.clone())
                .date();
            let start = end
                .checked_sub(jiff::Span::new().days(6))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            (start.to_string(), end.to_string())
        }
    };
    let from_ms = bound_ms(&from, &tz, false, "from")?;
    let to_ms = bound_ms(&to, &tz, true, "to")?;
    if from_ms >= to_ms {
        return Err(ApiError::bad_field(
            "to",
            "the period ends before it starts",
        ));
    }
    if to_ms - from_ms > 366 * 86_400_000 {
        return Err(ApiError::bad_field("to", "a period is at most a year"));
    }
    let channel = match q.channel.as_deref() {
        None | Some("") => Some(Channel::Voice),
        Some("all") => None,
        Some(c) => Some(
            c.parse::<Channel>()
                .map_err(|e| ApiError::bad_field("channel", e))?,
        ),
    };
    Ok(Period {
        tz,
        channel,
        channel_param: channel.map_or_else(|| "all".to_string(), |c| c.as_str().to_string()),
        from,
        to,
        from_ms,
        to_ms,
    })
}

fn period_form(lang: Lang, action: &str, p: &Period) -> String {
    let mut options = format!(
        "<option value=\"all\"{}>{}</option>",
        if p.channel.is_none() { " selected" } else { "" },
        lang.t("all_channels")
    );
    for &c in Channel::ALL {
        let _ = write!(
            options,
            "<option value=\"{c}\"{}>{c}</option>",
            if p.channel == Some(c) {
                " selected"
            } else {
                ""
            }
        );
    }
    format!(
        "<form class=\"period\" method=\"get\" action=\"{}\" aria-label=\"{}\">\
         <label>{}<input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>{}<input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <label>{}<select name=\"channel\" id=\"channel\">{options}</select></label>\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <button class=\"primary\" type=\"submit\">{}</button></form>",
        esc(action),
        lang.t("period"),
        lang.t("from"),
        esc(&p.from),
        lang.t("to"),
        esc(&p.to),
        lang.t("channel"),
        lang.code(),
        lang.t("show")
    )
}

fn settings() -> KpiSettings {
    KpiSettings {
        fcr_window_days: 0,
        ..KpiSettings::default()
    }
}

/// A KPI table cell, marked (colour, weight and words) when it misses its target.
fn kpi_cell(lang: Lang, text: String, missed: Option<bool>) -> String {
    match missed {
        Some(true) => format!(
            "<td class=\"miss\" data-missed=\"true\"><span aria-hidden=\"true\">▼ </span>{text}<span class=\"flag\">{}</span></td>",
            lang.t("missed")
        ),
        _ => format!("<td>{text}</td>"),
    }
}

/// A KPI table's header; `t` shows under the marked columns (a row's own contract may differ, and
/// says so under its name).
fn kpi_header(lang: Lang, first: &str, with_trend: bool, t: &Targets) -> String {
    let mut h = format!(
        "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}<br><small>≥ {}</small></th>\
         <th scope=\"col\">{}<br><small>≤ {}</small></th><th scope=\"col\">{}<br><small>≤ {}</small></th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>",
        first,
        lang.t("offered"),
        lang.kpi(Kpi::ServiceLevel),
        lang.pct(Some(t.service_level)),
        lang.kpi(Kpi::AsaS),
        lang.secs(Some(t.asa_s)),
        lang.kpi(Kpi::AbandonRate),
        lang.pct(Some(t.abandon_rate)),
        lang.kpi(Kpi::AhtS),
        lang.kpi(Kpi::CsatTop2),
        lang.kpi(Kpi::Nps),
    );
    if with_trend {
        let _ = write!(h, "<th scope=\"col\">{}</th>", lang.t("trend"));
    }
    h.push_str("</tr></thead>");
    h
}

/// Whether the ASA target (seconds) means anything for a row of this channel: only for contacts
/// answered live. Email and web forms wait hours by design; rows mixing channels get no ASA mark.
fn asa_applies(channel: Option<Channel>) -> bool {
    matches!(
        channel,
        Some(Channel::Voice | Channel::Chat | Channel::Messaging)
    )
}

/// The targets a row is marked against, and the contract they come from (none: the defaults).
#[derive(Clone, Debug)]
struct RowTargets {
    t: Targets,
    contract: Option<String>,
}

/// The targets of `provider`'s contract in force on `day` for `channel` (and `queue`): the first
/// service-level, abandonment and ASA terms that cover them. Anything a contract does not pin keeps
/// the default; a stabilisation window's relaxed target is not applied here (scorecards do).
fn contract_targets(
    s: &dyn relevo_store::Store,
    defaults: Targets,
    provider: &str,
    channel: Option<Channel>,
    queue: Option<&str>,
    day: jiff::civil::Date,
) -> Result<RowTargets, ApiError> {
    let mut out = RowTargets {
        t: defaults,
        contract: None,
    };
    let Some(channel) = channel else {
        return Ok(out);
    };
    let contract = s
        .contracts(Some(provider))?
        .iter()
        .filter_map(|c| relevo_contracts::Contract::parse(&c.source).ok())
        .filter(|c| c.valid_from <= day && day <= c.valid_to)
        .max_by_key(|c| c.version);
    let Some(c) = contract else {
        return Ok(out);
    };
    let term = |m: Kpi| {
        c.terms.iter().find(|t| {
            t.metric == m
                && t.channels.contains(&channel)
                && queue.is_none_or(|q| t.queues.iter().any(|tq| tq == q))
        })
    };
    if let Some(t) = term(Kpi::ServiceLevel) {
        out.t.service_level = t.target;
    }
    if let Some(t) = term(Kpi::AbandonRate) {
        out.t.abandon_rate = t.target;
    }
    if let Some(t) = term(Kpi::AsaS) {
        out.t.asa_s = t.target;
    }
    out.contract = Some(format!("{} v{}", c.provider, c.version));
    Ok(out)
}

/// A line under a row's name saying where its targets come from, when a contract sets them.
/// The period's cells rolled up per `key_of` key, with a daily series (for sparklines).
fn daily_rollup(
    s: &dyn relevo_store::Store,
    scope: &Scope,
    p: &Period,
    key_of: &dyn Fn(&relevo_metrics::report::CellRef<'_>) -> Option<String>,
) -> Result<std::collections::BTreeMap<String, Rollup>, relevo_store::StoreError> {
    rollup(
        s,
        scope,
        &Window {
            from_ms: p.from_ms,
            to_ms: p.to_ms,
            tz: &p.tz,
            series_by: Granularity::Day,
            settings: &settings(),
        },
        key_of,
    )
}

/// A table of providers' KPIs against their targets, each linking to its provider page.
fn provider_table(
    lang: Lang,
    table_id: &str,
    by_provider: &std::collections::BTreeMap<String, Rollup>,
    targets: &std::collections::BTreeMap<String, RowTargets>,
    range: &[(&str, &str); 3],
    p: &Period,
    defaults: &Targets,
) -> String {
    let mut body = format!(
        "<div class=\"table-wrap\"><table id=\"{table_id}\">{}<tbody>",
        kpi_header(lang, lang.t("provider"), true, defaults)
    );
    for (name, r) in by_provider {
        let link = format!(
            "/providers/{}{}",
            enc(name),
            html::query(&[range[0], range[1], range[2], ("lang", lang.code())])
        );
        let rt = &targets[name];
        let _ = write!(
            body,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a>{}</th>{}{}</tr>",
            esc(&link),
            esc(name),
            targets_note(lang, rt),
            kpi_cells(lang, &r.total, p.channel, &rt.t),
            trend_cell(lang, name, r, &rt.t)
        );
    }
    body.push_str("</tbody></table></div>");
    body
}

fn targets_note(lang: Lang, rt: &RowTargets) -> String {
    match &rt.contract {
        None => String::new(),
        Some(c) => format!(
            "<small class=\"note contract\">{} {}: {} ≥ {}, {} ≤ {}, {} ≤ {}</small>",
            lang.t("contract"),
            esc(c),
            lang.kpi(Kpi::ServiceLevel),
            lang.pct(Some(rt.t.service_level)),
            lang.kpi(Kpi::AbandonRate),
            lang.pct(Some(rt.t.abandon_rate)),
            lang.kpi(Kpi::AsaS),
            lang.secs(Some(rt.t.asa_s))
        ),
    }
}

/// The last day of a period in its zone (contracts are chosen by it).
fn last_day(p: &Period) -> jiff::civil::Date {
    jiff::Timestamp::from_millisecond(p.to_ms - 1)
        .map(|t| t.to_zoned(p.tz.clone()).date())
        .unwrap_or_default()
}

/// Targets for each provider of a table (keys of `rows`).
fn targets_of(
    st: &AppState,
    rows: &std::collections::BTreeMap<String, Rollup>,
    p: &Period,
    queue: Option<&str>,
) -> Result<std::collections::BTreeMap<String, RowTargets>, ApiError> {
    let defaults = st.config().targets;
    let day = last_day(p);
    rows.keys()
        .map(|k| {
            let rt = st.read(|s| contract_targets(s, defaults, k, p.channel, queue, day))?;
            Ok((k.clone(), rt))
        })
        .collect()
}

fn kpi_cells(lang: Lang, k: &Kpis, channel: Option<Channel>, t: &Targets) -> String {
    let mut row = format!("<td>{}</td>", lang.int(k.offered));
    row.push_str(&kpi_cell(
        lang,
        lang.pct(k.service_level),
        k.service_level.map(|v| v < t.service_level),
    ));
    row.push_str(&kpi_cell(
        lang,
        lang.secs(k.asa_s),
        k.asa_s
            .filter(|_| asa_applies(channel))
            .map(|v| v > t.asa_s),
    ));
    row.push_str(&kpi_cell(
        lang,
        lang.pct(k.abandon_rate),
        k.abandon_rate.map(|v| v > t.abandon_rate),
    ));
    row.push_str(&kpi_cell(lang, lang.secs(k.aht_s), None));
    row.push_str(&kpi_cell(lang, lang.pct(k.csat_top2), None));
    row.push_str(&kpi_cell(
        lang,
        k.nps.map_or("–".into(), |v| lang.num(v, 0)),
        None,
    ));
    row
}

fn trend_cell(lang: Lang, name: &str, r: &Rollup, t: &Targets) -> String {
    let values: Vec<Option<f64>> = r.series.iter().map(|(_, k)| k.service_level).collect();
    format!(
        "<td>{}</td>",
        sparkline(
            &values,
            Some(t.service_level),
            &format!("{} — {name}", lang.t("trend"))
        )
    )
}

// ---------------------------------------------------------------- pages

async fn overview(
    State(st): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, remember) = lang_of(&q, &headers);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let c = caller.clone();
    let result = st
        .blocking(move |st| {
            let scope = c.scope();
            let p = period_of(st, &q, &scope)?;
            let by_provider = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    p.channel
                        .is_none_or(|ch| ch == c.channel)
                        .then(|| c.provider.to_string())
                })?)
            })?;
            let queues = st.read(|s| Ok(relevo_store::auth::scoped_queues(s, &scope)?))?;
            let targets = targets_of(st, &by_provider, &p, None)?;
            Ok((p, by_provider, queues, targets))
        })
        .await;
    let (p, by_provider, queues, targets) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, &caller, e),
    };
    let range = [
        ("from", p.from.as_str()),
        ("to", p.to.as_str()),
        ("channel", p.channel_param.as_str()),
    ];
    let mut body = format!(
        "<h1>{} <small class=\"note\">{} – {}</small></h1>{}",
        lang.t("overview"),
        esc(&p.from),
        esc(&p.to),
        period_form(lang, "/overview", &p)
    );
    let _ = write!(body, "<h2>{}</h2>", lang.t("providers"));
    if by_provider.is_empty() {
        let _ = write!(body, "<p>{}</p>", lang.t("no_data"));
    } else {
        body.push_str(&provider_table(
            lang,
            "providers",
            &by_provider,
            &targets,
            &range,
            &p,
            &st.config().targets,
        ));
    }
    let _ = write!(body, "<h2>{}</h2><ul class=\"queues\">", lang.t("queues"));
    for qk in &queues {
        let link = format!(
            "/queues/{}{}",
            enc(qk),
            html::query(&[range[0], range[1], range[2], ("lang", lang.code())])
        );
        let _ = write!(body, "<li><a href=\"{}\">{}</a></li>", esc(&link), esc(qk));
    }
    body.push_str("</ul>");
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: lang.t("overview"),
                path: "/overview",
                query: &range,
                caller: Some(&caller),
            },
            &body,
        ),
    )
}

/// The chart's period size for a range: 15-minute intervals up to two days, hours up to two weeks,
/// days above.
fn chart_granularity(q: &PageQuery, p: &Period) -> Granularity {
    if let Some(g) = q.by.as_deref().and_then(|b| b.parse().ok()) {
        return g;
    }
    let days = (p.to_ms - p.from_ms) / 86_400_000;
    match days {
        0..=2 => Granularity::Interval,
        3..=14 => Granularity::Hour,
        _ => Granularity::Day,
    }
}

fn label_of(ms: i64, g: Granularity, tz: &TimeZone) -> String {
    let s = relevo_metrics::period::format_rfc3339(ms, tz);
    match g {
        Granularity::Interval | Granularity::Hour => s[5..16].replace('T', " "),
        _ => s[..10].to_string(),
    }
}

async fn provider_page(
    State(st): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, remember) = lang_of(&q, &headers);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    // A provider's person may open only its own page: the scope names the provider, and the store
    // filters every query by it.
    let scope = match caller.scope_for(Some(&key)) {
        Ok(s) => s,
        Err(e) => return page_error(lang, &caller, e),
    };
    let key_ = key.clone();
    let result = st
        .blocking(move |st| {
            let p = period_of(st, &q, &scope)?;
            let g = chart_granularity(&q, &p);
            let series = st.read(|s| {
                Ok(rollup(
                    s,
                    &scope,
                    &Window {
                        from_ms: p.from_ms,
                        to_ms: p.to_ms,
                        tz: &p.tz,
                        series_by: g,
                        settings: &settings(),
                    },
                    &|c| p.channel.is_none_or(|ch| ch == c.channel).then(String::new),
                )?)
            })?;
            let by_qc = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    Some(format!("{}\u{1f}{}", c.queue, c.channel))
                })?)
            })?;
            let defaults = st.config().targets;
            let day = last_day(&p);
            let page_targets =
                st.read(|s| contract_targets(s, defaults, &key_, p.channel, None, day))?;
            let row_targets = by_qc
                .keys()
                .map(|k| {
                    let (q, ch) = k.split_once('\u{1f}').unwrap_or((k, ""));
                    let rt = st.read(|s| {
                        contract_targets(s, defaults, &key_, ch.parse().ok(), Some(q), day)
                    })?;
                    Ok((k.clone(), rt))
                })
                .collect::<Result<std::collections::BTreeMap<_, _>, ApiError>>()?;
            let contract = contract_month(st, &key_, day);
            Ok((p, g, series, by_qc, page_targets, row_targets, contract))
        })
        .await;
    let (p, g, series, by_qc, page_targets, row_targets, contract) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, &caller, e),
    };
    let Some(all) = series.get("") else {
        return page_error(
            lang,
            &caller,
            ApiError::NotFound(format!("no data for provider {key:?}")),
        );
    };
    let path = format!("/providers/{}", enc(&key));
    let range = [
        ("from", p.from.as_str()),
        ("to", p.to.as_str()),
        ("channel", p.channel_param.as_str()),
    ];
    let mut body = format!(
        "<h1>{}: {} <small class=\"note\">{} – {}</small></h1><p>{}</p>{}",
        lang.t("provider"),
        esc(&key),
        esc(&p.from),
        esc(&p.to),
        targets_note(lang, &page_targets),
        period_form(lang, &path, &p)
    );
    let target = page_targets.t.service_level;
    let points: Vec<SlPoint> = all
        .series
        .iter()
        .map(|(ms, k)| SlPoint {
            label: label_of(*ms, g, &p.tz),
            service_level: k.service_level,
            offered: k.offered,
        })
        .collect();
    let title = format!("{} — {}", lang.t("sl_chart"), key);
    let desc = format!(
        "{}; {}; {} {}",
        lang.t("volume_bars"),
        lang.t("line_sl"),
        lang.t("dashed_target"),
        lang.pct(Some(target))
    );
    let _ = write!(
        body,
        "<h2 id=\"chart-heading\">{}</h2><figure aria-labelledby=\"chart-heading\">{}<figcaption class=\"legend\">{}</figcaption></figure>",
        lang.t("sl_chart"),
        sl_chart(&points, target, &title, &desc),
        esc(&desc)
    );
    let _ = write!(
        body,
        "<details><summary>{}</summary><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("data_table"),
        lang.t("time"),
        lang.t("offered"),
        lang.kpi(Kpi::ServiceLevel)
    );
    for pt in &points {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td>{}</tr>",
            esc(&pt.label),
            lang.int(pt.offered),
            kpi_cell(
                lang,
                lang.pct(pt.service_level),
                pt.service_level.map(|v| v < target)
            )
        );
    }
    body.push_str("</tbody></table></div></details>");
    let _ = write!(
        body,
        "<h2>{}</h2><div class=\"table-wrap\"><table id=\"by-queue-channel\">{}<tbody>",
        lang.t("by_queue_channel"),
        kpi_header(
            lang,
            &format!("{} / {}", lang.t("queue"), lang.t("channel")),
            true,
            &page_targets.t
        )
    );
    let _ = write!(
        body,
        "<tr><th scope=\"row\">{}</th>{}<td></td></tr>",
        esc(&format!(
            "{} · {}",
            lang.t("total"),
            p.channel.map_or(lang.t("all_channels"), |c| c.as_str())
        )),
        kpi_cells(lang, &all.total, p.channel, &page_targets.t),
    );
    for (k, r) in &by_qc {
        let (queue, channel) = k.split_once('\u{1f}').unwrap_or((k, ""));
        let link = format!(
            "/queues/{}{}",
            enc(queue),
            html::query(&[range[0], range[1], range[2], ("lang", lang.code())])
        );
        let name = format!("{queue} / {channel}");
        let _ = write!(
            body,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a> / {}</th>{}{}</tr>",
            esc(&link),
            esc(queue),
            esc(channel),
            kpi_cells(lang, &r.total, channel.parse().ok(), &row_targets[k].t),
            trend_cell(lang, &name, r, &row_targets[k].t)
        );
    }
    body.push_str("</tbody></table></div>");
    if let Some((card, invoice)) = &contract {
        body.push_str(&contract_section(lang, card, invoice.as_ref()));
    }
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: &key,
                path: &path,
                query: &range,
                caller: Some(&caller),
            },
            &body,
        ),
    )
}

/// The provider's last full month up to `day` judged against its contract, with the invoice when it
/// has prices; `None` when no contract is in force (or it cannot be evaluated: the page still shows).
fn contract_month(
    st: &AppState,
    provider: &str,
    day: jiff::civil::Date,
) -> Option<(
    relevo_contracts::Scorecard,
    Option<relevo_contracts::Invoice>,
)> {
    let month = if day.tomorrow().ok()?.day() == 1 {
        relevo_contracts::Month::of(day)
    } else {
        relevo_contracts::Month::of(day.first_of_month().yesterday().ok()?)
    };
    let now = st.now_ms();
    st.read(|s| {
        let card = relevo_app::evaluation::scorecard(s, provider, month, now)
            .map(|(_, c)| c)
            .ok();
        let inv = relevo_app::evaluation::invoice(s, provider, month, now)
            .map(|(_, _, i)| i)
            .ok();
        Ok(card.map(|c| (c, inv)))
    })
    .ok()
    .flatten()
}

/// The contract section of a provider page: each term's verdict and money, the cap, the invoice total.
fn contract_section(
    lang: Lang,
    card: &relevo_contracts::Scorecard,
    invoice: Option<&relevo_contracts::Invoice>,
) -> String {
    let mut out = format!(
        "<h2 id=\"contract\">{} {} · v{}</h2><div class=\"table-wrap\"><table id=\"scorecard\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("contract_month"),
        esc(&card.month.to_string()),
        card.version,
        lang.t("term"),
        lang.t("target"),
        lang.t("actual"),
        lang.t("verdict"),
        lang.t("credit")
    );
    for t in &card.terms {
        let verdict = t.verdict.as_str();
        let shown = match verdict {
            "met" => lang.t("verdict_met"),
            "missed" => lang.t("verdict_missed"),
            "excused" => lang.t("verdict_excused"),
            _ => lang.t("verdict_not_judged"),
        };
        let verdict_cell = if verdict == "missed" {
            format!("<td class=\"miss\"><strong>▼ {}</strong></td>", esc(shown))
        } else {
            format!("<td>{}</td>", esc(shown))
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}{}</th><td>{} {}</td><td>{}</td>{}<td>{}</td></tr>",
            esc(&t.name),
            if t.critical {
                " <small>(CSL)</small>"
            } else {
                ""
            },
            t.direction.symbol(),
            esc(&relevo_contracts::format_value(
                t.metric,
                t.relaxed_target.unwrap_or(t.target)
            )),
            t.actual
                .map_or("–".to_string(), |v| esc(&relevo_contracts::format_value(
                    t.metric, v
                ))),
            verdict_cell,
            esc(&t.credit.to_string())
        );
    }
    let _ = write!(
        out,
        "</tbody></table></div><p>{} {} {}{}</p>",
        lang.t("credits"),
        esc(&card.credits.to_string()),
        esc(&card.currency),
        if card.cap_binds {
            format!(" ({})", lang.t("cap_binds"))
        } else {
            String::new()
        }
    );
    if let Some(inv) = invoice {
        let _ = write!(
            out,
            "<p>{} <strong>{} {}</strong></p>",
            lang.t("invoice_total"),
            esc(&inv.total().to_string()),
            esc(&card.currency)
        );
    }
    out
}

async fn queue_page(
    State(st): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let (lang, remember) = lang_of(&q, &headers);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let scope = caller.scope();
    let qk = key.clone();
    let result = st
        .blocking(move |st| {
            // A queue outside the caller's scope does not exist for it (no echo of the key either).
            if !st
                .read(|s| Ok(relevo_store::auth::scoped_queues(s, &scope)?))?
                .contains(&qk)
            {
                return Err(ApiError::NotFound("no such queue".into()));
            }
            let p = period_of(st, &q, &scope)?;
            let by_provider = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    (c.queue == qk && p.channel.is_none_or(|ch| ch == c.channel))
                        .then(|| c.provider.to_string())
                })?)
            })?;
            let by_channel = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    (c.queue == qk).then(|| format!("{}\u{1f}{}", c.provider, c.channel))
                })?)
            })?;
            let targets = targets_of(st, &by_provider, &p, Some(&qk))?;
            let defaults = st.config().targets;
            let day = last_day(&p);
            let channel_targets = by_channel
                .keys()
                .map(|k| {
                    let (prov, ch) = k.split_once('\u{1f}').unwrap_or((k, ""));
                    let rt = st.read(|s| {
                        contract_targets(s, defaults, prov, ch.parse().ok(), Some(&qk), day)
                    })?;
                    Ok((k.clone(), rt))
                })
                .collect::<Result<std::collections::BTreeMap<_, _>, ApiError>>()?;
            Ok((p, by_provider, by_channel, targets, channel_targets))
        })
        .await;
    let (p, by_provider, by_channel, targets, channel_targets) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, &caller, e),
    };
    let path = format!("/queues/{}", enc(&key));
    let range = [
        ("from", p.from.as_str()),
        ("to", p.to.as_str()),
        ("channel", p.channel_param.as_str()),
    ];
    let mut body = format!(
        "<h1>{}: {} <small class=\"note\">{} – {}</small></h1>{}<h2>{}</h2>",
        lang.t("queue"),
        esc(&key),
        esc(&p.from),
        esc(&p.to),
        period_form(lang, &path, &p),
        lang.t("compare")
    );
    if by_provider.is_empty() {
        let _ = write!(body, "<p>{}</p>", lang.t("no_data"));
    } else {
        body.push_str(&provider_table(
            lang,
            "queue-providers",
            &by_provider,
            &targets,
            &range,
            &p,
            &st.config().targets,
        ));
        let _ = write!(
            body,
            "<h2>{} / {}</h2><div class=\"table-wrap\"><table>{}<tbody>",
            lang.t("provider"),
            lang.t("channel"),
            kpi_header(
                lang,
                &format!("{} / {}", lang.t("provider"), lang.t("channel")),
                false,
                &st.config().targets
            )
        );
        for (k, r) in &by_channel {
            let (prov, ch) = k.split_once('\u{1f}').unwrap_or((k, ""));
            let _ = write!(
                body,
                "<tr><th scope=\"row\">{} / {}</th>{}</tr>",
                esc(prov),
                esc(ch),
                kpi_cells(lang, &r.total, ch.parse().ok(), &channel_targets[k].t)
            );
        }
        body.push_str("</tbody></table></div>");
    }
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: &key,
                path: &path,
                query: &range,
                caller: Some(&caller),
            },
            &body,
        ),
    )
}

/// The planning form's fields (percentages and minutes, as people type them).
#[derive(Debug, Default, Deserialize)]
pub struct PlanningQuery {
    pub lang: Option<String>,
    pub arrivals: Option<String>,
    pub per_min: Option<String>,
    pub aht_s: Option<String>,
    pub target_sl: Option<String>,
    pub threshold_s: Option<String>,
    pub model: Option<String>,
    pub patience_s: Option<String>,
    pub shrinkage: Option<String>,
}

fn num(v: &Option<String>, default: f64) -> Option<f64> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Some(default),
        Some(s) => s.replace(',', ".").parse().ok(),
    }
}

async fn planning(
    State(st): State<AppState>,
    Query(q): Query<PlanningQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::of_request(q.lang.as_deref(), &headers);
    let remember = q.lang.as_deref().and_then(Lang::parse);
    let caller = match page_caller(&st, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let field = |name: &str, key: &'static str, v: &Option<String>, default: &str| {
        format!(
            "<label>{}<input name=\"{name}\" inputmode=\"decimal\" value=\"{}\"></label>",
            lang.t(key),
            esc(v.as_deref().unwrap_or(default))
        )
    };
    let model = q.model.clone().unwrap_or_else(|| "erlang_c".into());
    let mut body = format!(
        "<h1>{}</h1><h2>{}</h2><form class=\"period\" method=\"get\" action=\"/planning\">{}{}{}{}{}{}{}\
         <label>{}<select name=\"model\"><option value=\"erlang_c\"{}>Erlang C</option><option value=\"erlang_a\"{}>Erlang A</option></select></label>\
         <input type=\"hidden\" name=\"lang\" value=\"{}\"><button class=\"primary\" type=\"submit\">{}</button></form>",
        lang.t("planning"),
        lang.t("erlang"),
        field("arrivals", "arrivals", &q.arrivals, "100"),
        field("per_min", "per_min", &q.per_min, "30"),
        field("aht_s", "aht_s", &q.aht_s, "180"),
        field("target_sl", "target_sl", &q.target_sl, "80"),
        field("threshold_s", "threshold_s", &q.threshold_s, "20"),
        field("patience_s", "patience_s", &q.patience_s, "120"),
        field("shrinkage", "shrinkage", &q.shrinkage, "30"),
        lang.t("model"),
        if model == "erlang_c" { " selected" } else { "" },
        if model == "erlang_a" { " selected" } else { "" },
        lang.code(),
        lang.t("calculate"),
    );
    if q.arrivals.is_some() {
        let parsed = (|| {
            Some(ErlangQuery {
                arrivals: num(&q.arrivals, 100.0)?,
                per_s: Some(num(&q.per_min, 30.0)? * 60.0),
                aht_s: num(&q.aht_s, 180.0)?,
                model: Some(model.clone()),
                patience_s: Some(num(&q.patience_s, 120.0)?),
                target_sl: Some(num(&q.target_sl, 80.0)? / 100.0),
                sl_threshold_s: Some(num(&q.threshold_s, 20.0)?),
                shrinkage: Some(num(&q.shrinkage, 30.0)? / 100.0),
                ..ErlangQuery::default()
            })
        })();
        match parsed
            .ok_or_else(|| ApiError::bad("not a number"))
            .and_then(|eq| erlang(&eq))
        {
            Ok(r) => {
                let _ = write!(
                    body,
                    "<h2>{}</h2><div class=\"table-wrap\"><table id=\"erlang-result\"><tbody>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr>\
                     <tr><th scope=\"row\">{}</th><td>{}</td></tr></tbody></table></div>",
                    lang.t("result"),
                    lang.t("agents"),
                    lang.num(r.agents, 0),
                    lang.t("agents_scheduled"),
                    r.agents_with_shrinkage
                        .map_or("–".into(), |n| n.to_string()),
                    lang.t("load"),
                    lang.num(r.offered_load_erlangs, 2),
                    lang.kpi(Kpi::ServiceLevel),
                    lang.pct(r.service_level),
                    lang.kpi(Kpi::AsaS),
                    lang.secs(Some(r.asa_s)),
                    lang.t("occupancy"),
                    lang.pct(Some(r.occupancy)),
                    lang.t("prob_wait"),
                    lang.pct(Some(r.prob_wait)),
                );
            }
            Err(e) => {
                let _ = write!(
                    body,
                    "<p class=\"error\" role=\"alert\">{}</p>",
                    esc(&e.message())
                );
            }
        }
    }
    let pairs: Vec<(&str, &str)> = [
        ("arrivals", &q.arrivals),
        ("per_min", &q.per_min),
        ("aht_s", &q.aht_s),
        ("target_sl", &q.target_sl),
        ("threshold_s", &q.threshold_s),
        ("model", &q.model),
        ("patience_s", &q.patience_s),
        ("shrinkage", &q.shrinkage),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    .collect();
    html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: lang.t("planning"),
                path: "/planning",
                query: &pairs,
                caller: Some(&caller),
            },
            &body,
        ),
    )
}
