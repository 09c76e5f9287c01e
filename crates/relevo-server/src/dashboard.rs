//! The dashboard: server-rendered HTML pages with SVG charts, in English and Spanish, for people
//! logged in with an account (session cookie). Pages: login, overview of a period (per provider,
//! against targets, with trend sparklines), a provider's page (service level per interval with
//! volume, KPIs by queue under each channel, last month's scorecard), a queue's page (providers
//! side by side), and planning (a queue's forecast and staffing plan for the week after the data,
//! and the Erlang calculator). Tables turn into cards on a phone; charts have a narrow copy.
//!
//! Every page reads through the caller's scope, like the API: a provider's person sees only that
//! provider. No JavaScript framework: one small script, served as `/refresh.js`, toggles a
//! periodic reload; `/favicon.svg` is the icon every page links.

pub mod html;
pub mod i18n;
mod login;
mod plan_page;
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
        .route("/login", get(login::login_page).post(login::login_submit))
        .route("/logout", post(login::logout))
        .route("/overview", get(overview))
        .route("/providers/{key}", get(provider_page))
        .route("/queues/{key}", get(queue_page))
        .route("/planning", get(plan_page::planning))
        .route("/transitions", get(transitions::list_page))
        .route("/transitions/{id}", get(transitions::detail_page))
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/refresh.js", get(refresh_js))
}

/// The icon every page links to (an SVG, also answered at `/favicon.ico` for browsers that ask).
async fn favicon() -> Response {
    static_file("image/svg+xml", html::FAVICON_SVG)
}

