//! The planning page: a queue's forecast and staffing plan for the week after the data (the same
//! `relevo_app::planning::plan` as `relevo plan`), and the Erlang calculator.

use super::*;

/// The planning form's fields (percentages and minutes, as people type them).
#[derive(Debug, Default, Deserialize)]
pub struct PlanningQuery {
    pub lang: Option<String>,
    /// The queue whose forecast and staffing plan the page shows (default: the busiest voice queue).
    pub queue: Option<String>,
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

pub(super) async fn planning(
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
    let scope = caller.scope();
    let wanted = q.queue.clone();
    let forecast = st
        .blocking(move |st| forecast_plan(st, &scope, wanted.as_deref()))
        .await;
    let forecast = match forecast {
        Ok(f) => f,
        Err(e) => return page_error(lang, &caller, e),
    };
    let model = q.model.clone().unwrap_or_else(|| "erlang_c".into());
    let mut body = format!("<h1>{}</h1>", lang.t("planning"));
    body.push_str(&forecast_section(lang, &forecast));
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"period\" method=\"get\" action=\"/planning\" aria-label=\"{}\">{}{}{}{}{}{}{}\
         <label>{}<select name=\"model\"><option value=\"erlang_c\"{}>Erlang C</option><option value=\"erlang_a\"{}>Erlang A</option></select></label>\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">{}<button class=\"primary\" type=\"submit\">{}</button></form>",
        lang.t("erlang"),
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
        forecast
            .queue
            .as_deref()
            .map_or_else(String::new, |k| format!(
                "<input type=\"hidden\" name=\"queue\" value=\"{}\">",
                esc(k)
            )),
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
        ("queue", &q.queue),
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

/// What the planning page forecasts: the queues to choose from, the one chosen, the week planned
/// (ISO dates) and the plan, or why there is none.
struct ForecastView {
    queues: Vec<String>,
    queue: Option<String>,
    from: String,
    to: String,
    plan: Result<relevo_app::planning::Plan, relevo_app::Error>,
}

/// The staffing assumptions of the planning page's plan (the API's `GET /api/v1/plan` defaults).
const PLAN_STAFFING: relevo_app::planning::StaffingSettings =
    relevo_app::planning::StaffingSettings {
        target_sl: 0.8,
        sl_threshold_s: 20.0,
        max_asa_s: None,
        max_abandon: None,
        patience_s: None,
        max_occupancy: 0.85,
        shrinkage: 0.3,
    };

/// The forecast and staffing plan of `wanted` (or the busiest voice queue of the last four weeks
/// of data) for the week after the data's last day, through `relevo_app::planning::plan` — the
/// pipeline of `relevo forecast` and `relevo plan`, by the hour in the dashboard's zone.
fn forecast_plan(
    st: &AppState,
    scope: &Scope,
    wanted: Option<&str>,
) -> Result<ForecastView, ApiError> {
    let tz = zone(&st.config().time_zone)?;
    let queues = st.read(|s| Ok(relevo_store::auth::scoped_queues(s, scope)?))?;
    let span = st.read(|s| Ok(s.data_span(scope)?))?;
    let empty = || ForecastView {
        queues: queues.clone(),
        queue: None,
        from: String::new(),
        to: String::new(),
        plan: Err(relevo_app::Error::NotFound("no data".into())),
    };
    let Some((_, last)) = span else {
        return Ok(empty());
    };
    let last_ms = relevo_core::interval_start_ms(last);
    let last_day = jiff::Timestamp::from_millisecond(last_ms)
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .to_zoned(tz.clone())
        .date();
    let queue = match wanted.filter(|w| queues.iter().any(|q| q == w)) {
        Some(w) => w.to_string(),
        None => {
            let first = last_day
                .checked_sub(jiff::Span::new().days(27))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let from_ms = bound_ms(&first.to_string(), &tz, false, "from")?;
            let to_ms = bound_ms(&last_day.to_string(), &tz, true, "to")?;
            let volume = st.read(|s| {
                Ok(rollup(
                    s,
                    scope,
                    &Window {
                        from_ms,
                        to_ms,
                        tz: &tz,
                        series_by: Granularity::Day,
                        settings: &settings(),
                    },
                    &|c| Some(format!("{}\u{1f}{}", c.channel == Channel::Voice, c.queue)),
                )?)
            })?;
            // Voice first, then the most offered contacts.
            let busiest = volume
                .iter()
                .map(|(k, r)| {
                    let (voice, q) = k.split_once('\u{1f}').unwrap_or(("false", k));
                    (voice == "true", r.total.offered, q.to_string())
                })
                .max_by_key(|(voice, n, _)| (*voice, *n));
            match busiest {
                Some((_, _, q)) => q,
                None => return Ok(empty()),
            }
        }
    };
    let (from, to) = match (
        last_day.tomorrow(),
        last_day.checked_add(jiff::Span::new().days(7)),
    ) {
        (Ok(f), Ok(t)) => (f.to_string(), t.to_string()),
        _ => return Ok(empty()),
    };
    let request = relevo_app::planning::PlanRequest {
        queue: queue.clone(),
        from_ms: bound_ms(&from, &tz, false, "from")?,
        to_ms: bound_ms(&to, &tz, true, "to")?,
        from_label: from.clone(),
        to_label: to.clone(),
        tz: st.config().time_zone.clone(),
        interval: relevo_forecast::Interval::Min60,
        staffing: PLAN_STAFFING,
        split: Vec::new(),
    };
    let plan = st.read(|s| Ok(relevo_app::planning::plan(s, scope, &request)))?;
    Ok(ForecastView {
        queues,
        queue: Some(queue),
        from,
        to,
        plan,
    })
}

/// A forecast method's name for people.
fn method_text(lang: Lang, name: &str) -> String {
    let key = if name.starts_with("seasonal-naive") {
        "m_seasonal_naive"
    } else if name.starts_with("weekday-mean") {
        "m_weekday_mean"
    } else if name.starts_with("taylor") {
        "m_taylor"
    } else {
        return name.to_string();
    };
    lang.t(key).to_string()
}

/// The planning page's forecast: the queue picker, a chart of forecast contacts and agents per
/// hour, the days' totals and peaks, and every hour's staffing (folded).
fn forecast_section(lang: Lang, f: &ForecastView) -> String {
    let mut out = format!(
        "<section id=\"forecast\" aria-labelledby=\"forecast-h\"><h2 id=\"forecast-h\">{}</h2><p class=\"note\">{}</p>",
        lang.t("forecast"),
        lang.t("forecast_intro")
    );
    let Some(queue) = &f.queue else {
        let _ = write!(out, "<p>{}</p></section>", lang.t("forecast_none"));
        return out;
    };
    let mut options = String::new();
    for k in &f.queues {
        let _ = write!(
            options,
            "<option value=\"{}\"{}>{}</option>",
            esc(k),
            if k == queue { " selected" } else { "" },
            esc(k)
        );
    }
    let _ = write!(
        out,
        "<form class=\"period\" method=\"get\" action=\"/planning\" aria-label=\"{}\">\
         <label>{}<select name=\"queue\" id=\"plan-queue\">{options}</select></label>\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <button class=\"primary\" type=\"submit\">{}</button></form>\
         <p>{} <strong>{}</strong> · {} – {} · {}</p>",
        lang.t("forecast_queue"),
        lang.t("forecast_queue"),
        lang.code(),
        lang.t("show"),
        lang.t("queue"),
        esc(queue),
        esc(&lang.date_text(&f.from)),
        esc(&lang.date_text(&f.to)),
        lang.t("plan_settings"),
    );
    let plan = match &f.plan {
        Ok(p) => p,
        Err(relevo_app::Error::Conflict(_)) => {
            let _ = write!(
                out,
                "<p class=\"error\" role=\"status\">{}</p></section>",
                lang.t("forecast_failed")
            );
            return out;
        }
        Err(e) => {
            // The pipeline's own words (English, as the command line prints them).
            let _ = write!(
                out,
                "<p class=\"error\" role=\"status\">{} <span lang=\"en\">{}</span></p></section>",
                lang.t("forecast_error"),
                esc(&e.to_string())
            );
            return out;
        }
    };
    let _ = write!(
        out,
        "<p>{}: <strong id=\"forecast-method\">{}</strong></p>",
        lang.t("forecast_method"),
        esc(&method_text(lang, &plan.forecast_method))
    );
    let points: Vec<svg::ForecastPoint> = plan
        .rows
        .iter()
        .map(|r| svg::ForecastPoint {
            label: lang.datetime(&r.start),
            offered: r.offered,
            agents: r.pooled.agents,
        })
        .collect();
    let starts: Vec<jiff::Zoned> = plan.rows.iter().map(|r| r.start.clone()).collect();
    let g = Granularity::Hour;
    let title = format!("{} — {queue}", lang.t("forecast_chart"));
    let desc = format!("{}; {}", lang.t("forecast_bars"), lang.t("forecast_line"));
    let _ = write!(
        out,
        "<figure aria-label=\"{}\"><div class=\"wide-only\">{}</div><div class=\"narrow-only\">{}</div><figcaption class=\"legend\">{}</figcaption></figure>",
        esc(&title),
        svg::forecast_chart(
            lang,
            &points,
            &ticks(lang, &starts, g, 12),
            svg::Size::WIDE.named("forecast-chart"),
            &title,
            &desc
        ),
        svg::forecast_chart(
            lang,
            &points,
            &ticks(lang, &starts, g, 5),
            svg::Size::NARROW.named("forecast-chart-narrow"),
            &title,
            &desc
        ),
        esc(&desc)
    );
    // Per day: contacts, the peak hour's agents, agent hours scheduled.
    let hours = f64::from(plan.interval_s) / 3600.0;
    let mut days: Vec<(jiff::civil::Date, f64, u32, u32, f64)> = Vec::new();
    for r in &plan.rows {
        let d = r.start.date();
        if days.last().is_none_or(|x| x.0 != d) {
            days.push((d, 0.0, 0, 0, 0.0));
        }
        if let Some(x) = days.last_mut() {
            x.1 += r.offered;
            x.2 = x.2.max(r.pooled.agents);
            x.3 = x.3.max(r.pooled.scheduled);
            x.4 += f64::from(r.pooled.scheduled) * hours;
        }
    }
    let _ = write!(
        out,
        "<h3>{}</h3><div class=\"table-wrap\"><table id=\"forecast-days\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("plan_daily"),
        lang.t("forecast_day"),
        lang.t("forecast_offered"),
        lang.t("forecast_peak"),
        lang.t("scheduled"),
        lang.t("forecast_hours"),
    );
    for (d, offered, peak, peak_scheduled, agent_hours) in &days {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td></tr>",
            esc(&lang.date(*d)),
            lang.t("forecast_offered"),
            lang.int(offered.round() as i64),
            lang.t("forecast_peak"),
            lang.int(i64::from(*peak)),
            lang.t("scheduled"),
            lang.int(i64::from(*peak_scheduled)),
            lang.t("forecast_hours"),
            lang.num(*agent_hours, 0),
        );
    }
    out.push_str("</tbody></table></div>");
    let _ = write!(
        out,
        "<details><summary>{}</summary><div class=\"table-wrap\"><table id=\"plan-hours\" class=\"cards\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.t("plan_table"),
        lang.t("time"),
        lang.t("forecast_offered"),
        lang.kpi(Kpi::AhtS),
        lang.t("agents"),
        lang.t("scheduled"),
        lang.kpi(Kpi::ServiceLevel),
        lang.t("occupancy"),
    );
    for r in &plan.rows {
        let note = match r.pooled.note {
            Some("overloaded") => format!(" ({})", lang.t("note_overloaded")),
            Some(_) => format!(" ({})", lang.t("note_unreachable")),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td></tr>",
            esc(&lang.datetime(&r.start)),
            lang.t("forecast_offered"),
            lang.num(r.offered, 1),
            lang.kpi(Kpi::AhtS),
            lang.secs(Some(r.aht_s)),
            lang.t("agents"),
            r.pooled.agents,
            esc(&note),
            lang.t("scheduled"),
            r.pooled.scheduled,
            lang.kpi(Kpi::ServiceLevel),
            lang.pct(r.pooled.service_level),
            lang.t("occupancy"),
            lang.pct(Some(r.pooled.occupancy)),
        );
    }
    out.push_str("</tbody></table></div></details></section>");
    out
}
