//! The dashboard's words in English and Spanish, and how a request picks its language: a `lang`
//! query parameter (the switch, remembered in a cookie), else the cookie, else `Accept-Language`.
//! KPI names are not here: they come from the one vocabulary ([`Lang::kpi`]).

use axum::http::{HeaderMap, header};
use relevo_core::{Channel, Kpi};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().get(..2) {
            Some("en") => Some(Lang::En),
            Some("es") => Some(Lang::Es),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by weight.
    pub fn from_accept_language(v: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in v.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Lang::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The language of a request.
    pub fn of_request(query_lang: Option<&str>, headers: &HeaderMap) -> Lang {
        query_lang
            .and_then(Lang::parse)
            .or_else(|| crate::auth::cookie(headers, LANG_COOKIE).and_then(Lang::parse))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The word for `key`; a missing key shows itself (tests check every key has both).
    pub fn t(self, key: &'static str) -> &'static str {
        TEXTS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(key, |(_, en, es)| match self {
                Lang::En => en,
                Lang::Es => es,
            })
    }

    /// A KPI's display name in this language ([`Kpi::display_name`]).
    pub fn kpi(self, kpi: Kpi) -> &'static str {
        kpi.display_name(match self {
            Lang::En => relevo_core::Lang::En,
            Lang::Es => relevo_core::Lang::Es,
        })
    }

    /// A number with this language's decimal separator.
    pub fn num(self, v: f64, decimals: usize) -> String {
        let s = format!("{v:.decimals$}");
        match self {
            Lang::En => s,
            Lang::Es => s.replace('.', ","),
        }
    }

    /// A whole number with thousands separators.
    pub fn int(self, n: i64) -> String {
        let s = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ',',
            Lang::Es => '.',
        };
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(ch);
        }
        out
    }

    pub fn pct(self, v: Option<f64>) -> String {
        v.map_or_else(|| "–".into(), |x| format!("{} %", self.num(x * 100.0, 1)))
    }

    /// A duration in seconds for people ([`relevo_core::format_duration`]: `334 s`, `5 h 19 min`).
    pub fn secs(self, v: Option<f64>) -> String {
        v.map_or_else(|| "–".into(), relevo_core::format_duration)
    }

    /// A KPI's value in this language: ratios as percentages, seconds as durations, scores as
    /// numbers (the dashboard's counterpart of [`Kpi::format`]).
    pub fn kpi_value(self, kpi: Kpi, v: f64) -> String {
        match kpi.unit() {
            relevo_core::Unit::Ratio => self.pct(Some(v)),
            relevo_core::Unit::Seconds => self.secs(Some(v)),
            relevo_core::Unit::Score if kpi == Kpi::CsatMean => self.num(v, 2),
            relevo_core::Unit::Score => self.num(v, 1),
        }
    }

    /// An amount of money in cents, with thousands separators: `5,424.85` / `5.424,85`.
    pub fn money(self, cents: i64) -> String {
        let whole = self.int(cents / 100);
        let frac = (cents % 100).unsigned_abs();
        let sign = if cents < 0 && cents / 100 == 0 {
            "-"
        } else {
            ""
        };
        let dec = match self {
            Lang::En => '.',
            Lang::Es => ',',
        };
        format!("{sign}{whole}{dec}{frac:02}")
    }

    /// A channel's name for people.
    pub fn channel(self, c: Channel) -> &'static str {
        self.t(match c {
            Channel::Voice => "ch_voice",
            Channel::Chat => "ch_chat",
            Channel::Email => "ch_email",
            Channel::Messaging => "ch_messaging",
            Channel::WebForm => "ch_web_form",
            Channel::Social => "ch_social",
        })
    }

    /// A role's name for people.
    pub fn role(self, r: relevo_store::Role) -> &'static str {
        self.t(match r {
            relevo_store::Role::Admin => "role_admin",
            relevo_store::Role::Manager => "role_manager",
            relevo_store::Role::Analyst => "role_analyst",
            relevo_store::Role::Provider => "role_provider",
        })
    }

    /// A date: ISO `2026-10-01` in English, `01/10/2026` in Spanish.
    pub fn date(self, d: jiff::civil::Date) -> String {
        match self {
            Lang::En => d.to_string(),
            Lang::Es => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        }
    }

    /// A date written as an ISO date (links carry those), in this language.
    pub fn date_text(self, iso: &str) -> String {
        iso.parse::<jiff::civil::Date>()
            .map_or_else(|_| iso.to_string(), |d| self.date(d))
    }

    /// A local date and time: `2026-10-01 08:00` / `01/10/2026 08:00`.
    pub fn datetime(self, z: &jiff::Zoned) -> String {
        format!("{} {:02}:{:02}", self.date(z.date()), z.hour(), z.minute())
    }

    /// An instant in `tz`, as [`Lang::datetime`].
    pub fn instant(self, ms: i64, tz: &jiff::tz::TimeZone) -> String {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| self.datetime(&t.to_zoned(tz.clone())))
            .unwrap_or_default()
    }

    /// How date fields are typed in this language (shown next to them).
    pub fn date_format(self) -> &'static str {
        match self {
            Lang::En => "yyyy-mm-dd",
            Lang::Es => "dd/mm/aaaa",
        }
    }
}