/// The pages' one script: the periodic reload.
async fn refresh_js() -> Response {
    static_file("text/javascript; charset=utf-8", html::REFRESH_JS)
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
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
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
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

/// An error page: the status in words, the message, and the server's own words for a refused
/// input (`detail`, in English as the API says it).
fn error_page(
    lang: Lang,
    status: StatusCode,
    caller: Option<&Caller>,
    message: &str,
    detail: Option<&str>,
) -> Response {
    let title = match status {
        StatusCode::BAD_REQUEST => lang.t("bad_request"),
        StatusCode::FORBIDDEN => lang.t("forbidden_title"),
        StatusCode::NOT_FOUND => lang.t("not_found_title"),
        _ => lang.t("error_title"),
    };
    let mut body = format!(
        "<h1>{title} <small class=\"note\">({})</small></h1><p class=\"error\" role=\"alert\">{}",
        status.as_u16(),
        esc(message)
    );
    if let Some(d) = detail {
        let _ = write!(body, " <span lang=\"en\">{}</span>", esc(d));
    }
    body.push_str("</p>");
    html_response(
        status,
        None,
        page(
            &Frame {
                lang,
                title,
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
            None,
        ),
        ApiError::NotFound(_) => error_page(
            lang,
            StatusCode::NOT_FOUND,
            Some(caller),
            lang.t("not_found"),
            None,
        ),
        ApiError::Internal(_) => e.into_response(),
        other => error_page(
            lang,
            other.status(),
            Some(caller),
            lang.t("check_input"),
            Some(&other.message()),
        ),
    }
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
    // Dates as people type them (`01/10/2026` on Spanish pages) become ISO dates; anything else
    // (an RFC 3339 instant) goes on to `bound_ms` as before, which names the field when it refuses.
    let typed = |v: &str| i18n::parse_date(v).unwrap_or_else(|| v.trim().to_string());
    let (from, to) = match (&q.from, &q.to) {
        (Some(f), Some(t)) if !f.trim().is_empty() && !t.trim().is_empty() => (typed(f), typed(t)),
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
            "<option value=\"{c}\"{}>{}</option>",
            if p.channel == Some(c) {
                " selected"
            } else {
                ""
            },
            lang.channel(c)
        );
    }
    format!(
        "<form class=\"period\" method=\"get\" action=\"{}\" aria-label=\"{}\">{}{}\
         <label>{}<select name=\"channel\" id=\"channel\">{options}</select></label>\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <button class=\"primary\" type=\"submit\">{}</button></form>",
        esc(action),
        lang.t("period"),
        date_field(lang, "from", lang.t("from"), &p.from),
        date_field(lang, "to", lang.t("to"), &p.to),
        lang.t("channel"),
        lang.code(),
        lang.t("show")
    )
}

/// A date field. English keeps the browser's date picker (its format follows the browser's
/// locale); Spanish is a text field in `dd/mm/aaaa`, the format written in its label, because a
/// native date field shows the browser's locale (`mm/dd/yyyy` in an English Chromium) whatever
/// the page's language. The server reads both forms.
fn date_field(lang: Lang, name: &str, label: &str, iso: &str) -> String {
    match lang {
        Lang::En => format!(
            "<label>{label}<input type=\"date\" name=\"{name}\" id=\"{name}\" lang=\"en\" value=\"{}\"></label>",
            esc(iso)
        ),
        Lang::Es => format!(
            "<label>{label} ({})<input type=\"text\" class=\"date\" name=\"{name}\" id=\"{name}\" lang=\"es\" \
             inputmode=\"numeric\" autocomplete=\"off\" pattern=\"[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}\" \
             placeholder=\"{}\" value=\"{}\"></label>",
            lang.date_format(),
            lang.date_format(),
            esc(&lang.date_text(iso))
        ),
    }
}

fn settings() -> KpiSettings {
    KpiSettings {
        fcr_window_days: 0,
        ..KpiSettings::default()
    }
}

/// A KPI table cell: its column's name (`data-label`, shown on phones where the table becomes
/// cards), the value, the target it is judged against under it, and — when it misses — colour,
/// weight and words.
fn kpi_cell(
    lang: Lang,
    kpi: Option<Kpi>,
    text: String,
    target: Option<String>,
    missed: Option<bool>,
) -> String {
    let (id, label) = kpi.map_or(("offered", lang.t("offered")), |k| {
        (k.as_str(), lang.kpi(k))
    });
    let tgt = target.map_or_else(String::new, |t| {
        format!(
            "<small class=\"tgt\"><span class=\"sr\">{} </span>{}</small>",
            lang.t("target"),
            esc(&t)
        )
    });
    match missed {
        Some(true) => format!(
            "<td class=\"miss\" data-missed=\"true\" data-kpi=\"{id}\" data-label=\"{}\"><span class=\"v\"><span aria-hidden=\"true\">▼ </span>{text}<span class=\"flag\">{}</span>{tgt}</span></td>",
            esc(label),
            lang.t("missed")
        ),
        _ => format!(
            "<td data-kpi=\"{id}\" data-label=\"{}\"><span class=\"v\">{text}{tgt}</span></td>",
            esc(label)
        ),
    }
}

/// A KPI table's header (each cell shows the target it is judged against, so the header names
/// only the columns).
fn kpi_header(lang: Lang, first: &str, with_trend: bool) -> String {
    let mut h = format!(
        "<thead><tr><th scope=\"col\">{first}</th><th scope=\"col\">{}</th>",
        lang.t("offered")
    );
    for k in KPI_COLUMNS {
        let _ = write!(h, "<th scope=\"col\">{}</th>", lang.kpi(k));
    }
    if with_trend {
        let _ = write!(h, "<th scope=\"col\">{}</th>", lang.t("trend"));
    }
    h.push_str("</tr></thead>");
    h
}

/// The KPI columns of the dashboard's tables, after the offered count.
const KPI_COLUMNS: [Kpi; 6] = [
    Kpi::ServiceLevel,
    Kpi::AsaS,
    Kpi::AbandonRate,
    Kpi::AhtS,
    Kpi::CsatTop2,
    Kpi::Nps,
];

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
) -> String {
    let mut body = format!(
        "<div class=\"table-wrap\"><table id=\"{table_id}\" class=\"cards\">{}<tbody>",
        kpi_header(lang, lang.t("provider"), true)
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

/// Where a row's targets come from, under its name, when a contract sets them.
fn targets_note(lang: Lang, rt: &RowTargets) -> String {
    match &rt.contract {
        None => String::new(),
        Some(c) => format!(
            "<span class=\"note contract\">{} {}</span>",
            lang.t("contract"),
            esc(c)
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
    let asa = asa_applies(channel);
    let mut row = kpi_cell(lang, None, lang.int(k.offered), None, None);
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::ServiceLevel),
        lang.pct(k.service_level),
        Some(format!("≥ {}", lang.pct(Some(t.service_level)))),
        k.service_level.map(|v| v < t.service_level),
    ));
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::AsaS),
        lang.secs(k.asa_s),
        asa.then(|| format!("≤ {}", lang.secs(Some(t.asa_s)))),
        k.asa_s.filter(|_| asa).map(|v| v > t.asa_s),
    ));
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::AbandonRate),
        lang.pct(k.abandon_rate),
        Some(format!("≤ {}", lang.pct(Some(t.abandon_rate)))),
        k.abandon_rate.map(|v| v > t.abandon_rate),
    ));
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::AhtS),
        lang.secs(k.aht_s),
        None,
        None,
    ));
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::CsatTop2),
        lang.pct(k.csat_top2),
        None,
        None,
    ));
    row.push_str(&kpi_cell(
        lang,
        Some(Kpi::Nps),
        k.nps.map_or("–".into(), |v| lang.num(v, 0)),
        None,
        None,
    ));
    row
}