/// A date as people type it: ISO `2026-10-01`, or day first `1/10/2026` (Spanish fields), into ISO.
pub fn parse_date(text: &str) -> Option<String> {
    let t = text.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Some(d.to_string());
    }
    let mut parts = t.split(['/', '-', '.']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    Some(date.to_string())
}

/// The cookie that remembers the language switch.
pub const LANG_COOKIE: &str = "relevo_lang";

/// key, English, Spanish.
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("tr_title", "Transitions", "Transiciones"),
    (
        "tr_none",
        "No transitions yet (relevo transition create adds one).",
        "Aún no hay transiciones (relevo transition create añade una).",
    ),
    ("tr_name", "Transition", "Transición"),
    ("tr_from_to", "From → to", "De → a"),
    ("tr_phase", "Phase", "Fase"),
    (
        "tr_incoming_share",
        "Incoming provider's share",
        "Cuota del proveedor entrante",
    ),
    ("tr_status", "Status", "Estado"),
    ("tr_held_since", "Held since", "En pausa desde"),
    ("tr_timeline", "Phase timeline", "Cronología de fases"),
    (
        "tr_timeline_chart",
        "The incoming provider's target share over time",
        "Cuota objetivo del proveedor entrante a lo largo del tiempo",
    ),
    ("tr_earliest", "Not before", "No antes de"),
    ("tr_entered", "Last entered", "Última entrada"),
    ("tr_current", "current", "actual"),
    (
        "tr_shares",
        "Target and actual shares",
        "Cuotas objetivo y reales",
    ),
    (
        "tr_since_phase",
        "In the current phase, since",
        "En la fase actual, desde",
    ),
    ("tr_routed", "Routed", "Enrutados"),
    ("tr_guardrails", "Guardrails", "Salvaguardas"),
    ("tr_window", "Measured over", "Medido entre"),
    ("tr_pass", "pass", "cumple"),
    ("tr_fail", "fail", "no cumple"),
    (
        "tr_insufficient",
        "not enough volume",
        "volumen insuficiente",
    ),
    ("tr_passing_since", "Passing since", "Cumple desde"),
    ("tr_failing_since", "Failing since", "No cumple desde"),
    ("tr_last_evaluated", "Last evaluated", "Última evaluación"),
    ("tr_history", "History", "Historial"),
    ("tr_event", "Event", "Evento"),
    ("tr_actor", "By", "Por"),
    ("tr_reason", "Reason", "Motivo"),
    ("tr_no_events", "No events yet.", "Aún no hay eventos."),
    ("app", "relevo", "relevo"),
    ("skip", "Skip to content", "Saltar al contenido"),
    ("nav", "Main", "Principal"),
    ("overview", "Overview", "Resumen"),
    ("planning", "Planning", "Planificación"),
    ("logout", "Log out", "Cerrar sesión"),
    ("login", "Log in", "Iniciar sesión"),
    ("login_title", "Log in to relevo", "Inicia sesión en relevo"),
    ("user", "User name", "Usuario"),
    ("password", "Password", "Contraseña"),
    (
        "bad_login",
        "Wrong user name or password.",
        "Usuario o contraseña incorrectos.",
    ),
    (
        "too_many",
        "Too many failed attempts. Try again in a few minutes.",
        "Demasiados intentos fallidos. Vuelve a intentarlo en unos minutos.",
    ),
    ("signed_in_as", "Signed in as", "Sesión de"),
    ("language", "Language", "Idioma"),
    ("switch_lang", "Español", "English"),
    ("period", "Period", "Periodo"),
    ("from", "From", "Desde"),
    ("to", "To", "Hasta"),
    ("show", "Show", "Mostrar"),
    ("provider", "Provider", "Proveedor"),
    ("providers", "Providers", "Proveedores"),
    ("queue", "Queue", "Cola"),
    ("queues", "Queues", "Colas"),
    ("channel", "Channel", "Canal"),
    ("offered", "Offered", "Recibidos"),
    ("answered", "Answered", "Atendidos"),
    ("trend", "SL trend, per day", "Tendencia NS, por día"),
    ("missed", "target missed", "objetivo incumplido"),
    ("met", "target met", "objetivo cumplido"),
    ("target", "Target", "Objetivo"),
    (
        "targets_note",
        "Each value shows the target it is judged against: the provider's contract where one sets it (named under the row), otherwise service level ≥ 80 %, abandoned ≤ 5 %, ASA ≤ 30 s (live channels).",
        "Cada valor muestra el objetivo con el que se juzga: el del contrato del proveedor cuando lo fija (indicado bajo la fila); si no, nivel de servicio ≥ 80 %, abandono ≤ 5 %, TMR ≤ 30 s (canales en vivo).",
    ),
    (
        "no_data",
        "No contacts in this period.",
        "No hay contactos en este periodo.",
    ),
    (
        "sl_chart",
        "Service level per interval against the target, with offered volume",
        "Nivel de servicio por intervalo frente al objetivo, con el volumen recibido",
    ),
    (
        "by_queue_channel",
        "By queue and channel",
        "Por cola y canal",
    ),
    ("contract_month", "Contract, month", "Contrato, mes"),
    ("term", "Term", "Término"),
    ("actual", "Actual", "Real"),
    ("verdict", "Verdict", "Resultado"),
    ("credit", "Credit", "Crédito"),
    ("verdict_met", "met", "cumplido"),
    ("verdict_missed", "missed", "incumplido"),
    ("verdict_excused", "excused", "excusado"),
    ("verdict_not_judged", "not judged", "no evaluado"),
    ("credits", "Service credits:", "Créditos de servicio:"),
    (
        "cap_binds",
        "the at-risk cap binds",
        "se alcanza el tope en riesgo",
    ),
    ("invoice_total", "Expected invoice:", "Factura esperada:"),
    (
        "compare",
        "Providers on this queue",
        "Proveedores en esta cola",
    ),
    ("data_table", "Chart data", "Datos del gráfico"),
    ("time", "Time", "Hora"),
    ("volume", "Volume", "Volumen"),
    ("refresh", "Refresh every minute", "Actualizar cada minuto"),
    (
        "forbidden",
        "You do not have access to this page.",
        "No tienes acceso a esta página.",
    ),
    ("not_found", "Page not found.", "Página no encontrada."),
    ("bad_request", "Invalid request", "Solicitud no válida"),
    ("forbidden_title", "No access", "Sin acceso"),
    ("not_found_title", "Not found", "No encontrado"),
    ("error_title", "Error", "Error"),
    (
        "check_input",
        "Check what the form or the link asks for:",
        "Revisa lo que piden el formulario o el enlace:",
    ),
    ("erlang", "Erlang calculator", "Calculadora Erlang"),
    ("arrivals", "Contacts arriving", "Contactos que llegan"),
    ("per_min", "per (minutes)", "cada (minutos)"),
    (
        "aht_s",
        "Average handle time (s)",
        "Tiempo medio de operación (s)",
    ),
    (
        "target_sl",
        "Target service level (%)",
        "Nivel de servicio objetivo (%)",
    ),
    ("threshold_s", "Answered within (s)", "Atendidos en (s)"),
    ("model", "Model", "Modelo"),
    (
        "patience_s",
        "Mean patience (s, Erlang A)",
        "Paciencia media (s, Erlang A)",
    ),
    ("shrinkage", "Shrinkage (%)", "Reductores (%)"),
    ("calculate", "Calculate", "Calcular"),
    ("agents", "Agents needed", "Agentes necesarios"),
    (
        "agents_scheduled",
        "Agents to schedule (with shrinkage)",
        "Agentes a programar (con reductores)",
    ),
    ("load", "Offered load (erlangs)", "Carga ofrecida (erlangs)"),
    ("occupancy", "Occupancy", "Ocupación"),
    (
        "prob_wait",
        "Probability of waiting",
        "Probabilidad de espera",
    ),
    ("result", "Result", "Resultado"),
    ("all_channels", "all channels", "todos los canales"),
    (
        "volume_bars",
        "bars: offered contacts",
        "barras: contactos recibidos",
    ),
    ("line_sl", "line: service level", "línea: nivel de servicio"),
    ("dashed_target", "dashed: target", "discontinua: objetivo"),
    ("total", "Total", "Total"),
    ("contract", "Contract", "Contrato"),
    ("ch_voice", "voice", "voz"),
    ("ch_chat", "chat", "chat"),
    ("ch_email", "email", "correo electrónico"),
    ("ch_messaging", "messaging", "mensajería"),
    ("ch_web_form", "web form", "formulario web"),
    ("ch_social", "social media", "redes sociales"),
    ("role_admin", "admin", "administración"),
    ("role_manager", "manager", "gestión"),
    ("role_analyst", "analyst", "análisis"),
    ("role_provider", "provider", "proveedor"),
    ("date_hint", "Format", "Formato"),
    ("kpi", "Indicator", "Indicador"),
    (
        "contract_targets",
        "contract targets",
        "objetivos del contrato",
    ),
    (
        "default_targets",
        "default targets",
        "objetivos por defecto",
    ),
    ("by_channel", "By channel", "Por canal"),
    ("forecast", "Forecast and staffing", "Previsión y dotación"),
    (
        "forecast_intro",
        "Forecast of the queue's offered contacts from its history, and the agents each hour needs",
        "Previsión de los contactos recibidos en la cola a partir de su historial, y los agentes que necesita cada hora",
    ),
    ("forecast_queue", "Queue to plan", "Cola a planificar"),
    ("forecast_method", "Forecast method", "Método de previsión"),
    (
        "forecast_chart",
        "Forecast contacts per hour and agents needed",
        "Contactos previstos por hora y agentes necesarios",
    ),
    (
        "forecast_bars",
        "bars: forecast contacts",
        "barras: contactos previstos",
    ),
    (
        "forecast_line",
        "line: agents needed",
        "línea: agentes necesarios",
    ),
    (
        "forecast_none",
        "No queue has history to forecast yet.",
        "Aún no hay ninguna cola con historial para prever.",
    ),
    (
        "forecast_failed",
        "This queue's history is too short to forecast (at least 8 days are needed).",
        "El historial de esta cola es demasiado corto para prever (hacen falta al menos 8 días).",
    ),
    (
        "forecast_error",
        "The forecast could not be computed:",
        "No se pudo calcular la previsión:",
    ),
    ("forecast_day", "Day", "Día"),
    (
        "forecast_offered",
        "Forecast contacts",
        "Contactos previstos",
    ),
    ("forecast_peak", "Peak agents", "Agentes en la punta"),
    ("forecast_hours", "Agent hours", "Horas de agente"),
    ("plan_table", "Staffing per hour", "Dotación por hora"),
    (
        "plan_settings",
        "Erlang C; 80 % answered within 20 s; occupancy at most 85 %; shrinkage 30 %",
        "Erlang C; 80 % atendidos en 20 s; ocupación máxima del 85 %; reductores del 30 %",
    ),
    ("plan_daily", "Forecast per day", "Previsión por día"),
    ("scheduled", "Agents to schedule", "Agentes a programar"),
    ("note_overloaded", "overloaded", "sobrecargado"),
    (
        "note_unreachable",
        "targets unreachable",
        "objetivos inalcanzables",
    ),
    ("m_seasonal_naive", "seasonal naive", "ingenuo estacional"),
    (
        "m_weekday_mean",
        "weekday mean",
        "media por día de la semana",
    ),
    (
        "m_taylor",
        "double-seasonal Holt-Winters (Taylor)",
        "Holt-Winters doble estacional (Taylor)",
    ),
    ("st_running", "running", "en curso"),
    ("st_completed", "completed", "completada"),
    ("st_rolled_back", "rolled back", "revertida"),
    ("st_held_by", "held by", "en pausa por"),
    ("ev_advanced", "advanced", "avanzada"),
    ("ev_rolled_back", "rolled back", "revertida"),
    ("ev_held", "held", "en pausa"),
    ("ev_resumed", "resumed", "reanudada"),
    ("ev_gate_failed", "gate failed", "puerta no superada"),
    (
        "ev_gate_recovered",
        "gate recovered",
        "puerta superada de nuevo",
    ),
    ("guardrail", "guardrail", "salvaguarda"),
    ("baseline", "baseline", "situación inicial"),
    ("r_starts", "The transition starts", "Empieza la transición"),
    ("r_phase", "Phase", "Fase"),
    ("r_gate_passed", "the gate passed", "la puerta se superó"),
    ("r_gate_failed", "the gate failed", "la puerta no se superó"),
    (
        "r_gate_insufficient",
        "not enough volume to judge the gate",
        "no hay volumen suficiente para juzgar la puerta",
    ),
    (
        "r_hold",
        "holding the current split",
        "se mantiene el reparto actual",
    ),
    (
        "r_lifted",
        "the guardrail hold is lifted",
        "se levanta la pausa de la salvaguarda",
    ),
    ("r_rolled_back", "rolled back", "revertida"),
    ("r_volume", "volume", "volumen"),
];