fn trend_cell(lang: Lang, name: &str, r: &Rollup, t: &Targets) -> String {
    let values: Vec<Option<f64>> = r.series.iter().map(|(_, k)| k.service_level).collect();
    format!(
        "<td class=\"trend\" data-label=\"{}\">{}</td>",
        esc(lang.t("trend")),
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
        "<h1>{} <small class=\"note\">{}</small></h1>{}",
        lang.t("overview"),
        esc(&period_text(lang, &p)),
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

/// A period's start for people: date and time below a day, the date, or the month.
fn label_of(lang: Lang, ms: i64, g: Granularity, tz: &TimeZone) -> String {
    let Ok(t) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let z = t.to_zoned(tz.clone());
    match g {
        Granularity::Interval | Granularity::Hour => lang.datetime(&z),
        Granularity::Month => month_text(lang, z.date()),
        _ => lang.date(z.date()),
    }
}

/// A month: `2026-10` / `10/2026`.
fn month_text(lang: Lang, d: jiff::civil::Date) -> String {
    match lang {
        Lang::En => format!("{:04}-{:02}", d.year(), d.month()),
        Lang::Es => format!("{:02}/{:04}", d.month(), d.year()),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day on an axis: `Oct 1` / `01/10`.
fn short_date(lang: Lang, d: jiff::civil::Date) -> String {
    match lang {
        Lang::En => format!("{} {}", MONTHS_EN[(d.month() - 1) as usize], d.day()),
        Lang::Es => format!("{:02}/{:02}", d.day(), d.month()),
    }
}

/// The x-axis labels of a chart whose points start at `starts`: at whole hours (every 1, 2, 3, 4,
/// 6 or 12 hours, midnight named by its date) or whole days (every 1, 2, 7 — Mondays — 14 or 28
/// days), the finest step that gives at most `max` labels; weeks and months every k-th point.
pub(crate) fn ticks(
    lang: Lang,
    starts: &[jiff::Zoned],
    g: Granularity,
    max: usize,
) -> Vec<(usize, String)> {
    let n = starts.len();
    if n == 0 || max == 0 {
        return Vec::new();
    }
    let sub_day = matches!(g, Granularity::Interval | Granularity::Hour);
    let whole_hour = |z: &jiff::Zoned| z.minute() == 0 && z.second() == 0;
    if sub_day {
        for step in [1, 2, 3, 4, 6, 12] {
            let picks: Vec<usize> = (0..n)
                .filter(|&i| whole_hour(&starts[i]) && starts[i].hour() % step == 0)
                .collect();
            if !picks.is_empty() && picks.len() <= max {
                return picks
                    .into_iter()
                    .map(|i| {
                        let z = &starts[i];
                        let label = if z.hour() == 0 {
                            short_date(lang, z.date())
                        } else {
                            format!("{:02}:00", z.hour())
                        };
                        (i, label)
                    })
                    .collect();
            }
        }
    }
    if sub_day || g == Granularity::Day {
        // Day numbers counted from a Monday, so a seven-day step lands on Mondays.
        let monday = jiff::civil::date(1970, 1, 5);
        for step in [1, 2, 7, 14, 28] {
            let picks: Vec<usize> = (0..n)
                .filter(|&i| {
                    let z = &starts[i];
                    (!sub_day || (z.hour() == 0 && whole_hour(z)))
                        && monday
                            .until(z.date())
                            .is_ok_and(|d| d.get_days().rem_euclid(step) == 0)
                })
                .collect();
            if !picks.is_empty() && picks.len() <= max {
                return picks
                    .into_iter()
                    .map(|i| (i, short_date(lang, starts[i].date())))
                    .collect();
            }
        }
    }
    let every = n.div_ceil(max).max(1);
    (0..n)
        .step_by(every)
        .map(|i| {
            let d = starts[i].date();
            let label = if g == Granularity::Month {
                month_text(lang, d)
            } else {
                short_date(lang, d)
            };
            (i, label)
        })
        .collect()
}

/// The local starts of a series' periods.
fn starts_of<T>(series: &[(i64, T)], tz: &TimeZone) -> Vec<jiff::Zoned> {
    series
        .iter()
        .filter_map(|(ms, _)| jiff::Timestamp::from_millisecond(*ms).ok())
        .map(|t| t.to_zoned(tz.clone()))
        .collect()
}

/// A period for people: `2026-10-01 – 2026-10-07` / `01/10/2026 – 07/10/2026`.
fn period_text(lang: Lang, p: &Period) -> String {
    format!("{} – {}", lang.date_text(&p.from), lang.date_text(&p.to))
}

/// The channels of a table's keys (`…\u{1f}channel`), in the vocabulary's order.
fn channels_in<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<Channel> {
    let present: std::collections::BTreeSet<&str> = keys
        .map(|k| k.rsplit('\u{1f}').next().unwrap_or(k))
        .collect();
    Channel::ALL
        .iter()
        .copied()
        .filter(|c| present.contains(c.as_str()))
        .collect()
}

/// One row of a per-channel table: its header cell (HTML), numbers and targets.
struct ChannelRow<'a> {
    head: String,
    name: String,
    rollup: &'a Rollup,
    targets: &'a RowTargets,
}

/// A heading and a KPI table for one channel (`id` names the table; the heading is the channel).
fn channel_table(
    lang: Lang,
    id: &str,
    first_col: &str,
    channel: Channel,
    rows: &[ChannelRow<'_>],
) -> String {
    let mut out = format!(
        "<h3 id=\"{id}-h\">{}</h3><div class=\"table-wrap\"><table id=\"{id}\" class=\"cards\" aria-labelledby=\"{id}-h\">{}<tbody>",
        esc(lang.channel(channel)),
        kpi_header(lang, first_col, true)
    );
    for r in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}{}</th>{}{}</tr>",
            r.head,
            targets_note(lang, r.targets),
            kpi_cells(lang, &r.rollup.total, Some(channel), &r.targets.t),
            trend_cell(lang, &r.name, r.rollup, &r.targets.t)
        );
    }
    out.push_str("</tbody></table></div>");
    out
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
            let wanted = |c: &relevo_metrics::report::CellRef<'_>| {
                p.channel.is_none_or(|ch| ch == c.channel)
            };
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
                    &|c| wanted(c).then(String::new),
                )?)
            })?;
            let by_channel = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    wanted(c).then(|| c.channel.as_str().to_string())
                })?)
            })?;
            let by_qc = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    wanted(c).then(|| format!("{}\u{1f}{}", c.queue, c.channel))
                })?)
            })?;
            let defaults = st.config().targets;
            let day = last_day(&p);
            let page_targets =
                st.read(|s| contract_targets(s, defaults, &key_, p.channel, None, day))?;
            let mut targets = std::collections::BTreeMap::new();
            for k in by_channel.keys() {
                let rt =
                    st.read(|s| contract_targets(s, defaults, &key_, k.parse().ok(), None, day))?;
                targets.insert(k.clone(), rt);
            }
            for k in by_qc.keys() {
                let (q, ch) = k.split_once('\u{1f}').unwrap_or((k, ""));
                let rt = st.read(|s| {
                    contract_targets(s, defaults, &key_, ch.parse().ok(), Some(q), day)
                })?;
                targets.insert(k.clone(), rt);
            }
            let contract = contract_month(st, &key_, day);
            Ok((
                p,
                g,
                series,
                by_channel,
                by_qc,
                page_targets,
                targets,
                contract,
            ))
        })
        .await;
    let (p, g, series, by_channel, by_qc, page_targets, targets, contract) = match result {
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
        "<h1>{}: {} <small class=\"note\">{}</small></h1>{}",
        lang.t("provider"),
        esc(&key),
        esc(&period_text(lang, &p)),
        period_form(lang, &path, &p)
    );
    let target = page_targets.t.service_level;
    let points: Vec<SlPoint> = all
        .series
        .iter()
        .map(|(ms, k)| SlPoint {
            label: label_of(lang, *ms, g, &p.tz),
            service_level: k.service_level,
            offered: k.offered,
        })
        .collect();
    let starts = starts_of(&all.series, &p.tz);
    let title = format!(
        "{} — {} ({})",
        lang.t("sl_chart"),
        key,
        p.channel
            .map_or(lang.t("all_channels"), |c| lang.channel(c))
    );
    let desc = format!(
        "{}; {}; {} {}",
        lang.t("volume_bars"),
        lang.t("line_sl"),
        lang.t("dashed_target"),
        lang.pct(Some(target))
    );
    let _ = write!(
        body,
        "<h2 id=\"chart-heading\">{}</h2><figure aria-labelledby=\"chart-heading\"><div class=\"wide-only\">{}</div><div class=\"narrow-only\">{}</div><figcaption class=\"legend\">{}{}</figcaption></figure>",
        lang.t("sl_chart"),
        sl_chart(
            lang,
            &points,
            &ticks(lang, &starts, g, 12),
            target,
            svg::Size::WIDE,
            &title,
            &desc
        ),
        sl_chart(
            lang,
            &points,
            &ticks(lang, &starts, g, 5),
            target,
            svg::Size::NARROW,
            &title,
            &desc
        ),
        esc(&desc),
        if page_targets.contract.is_some() {
            format!(" ({})", targets_note(lang, &page_targets))
        } else {
            String::new()
        }
    );
    let _ = write!(
        body,
        "<details><summary>{}</summary><div class=\"table-wrap\"><table id=\"chart-data\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("data_table"),
        lang.t("time"),
        lang.t("offered"),
        lang.kpi(Kpi::ServiceLevel)
    );
    for pt in &points {
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th>{}{}</tr>",
            esc(&pt.label),
            kpi_cell(lang, None, lang.int(pt.offered), None, None),
            kpi_cell(
                lang,
                Some(Kpi::ServiceLevel),
                lang.pct(pt.service_level),
                None,
                pt.service_level.map(|v| v < target)
            )
        );
    }
    body.push_str("</tbody></table></div></details>");
    let _ = write!(
        body,
        "<section id=\"by-queue-channel\" aria-labelledby=\"qc-heading\"><h2 id=\"qc-heading\">{}</h2>",
        lang.t("by_queue_channel"),
    );
    for ch in channels_in(by_qc.keys()) {
        let (Some(total), Some(total_targets)) =
            (by_channel.get(ch.as_str()), targets.get(ch.as_str()))
        else {
            continue;
        };
        let mut rows = vec![ChannelRow {
            head: format!("{} · {}", lang.t("total"), esc(lang.channel(ch))),
            name: format!("{key} · {}", lang.channel(ch)),
            rollup: total,
            targets: total_targets,
        }];
        for (k, r) in by_qc
            .iter()
            .filter(|(k, _)| k.ends_with(&format!("\u{1f}{ch}")))
        {
            let queue = k.split_once('\u{1f}').map_or(k.as_str(), |(q, _)| q);
            let link = format!(
                "/queues/{}{}",
                enc(queue),
                html::query(&[
                    range[0],
                    range[1],
                    ("channel", ch.as_str()),
                    ("lang", lang.code())
                ])
            );
            rows.push(ChannelRow {
                head: format!("<a href=\"{}\">{}</a>", esc(&link), esc(queue)),
                name: format!("{queue} · {}", lang.channel(ch)),
                rollup: r,
                targets: &targets[k],
            });
        }
        body.push_str(&channel_table(
            lang,
            &format!("qc-{ch}"),
            lang.t("queue"),
            ch,
            &rows,
        ));
    }
    body.push_str("</section>");
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

/// The contract section of a provider page: each term's verdict and money, the cap, the invoice
/// total, every number in the page's language.
fn contract_section(
    lang: Lang,
    card: &relevo_contracts::Scorecard,
    invoice: Option<&relevo_contracts::Invoice>,
) -> String {
    let month = month_text(lang, card.month.first_day());
    let mut out = format!(
        "<h2 id=\"contract\">{} {} · v{}</h2><div class=\"table-wrap\"><table id=\"scorecard\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("contract_month"),
        esc(&month),
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
            format!(
                "<td class=\"miss\" data-label=\"{}\"><strong>▼ {}</strong></td>",
                lang.t("verdict"),
                esc(shown)
            )
        } else {
            format!(
                "<td data-label=\"{}\">{}</td>",
                lang.t("verdict"),
                esc(shown)
            )
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}{}<span class=\"note\" translate=\"no\">{}</span></th><td data-label=\"{}\">{} {}</td><td data-label=\"{}\">{}</td>{}<td data-label=\"{}\">{}</td></tr>",
            esc(lang.kpi(t.metric)),
            if t.critical {
                " <small>(CSL)</small>"
            } else {
                ""
            },
            // The contract's own wording, when it names the term (an id alone says nothing more),
            // shown as written (`translate="no"`: it is the contract's text, not the page's).
            if t.name == t.id {
                String::new()
            } else {
                esc(&t.name)
            },
            lang.t("target"),
            t.direction.symbol(),
            esc(&lang.kpi_value(t.metric, t.relaxed_target.unwrap_or(t.target))),
            lang.t("actual"),
            t.actual
                .map_or("–".to_string(), |v| esc(&lang.kpi_value(t.metric, v))),
            verdict_cell,
            lang.t("credit"),
            esc(&lang.money(t.credit.cents()))
        );
    }
    let _ = write!(
        out,
        "</tbody></table></div><p>{} {} {}{}</p>",
        lang.t("credits"),
        esc(&lang.money(card.credits.cents())),
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
            esc(&lang.money(inv.total().cents())),
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
            let wanted = |c: &relevo_metrics::report::CellRef<'_>| {
                c.queue == qk && p.channel.is_none_or(|ch| ch == c.channel)
            };
            let by_provider = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    wanted(c).then(|| c.provider.to_string())
                })?)
            })?;
            let by_channel = st.read(|s| {
                Ok(daily_rollup(s, &scope, &p, &|c| {
                    wanted(c).then(|| format!("{}\u{1f}{}", c.provider, c.channel))
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
        "<h1>{}: {} <small class=\"note\">{}</small></h1>{}<h2>{} <small class=\"note\">{}</small></h2>",
        lang.t("queue"),
        esc(&key),
        esc(&period_text(lang, &p)),
        period_form(lang, &path, &p),
        lang.t("compare"),
        esc(p
            .channel
            .map_or(lang.t("all_channels"), |c| lang.channel(c)))
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
        ));
    }
    // All channels together: each channel on its own too, providers side by side.
    if p.channel.is_none() && !by_channel.is_empty() {
        let _ = write!(
            body,
            "<section id=\"by-channel\" aria-labelledby=\"bc-heading\"><h2 id=\"bc-heading\">{}</h2>",
            lang.t("by_channel")
        );
        for ch in channels_in(by_channel.keys()) {
            let rows: Vec<ChannelRow<'_>> = by_channel
                .iter()
                .filter(|(k, _)| k.ends_with(&format!("\u{1f}{ch}")))
                .map(|(k, r)| {
                    let prov = k.split_once('\u{1f}').map_or(k.as_str(), |(p, _)| p);
                    let link = format!(
                        "/providers/{}{}",
                        enc(prov),
                        html::query(&[
                            range[0],
                            range[1],
                            ("channel", ch.as_str()),
                            ("lang", lang.code())
                        ])
                    );
                    ChannelRow {
                        head: format!("<a href=\"{}\">{}</a>", esc(&link), esc(prov)),
                        name: format!("{prov} · {}", lang.channel(ch)),
                        rollup: r,
                        targets: &channel_targets[k],
                    }
                })
                .collect();
            body.push_str(&channel_table(
                lang,
                &format!("bc-{ch}"),
                lang.t("provider"),
                ch,
                &rows,
            ));
        }
        body.push_str("</section>");
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
