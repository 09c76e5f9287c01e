//! The API's route table and the OpenAPI 3.1 document generated from it. The router mounts the
//! same table ([`ROUTES`]), so the document cannot drift from what the server answers.

use crate::state::AppState;
use crate::{api, routing, transitions_api};
use axum::routing::{MethodRouter, delete, get, post};
use serde_json::{Value, json};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug)]
pub enum In {
    Query,
    Path,
}

/// What a parameter's value may be: its JSON Schema in the document, as exact as the handler
/// that reads it (a value the schema allows is one the handler takes).
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A key (provider, queue): a non-empty string.
    Key,
    /// A comma-separated list of keys.
    Keys,
    /// Comma-separated channels.
    Channels,
    /// Comma-separated grouping names.
    Group,
    Bool,
    /// A whole number in `[min, max]`.
    Int(i64, i64),
    /// A number within bounds: (lowest, whether the lowest itself is excluded, highest, whether
    /// the highest is excluded); `None`: unbounded on that side.
    Num(Option<f64>, bool, Option<f64>, bool),
    Enum(&'static [&'static str]),
    /// A day `YYYY-MM-DD`.
    Day,
    /// A day or an RFC 3339 instant.
    DayOrInstant,
    /// An RFC 3339 instant.
    Instant,
    /// A month `YYYY-MM`.
    Month,
    /// An IANA time zone name (the server's database).
    Zone,
    /// A stored id (`crate::error::IdPath`).
    Id,
}

/// The longest a token may live, in days (100 years; 0 is never).
pub const MAX_TOKEN_DAYS: u32 = 36_500;

/// Years the store holds (1970–2199, docs/DEFINITIONS.md §3.1), as a pattern.
const YEAR: &str = "(19[7-9][0-9]|2[01][0-9]{2})";
/// A calendar day's month and day, as a pattern (the `date` format rules out the 31st of June).
const MONTH_DAY: &str = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
const CHANNELS: &str = "(voice|chat|email|messaging|web_form|social)";
const GROUPS: &str = "(provider|queue|channel)";

/// `YYYY-MM-DD` within the store's years.
fn day_schema() -> Value {
    json!({"type": "string", "format": "date", "pattern": format!("^{YEAR}-{MONTH_DAY}$")})
}

/// An RFC 3339 instant within the store's years, with `Z` or an offset under 18 hours.
fn instant_schema() -> Value {
    json!({
        "type": "string",
        "format": "date-time",
        "pattern": format!(
            "^{YEAR}-{MONTH_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,9}})?(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9])$"
        )
    })
}

/// A comma-separated list of one of `names` (a pattern of alternatives).
fn list_schema(names: &str, allow_empty: bool) -> Value {
    let list = format!("{names}(,{names})*");
    let pattern = if allow_empty {
        format!("^({list})?$")
    } else {
        format!("^{list}$")
    };
    json!({"type": "string", "pattern": pattern})
}

impl Ty {
    /// The JSON Schema of a value.
    pub fn schema(self) -> Value {
        match self {
            Ty::Key => json!({"type": "string", "minLength": 1}),
            Ty::Keys => json!({"type": "string"}),
            Ty::Channels => list_schema(CHANNELS, false),
            Ty::Group => list_schema(GROUPS, true),
            Ty::Bool => json!({"type": "boolean"}),
            Ty::Int(min, max) => json!({"type": "integer", "minimum": min, "maximum": max}),
            Ty::Num(min, min_excluded, max, max_excluded) => {
                let mut v = json!({"type": "number"});
                if let Some(m) = min {
                    let key = if min_excluded {
                        "exclusiveMinimum"
                    } else {
                        "minimum"
                    };
                    v[key] = json!(m);
                }
                if let Some(m) = max {
                    let key = if max_excluded {
                        "exclusiveMaximum"
                    } else {
                        "maximum"
                    };
                    v[key] = json!(m);
                }
                v
            }
            Ty::Enum(names) => json!({"type": "string", "enum": names}),
            Ty::Day => day_schema(),
            Ty::DayOrInstant => json!({"anyOf": [day_schema(), instant_schema()]}),
            Ty::Instant => instant_schema(),
            Ty::Month => json!({"type": "string", "pattern": format!("^{YEAR}-(0[1-9]|1[0-2])$")}),
            Ty::Zone => json!({"$ref": "#/components/schemas/TimeZone"}),
            Ty::Id => json!({"type": "integer", "format": "int64", "minimum": 1}),
        }
    }
}

/// Holds a number to the range `params` documents for `name` (a finite number; handlers call this
/// so that what the document allows and what they take are the same).
pub fn check_number(params: &[Param], name: &str, value: f64) -> Result<(), crate::ApiError> {
    let Some(Param(_, _, Ty::Num(min, min_excluded, max, max_excluded), _, _)) =
        params.iter().find(|p| p.0 == name)
    else {
        return Ok(());
    };
    let above = min.is_none_or(|m| if *min_excluded { value > m } else { value >= m });
    let below = max.is_none_or(|m| if *max_excluded { value < m } else { value <= m });
    if value.is_finite() && above && below {
        return Ok(());
    }
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!(
            "{}{lo}, {hi}{}",
            if *min_excluded { "(" } else { "[" },
            if *max_excluded { ")" } else { "]" }
        ),
        (Some(lo), None) if *min_excluded => format!("above {lo}"),
        (Some(lo), None) => format!("{lo} or more"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "finite".into(),
    };
    Err(crate::ApiError::bad_field(
        name,
        format!("{name} must be a number {range}, not {value}"),
    ))
}

/// Every time zone name the server knows (its bundled and system databases), sorted.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.to_string())
        .filter(|n| jiff::tz::TimeZone::get(n).is_ok())
        .collect();
    names.push("UTC".into());
    names.sort();
    names.dedup();
    names
}

/// One parameter: name, place, value, required, description.
#[derive(Clone, Copy, Debug)]
pub struct Param(pub &'static str, pub In, pub Ty, pub bool, pub &'static str);

/// One API operation.
#[derive(Debug)]
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Roles allowed (documentation of `auth::allows`).
    pub roles: &'static str,
    pub params: &'static [Param],
    /// Request body: media types and schema component.
    pub body: Option<(&'static [&'static str], &'static str)>,
    /// Success status and schema component (`None`: no body).
    pub ok: (u16, Option<&'static str>),
    /// The errors this operation answers besides those of every authenticated operation (400,
    /// 401, 403, 503) and of every body (413): each with what it means here.
    pub errors: &'static [(u16, &'static str)],
    /// Public (no authentication).
    pub public: bool,
    pub handler: fn() -> MethodRouter<AppState>,
}

const KPI_PARAMS: &[Param] = &[
    Param(
        "from",
        In::Query,
        Ty::DayOrInstant,
        true,
        "first day (inclusive, whole day in tz) or RFC 3339 instant",
    ),
    Param(
        "to",
        In::Query,
        Ty::DayOrInstant,
        true,
        "last day (inclusive) or RFC 3339 instant (exclusive)",
    ),
    Param(
        "by",
        In::Query,
        Ty::Enum(&["interval", "hour", "day", "week", "month"]),
        false,
        "interval, hour, day (default), week or month",
    ),
    Param(
        "group",
        In::Query,
        Ty::Group,
        false,
        "any of provider,queue,channel (comma-separated); channel is always added unless blend_channels=true",
    ),
    Param(
        "blend_channels",
        In::Query,
        Ty::Bool,
        false,
        "let rows mix channels when group does not name channel (default false)",
    ),
    Param(
        "tz",
        In::Query,
        Ty::Zone,
        false,
        "IANA time zone of the periods (default UTC)",
    ),
    Param(
        "sl_threshold",
        In::Query,
        Ty::Int(0, 4_294_967_295),
        false,
        "service-level threshold T, seconds (default per channel)",
    ),
    Param(
        "short_abandon",
        In::Query,
        Ty::Int(0, 4_294_967_295),
        false,
        "short-abandon threshold S, seconds (default 5)",
    ),
    Param(
        "abandon_treatment",
        In::Query,
        Ty::Enum(&["counted", "excluded_within_t", "met"]),
        false,
        "counted (default), excluded_within_t or met",
    ),
    Param(
        "include_flowouts",
        In::Query,
        Ty::Bool,
        false,
        "add flowouts to the service-level denominator",
    ),
    Param(
        "fcr_window_days",
        In::Query,
        Ty::Int(0, 4_294_967_295),
        false,
        "FCR window in days (default 7; 0 = no FCR)",
    ),
    Param(
        "as_of",
        In::Query,
        Ty::DayOrInstant,
        false,
        "FCR counts windows closed by this instant (default now)",
    ),
    Param(
        "provider",
        In::Query,
        Ty::Key,
        false,
        "only this provider (a provider caller may name only itself)",
    ),
    Param(
        "queue",
        In::Query,
        Ty::Keys,
        false,
        "only these queues (comma-separated)",
    ),
    Param(
        "channel",
        In::Query,
        Ty::Channels,
        false,
        "only these channels (comma-separated)",
    ),
    Param(
        "format",
        In::Query,
        Ty::Enum(&["json", "csv"]),
        false,
        "json (default) or csv",
    ),
];

pub const ERLANG_PARAMS: &[Param] = &[
    Param(
        "arrivals",
        In::Query,
        Ty::Num(Some(0.0), false, None, false),
        true,
        "contacts arriving per per_s seconds",
    ),
    Param(
        "per_s",
        In::Query,
        Ty::Num(Some(0.0), true, None, false),
        false,
        "arrival window in seconds (default 1800)",
    ),
    Param(
        "aht_s",
        In::Query,
        Ty::Num(Some(0.0), true, None, false),
        true,
        "average handle time, seconds",
    ),
    Param(
        "model",
        In::Query,
        Ty::Enum(&["erlang_c", "erlang_a"]),
        false,
        "erlang_c (default) or erlang_a",
    ),
    Param(
        "patience_s",
        In::Query,
        Ty::Num(Some(0.0), true, None, false),
        false,
        "mean patience for Erlang A, seconds (default 120)",
    ),
    Param(
        "agents",
        In::Query,
        Ty::Num(Some(0.0), true, Some(10_000_000.0), false),
        false,
        "measures for this many agents (otherwise: the agents needed)",
    ),
    Param(
        "target_sl",
        In::Query,
        Ty::Num(Some(0.0), false, Some(1.0), false),
        false,
        "service-level target, fraction in [0, 1]",
    ),
    Param(
        "sl_threshold_s",
        In::Query,
        Ty::Num(Some(0.0), false, None, false),
        false,
        "service-level threshold, seconds (default 20)",
    ),
    Param(
        "max_asa_s",
        In::Query,
        Ty::Num(Some(0.0), true, None, false),
        false,
        "largest acceptable ASA, seconds",
    ),
    Param(
        "max_abandon",
        In::Query,
        Ty::Num(Some(0.0), false, Some(1.0), false),
        false,
        "largest acceptable abandonment, fraction",
    ),
    Param(
        "max_occupancy",
        In::Query,
        Ty::Num(Some(0.0), true, Some(1.0), false),
        false,
        "largest acceptable occupancy, fraction",
    ),
    Param(
        "shrinkage",
        In::Query,
        Ty::Num(Some(0.0), false, Some(1.0), true),
        false,
        "fraction of paid time unavailable, in [0, 1)",
    ),
];

/// A provider's month as of an instant: the scorecard's and the invoice's parameters.
const PROVIDER_MONTH_PARAMS: &[Param] = &[
    Param("provider", In::Query, Ty::Key, true, "provider key"),
    Param("month", In::Query, Ty::Month, true, "YYYY-MM"),
    Param(
        "as_of",
        In::Query,
        Ty::Instant,
        false,
        "RFC 3339; default now",
    ),
];

pub const PLAN_PARAMS: &[Param] = &[
    Param("queue", In::Query, Ty::Key, true, "queue key"),
    Param(
        "from",
        In::Query,
        Ty::Day,
        true,
        "first day planned, YYYY-MM-DD (after the history)",
    ),
    Param(
        "to",
        In::Query,
        Ty::Day,
        true,
        "last day planned, YYYY-MM-DD (at most 31 days from the first)",
    ),
    Param(
        "tz",
        In::Query,
        Ty::Zone,
        false,
        "IANA time zone (default UTC)",
    ),
    Param(
        "target_sl",
        In::Query,
        Ty::Num(Some(0.0), true, Some(1.0), false),
        false,
        "service-level target (default 0.8)",
    ),
    Param(
        "sl_threshold",
        In::Query,
        Ty::Num(Some(0.0), false, None, false),
        false,
        "seconds (default 20)",
    ),
    Param(
        "max_occupancy",
        In::Query,
        Ty::Num(Some(0.0), true, Some(1.0), false),
        false,
        "default 0.85",
    ),
    Param(
        "shrinkage",
        In::Query,
        Ty::Num(Some(0.0), false, Some(1.0), true),
        false,
        "default 0.3",
    ),
    Param(
        "patience",
        In::Query,
        Ty::Num(Some(0.0), true, None, false),
        false,
        "mean patience in seconds: Erlang A",
    ),
];

const ID_PARAM: &[Param] = &[Param("id", In::Path, Ty::Id, true, "transition id")];

/// Every API operation, in the order the document lists them.
pub const ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: "get",
        path: "/healthz",
        summary: "Liveness and database check",
        roles: "public",
        params: &[],
        body: None,
        ok: (200, Some("Health")),
        errors: &[],
        public: true,
        handler: || get(api::healthz),
    },
    ApiRoute {
        method: "get",
        path: "/metrics",
        summary: "Prometheus metrics (text exposition format)",
        roles: "public",
        params: &[],
        body: None,
        ok: (200, None),
        errors: &[],
        public: true,
        handler: || get(api::metrics),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/openapi.json",
        summary: "This document",
        roles: "public",
        params: &[],
        body: None,
        ok: (200, None),
        errors: &[],
        public: true,
        handler: || get(serve_document),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/contacts",
        summary: "Push canonical contact records (JSON array or JSON lines); one batch is atomic and re-sending is harmless",
        roles: "admin, manager, provider (its own records only)",
        params: &[],
        body: Some((
            &["application/json", "application/x-ndjson"],
            "ContactRecords",
        )),
        ok: (200, Some("ImportResult")),
        errors: &[(
            422,
            "invalid records, each with its index and reason; nothing was written",
        )],
        public: false,
        handler: || post(api::post_contacts),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/kpis",
        summary: "KPI report (docs/DEFINITIONS.md §4 columns), the options of `relevo report`",
        roles: "all (a provider sees its own data)",
        params: KPI_PARAMS,
        body: None,
        ok: (200, Some("KpiReport")),
        errors: &[(
            404,
            "a provider, queue or channel filter names no data; the message lists the known ones",
        )],
        public: false,
        handler: || get(api::get_kpis),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/hours",
        summary: "Push provider hours (the canonical hours CSV of docs/HOURS.md); one request is atomic, re-sending replaces the same cells",
        roles: "admin, manager, provider (its own hours only)",
        params: &[],
        body: Some((&["text/csv"], "HoursCsv")),
        ok: (200, Some("HoursResult")),
        errors: &[(
            422,
            "invalid rows, each with its index (0 = the first row after the header) and reason; nothing was written",
        )],
        public: false,
        handler: || post(api::post_hours),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/hours",
        summary: "Stored hours per quarter hour",
        roles: "all (a provider sees its own)",
        params: &[
            Param(
                "from",
                In::Query,
                Ty::DayOrInstant,
                true,
                "first day (inclusive) or RFC 3339 instant",
            ),
            Param(
                "to",
                In::Query,
                Ty::DayOrInstant,
                true,
                "last day (inclusive) or RFC 3339 instant (exclusive)",
            ),
            Param(
                "tz",
                In::Query,
                Ty::Zone,
                false,
                "IANA time zone (default UTC)",
            ),
        ],
        body: None,
        ok: (200, Some("Hours")),
        errors: &[],
        public: false,
        handler: || get(api::get_hours),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/contracts",
        summary: "Stored contract versions with their files (scorecards and invoices: `relevo contract`)",
        roles: "all (a provider sees its own)",
        params: &[],
        body: None,
        ok: (200, Some("Contracts")),
        errors: &[],
        public: false,
        handler: || get(api::get_contracts),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/scorecard",
        summary: "A provider's month judged against its contract: verdicts, credits (at-risk cap), bonuses, earn-back",
        roles: "all (a provider sees its own)",
        params: PROVIDER_MONTH_PARAMS,
        body: None,
        ok: (200, Some("Scorecard")),
        errors: &[(
            404,
            "no contract of that provider in force in that month (another provider's, for a provider caller)",
        )],
        public: false,
        handler: || get(crate::contract_api::get_scorecard),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/plan",
        summary: "A queue's hourly forecast turned into required agents and scheduled staff (Erlang C, or Erlang A with patience)",
        roles: "all (scoped: a provider plans on its own contacts)",
        params: PLAN_PARAMS,
        body: None,
        ok: (200, Some("Plan")),
        errors: &[
            (404, "the queue has no history within the caller's access"),
            (
                409,
                "the planned days do not fit the stored history: they end inside it, more than 400 days after it, or the forecast does not reach them",
            ),
        ],
        public: false,
        handler: || get(crate::planning::get_plan),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/invoice",
        summary: "A provider's expected invoice for a month, with the scorecard's credits and bonuses",
        roles: "all (a provider sees its own)",
        params: PROVIDER_MONTH_PARAMS,
        body: None,
        ok: (200, Some("Invoice")),
        errors: &[(
            404,
            "no contract of that provider in force in that month (another provider's, for a provider caller)",
        )],
        public: false,
        handler: || get(crate::contract_api::get_invoice),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/providers",
        summary: "Provider keys with data",
        roles: "all (a provider sees itself)",
        params: &[],
        body: None,
        ok: (200, Some("Keys")),
        errors: &[],
        public: false,
        handler: || get(api::get_providers),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/queues",
        summary: "Queue keys with data",
        roles: "all (a provider sees its own queues)",
        params: &[],
        body: None,
        ok: (200, Some("Keys")),
        errors: &[],
        public: false,
        handler: || get(api::get_queues),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/erlang",
        summary: "Erlang C / Erlang A: measures for a number of agents, or the agents needed for targets",
        roles: "all",
        params: ERLANG_PARAMS,
        body: None,
        ok: (200, Some("ErlangResult")),
        errors: &[],
        public: false,
        handler: || get(api::get_erlang),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/me",
        summary: "The caller's identity, role and provider",
        roles: "all",
        params: &[],
        body: None,
        ok: (200, Some("Me")),
        errors: &[],
        public: false,
        handler: || get(api::get_me),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/route",
        summary: "Route one contact: the provider it goes to under the transitions in force, the reason and the phase (counted split, sticky customers)",
        roles: "admin, manager",
        params: &[],
        body: Some((&["application/json"], "RouteRequest")),
        ok: (200, Some("RouteDecision")),
        errors: &[(404, "no transition routes that queue and channel")],
        public: false,
        handler: || post(routing::post_route),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/transitions",
        summary: "Transitions (phased cut-overs) with their phase and status",
        roles: "admin, manager, analyst",
        params: &[],
        body: None,
        ok: (200, Some("Transitions")),
        errors: &[],
        public: false,
        handler: || get(transitions_api::list),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/transitions/{id}",
        summary: "One transition: state, phases, timeline, guardrails measured now, target vs actual shares (routed and offered), events",
        roles: "admin, manager, analyst",
        params: ID_PARAM,
        body: None,
        ok: (200, Some("Transition")),
        errors: &[(404, "no such id within the caller's access")],
        public: false,
        handler: || get(transitions_api::get_one),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/transitions/{id}/decisions",
        summary: "Routing decision counts per channel, phase and UTC hour: each provider's actual share next to its target, and counts by reason",
        roles: "admin, manager, analyst",
        params: ID_PARAM,
        body: None,
        ok: (200, Some("RoutingDecisions")),
        errors: &[(404, "no such id within the caller's access")],
        public: false,
        handler: || get(transitions_api::decisions),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/transitions/{id}/advance",
        summary: "Move to the next phase now, whatever the gate and dates say (audited, webhooks sent)",
        roles: "admin, manager",
        params: ID_PARAM,
        body: Some((&["application/json"], "TransitionOp")),
        ok: (200, Some("TransitionOpResult")),
        errors: &[
            (404, "no such id within the caller's access"),
            (
                409,
                "the operation does not apply in the transition's state",
            ),
        ],
        public: false,
        handler: || post(transitions_api::advance),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/transitions/{id}/hold",
        summary: "Hold at the current split: no automatic advance until resumed or advanced",
        roles: "admin, manager",
        params: ID_PARAM,
        body: Some((&["application/json"], "TransitionOp")),
        ok: (200, Some("TransitionOpResult")),
        errors: &[
            (404, "no such id within the caller's access"),
            (
                409,
                "the operation does not apply in the transition's state",
            ),
        ],
        public: false,
        handler: || post(transitions_api::hold),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/transitions/{id}/rollback",
        summary: "Roll back one phase (`full`: to the baseline)",
        roles: "admin, manager",
        params: ID_PARAM,
        body: Some((&["application/json"], "RollbackOp")),
        ok: (200, Some("TransitionOpResult")),
        errors: &[
            (404, "no such id within the caller's access"),
            (
                409,
                "the operation does not apply in the transition's state",
            ),
        ],
        public: false,
        handler: || post(transitions_api::rollback),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/transitions/{id}/resume",
        summary: "Lift a hold and the rolled-back flag without changing the phase",
        roles: "admin, manager",
        params: ID_PARAM,
        body: Some((&["application/json"], "TransitionOp")),
        ok: (200, Some("TransitionOpResult")),
        errors: &[
            (404, "no such id within the caller's access"),
            (
                409,
                "the operation does not apply in the transition's state",
            ),
        ],
        public: false,
        handler: || post(transitions_api::resume),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/tokens",
        summary: "API tokens (without secrets)",
        roles: "admin",
        params: &[],
        body: None,
        ok: (200, Some("Tokens")),
        errors: &[],
        public: false,
        handler: || get(api::list_tokens),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/tokens",
        summary: "Create an API token; the secret is in this answer only",
        roles: "admin",
        params: &[],
        body: Some((&["application/json"], "NewToken")),
        ok: (201, Some("CreatedToken")),
        errors: &[],
        public: false,
        handler: || post(api::create_token),
    },
    ApiRoute {
        method: "delete",
        path: "/api/v1/tokens/{id}",
        summary: "Revoke an API token",
        roles: "admin",
        params: &[Param("id", In::Path, Ty::Id, true, "token id")],
        body: None,
        ok: (204, None),
        errors: &[(404, "no live token with that id")],
        public: false,
        handler: || delete(api::revoke_token),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/users",
        summary: "People with dashboard accounts",
        roles: "admin",
        params: &[],
        body: None,
        ok: (200, Some("Users")),
        errors: &[],
        public: false,
        handler: || get(api::list_users),
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/users",
        summary: "Add a person (password hashed with Argon2id)",
        roles: "admin",
        params: &[],
        body: Some((&["application/json"], "NewUser")),
        ok: (201, None),
        errors: &[(409, "a user of that name exists")],
        public: false,
        handler: || post(api::add_user),
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/audit",
        summary: "The audit log, newest first",
        roles: "admin",
        params: &[Param(
            "limit",
            In::Query,
            Ty::Int(0, 4_294_967_295),
            false,
            "most entries (default 100)",
        )],
        body: None,
        ok: (200, Some("Audit")),
        errors: &[],
        public: false,
        handler: || get(api::get_audit),
    },
];

/// The schema of one canonical field in a JSON body (docs/DEFINITIONS.md §3 and its bounds,
/// §3.1); the body parser holds values to these JSON types (`relevo_import::body`).
fn contact_field(name: &str) -> Value {
    // Identifiers: at most 128 bytes, no control characters; free text: 256 bytes, tab and line
    // breaks allowed. JSON Schema counts characters, so the byte bounds are in the description.
    let key = |required: bool| {
        let mut v = json!({
            "type": if required { json!("string") } else { json!(["string", "null"]) },
            "maxLength": relevo_core::limits::MAX_KEY_BYTES,
            "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
            "description": "at most 128 bytes of UTF-8, no control characters"
        });
        if required {
            v["minLength"] = json!(1);
        }
        v
    };
    let text = |bytes: usize| {
        json!({
            "type": ["string", "null"],
            "maxLength": bytes,
            "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$",
            "description": format!("at most {bytes} bytes of UTF-8; tab and line breaks allowed, no other control character")
        })
    };
    let mut instant = instant_schema();
    let nullable = |mut v: Value| {
        v["type"] = json!([v["type"].clone(), "null"]);
        v
    };
    match name {
        "contact_id" | "queue" => key(true),
        "provider" => {
            let mut v = key(false);
            v["description"] = json!(
                "at most 128 bytes; a provider caller's own provider when absent, and no other"
            );
            v
        }
        "agent" => key(false),
        "customer" | "reason" => text(relevo_core::limits::MAX_TEXT_BYTES),
        "language" => {
            let mut v = key(false);
            v["maxLength"] = json!(relevo_core::limits::MAX_LANGUAGE_BYTES);
            v["description"] = json!("a BCP 47 tag such as es-ES (not checked), at most 35 bytes");
            v
        }
        "channel" => {
            json!({"type": "string", "enum": ["voice", "chat", "email", "messaging", "web_form", "social"]})
        }
        "direction" => {
            json!({"type": ["string", "null"], "enum": ["inbound", "outbound", null], "description": "default inbound"})
        }
        "outcome" => {
            json!({"type": ["string", "null"], "enum": ["answered", "abandoned", "flowout", null], "description": "derived from the times when absent"})
        }
        "arrived_at" => {
            instant["description"] = json!("RFC 3339, 1970-01-01 to 2199-12-31 UTC");
            instant
        }
        "answered_at" | "abandoned_at" | "ended_at" => {
            instant["description"] = json!(
                "RFC 3339, not before arrived_at (ended_at not before answered_at), within 400 days of it"
            );
            nullable(instant)
        }
        "updated_at" => {
            instant["description"] =
                json!("RFC 3339: the record's version (default: its latest time)");
            nullable(instant)
        }
        "talk_s" | "hold_s" | "acw_s" => {
            json!({"type": ["number", "null"], "minimum": 0, "maximum": 86400, "description": "seconds, kept to the millisecond"})
        }
        "csat" => json!({"type": ["integer", "null"], "minimum": 1, "maximum": 5}),
        "nps" => json!({"type": ["integer", "null"], "minimum": 0, "maximum": 10}),
        "qa_score" => {
            json!({"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": "kept to a thousandth of a point"})
        }
        "resolved" | "transferred" => json!({"type": ["boolean", "null"]}),
        other => unreachable!("canonical field {other} has no schema"),
    }
}

/// An RFC 3339 instant in an answer (`null` too: [`ndt`]).
fn dt() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn ndt() -> Value {
    json!({"type": ["string", "null"], "format": "date-time"})
}

/// An object of answers: every property is always present (`null` where it may be empty).
fn obj(properties: Value) -> Value {
    let required: Vec<String> = properties
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    json!({"type": "object", "required": required, "properties": properties})
}

fn schemas() -> Value {
    let s = |t: &str| json!({"type": t});
    let ns = |t: &str| json!({"type": [t, "null"]});
    let count = json!({"type": "integer", "minimum": 0});
    let seconds = json!({"type": "number", "minimum": 0});
    let fraction = json!({"type": "number", "minimum": 0, "maximum": 1});
    let id = json!({"type": "integer", "format": "int64", "minimum": 1});
    let canonical: serde_json::Map<String, Value> = relevo_import::CANONICAL
        .iter()
        .map(|c| (c.to_string(), contact_field(c)))
        .collect();
    let row_props: serde_json::Map<String, Value> = relevo_metrics::report::CSV_COLUMNS
        .split(',')
        .map(|c| {
            let t = match c {
                "period_start" => dt(),
                "provider" | "queue" => ns("string"),
                "channel" => json!({"type": ["string", "null"], "enum": ["voice", "chat", "email", "messaging", "web_form", "social", null]}),
                "offered" | "answered" | "abandoned" | "short_abandoned" | "flowout"
                | "answered_within_t" | "abandoned_within_t" | "csat_responses"
                | "nps_responses" => json!({"type": "integer", "minimum": 0}),
                "p90_answer_s" => json!({"type": ["integer", "null"], "minimum": 0}),
                _ => ns("number"),
            };
            (c.to_string(), t)
        })
        .collect();
    let error = json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": s("integer"),
                "message": s("string"),
                "field": {"type": "string", "description": "the offending field or parameter"},
                "invalid": {"type": "array", "items": {
                    "type": "object",
                    "required": ["index", "reason"],
                    "properties": {
                        "index": {"type": "integer", "description": "0-based position in the batch"},
                        "field": s("string"),
                        "value": s("string"),
                        "reason": s("string")
                    }
                }}
            }
        }}
    });
    let roles = json!({"type": "string", "enum": ["admin", "manager", "analyst", "provider"]});
    let provider = json!({"type": ["string", "null"], "description": "the provider key: required for the provider role, and for no other"});
    // A provider role names its provider; the other roles name none.
    let role_provider = json!([
        {"properties": {"role": {"enum": ["admin", "manager", "analyst"]}, "provider": {"type": "null"}}},
        {"required": ["provider"], "properties": {"role": {"const": "provider"}, "provider": {"type": "string", "pattern": "\\S"}}}
    ]);
    let mut v = json!({
        "Error": error,
        "TimeZone": {"type": "string", "description": "an IANA time zone name", "enum": zone_names()},
        "Health": obj(json!({"status": {"type": "string", "enum": ["ok"]}})),
        "ContactRecord": {
            "type": "object",
            "description": "A canonical contact record (docs/DEFINITIONS.md §3): required contact_id, queue, channel, arrived_at; provider defaults to a provider caller's own",
            "required": ["contact_id", "queue", "channel", "arrived_at"],
            "additionalProperties": false,
            "properties": canonical
        },
        "ContactRecords": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ContactRecord"}, "description": "at most the server's batch limit (`relevo serve --max-batch`, default 10,000)"},
        "ImportResult": {
            "type": "object",
            "required": ["received", "inserted", "replaced", "ignored"],
            "properties": {
                "received": count.clone(),
                "inserted": {"type": "integer", "description": "new (provider, contact_id) identities"},
                "replaced": {"type": "integer", "description": "stored records replaced by a newer updated_at"},
                "ignored": {"type": "integer", "description": "copies not newer than the stored record"}
            }
        },
        "KpiRow": obj(Value::Object(row_props)),
        "KpiReport": obj(json!({
            "settings": obj(json!({
                "time_zone": s("string"),
                "by": {"type": "string", "enum": ["interval", "hour", "day", "week", "month"]},
                "sl_threshold_s": {"type": ["integer", "null"], "minimum": 0, "description": "null: each channel's default"},
                "short_abandon_s": {"type": "integer", "minimum": 0},
                "abandon_treatment": {"type": "string", "enum": ["counted", "excluded_within_t", "met"]},
                "include_flowouts": s("boolean"),
                "fcr_window_days": {"type": "integer", "minimum": 0},
                "p90_resolution": s("string")
            })),
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/KpiRow"}}
        })),
        "HoursCsv": {"type": "string", "description": "CSV with provider (optional for a provider caller), queue, period_start, period_end (optional), staffed_s, productive_s, scheduled_s"},
        "HoursResult": obj(json!({"rows": count.clone(), "cells": count.clone()})),
        "Hours": {"type": "array", "items": obj(json!({
            "period_start": dt(), "provider": s("string"), "queue": s("string"),
            "staffed_s": seconds.clone(), "productive_s": seconds.clone(), "scheduled_s": seconds.clone()
        }))},
        "Contracts": {"type": "array", "items": obj(json!({
            "id": id.clone(), "provider": s("string"), "version": {"type": "integer", "minimum": 1},
            "valid_from": {"type": "string", "format": "date"},
            "valid_to": {"type": ["string", "null"], "format": "date"},
            "added_at": dt(),
            "added_by": s("string"), "source": {"type": "string", "description": "the contract file (TOML)"}
        }))},
        "Keys": obj(json!({"items": {"type": "array", "items": s("string")}})),
        "Me": obj(json!({"actor": s("string"), "role": roles.clone(), "provider": ns("string")})),
        "ErlangResult": obj(json!({
            "model": {"type": "string", "enum": ["erlang_c", "erlang_a"]},
            "offered_load_erlangs": {"type": "number", "minimum": 0},
            "agents": {"type": "number", "minimum": 0, "description": "0 when nothing arrives"},
            "agents_with_shrinkage": {"type": ["integer", "null"], "minimum": 0},
            "binding": ns("string"),
            "service_level": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "sl_threshold_s": {"type": "number", "minimum": 0},
            "prob_wait": fraction.clone(), "prob_abandon": fraction.clone(),
            "asa_s": {"type": "number", "minimum": 0}, "occupancy": fraction.clone()
        })),
        "Token": obj(json!({
            "id": id.clone(), "name": s("string"), "role": roles.clone(), "provider": ns("string"),
            "created_at": dt(), "expires_at": ndt(), "revoked_at": ndt(), "last_used_at": ndt()
        })),
        "Tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
        "NewToken": {
            "type": "object",
            "required": ["name", "role"],
            "additionalProperties": false,
            "properties": {
                "name": s("string"),
                "role": roles,
                "provider": provider,
                "expires_in_days": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_TOKEN_DAYS, "description": "default 90; 0 = never"}
            },
            "oneOf": role_provider
        },
        "CreatedToken": obj(json!({
            "id": id.clone(),
            "token": {"type": "string", "pattern": "^rlv_[0-9a-f]{64}$", "description": "the secret, shown once"},
            "expires_at": ndt()
        })),
        "User": obj(json!({"id": id.clone(), "name": s("string"), "role": roles.clone(), "provider": ns("string"), "created_at": dt()})),
        "Users": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
        "NewUser": {
            "type": "object",
            "required": ["name", "password", "role"],
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "pattern": "\\S", "description": "not blank; taken once (another user of the name is 409)"},
                "password": {"type": "string", "minLength": 8},
                "role": roles,
                "provider": provider
            },
            "oneOf": role_provider
        },
        "AuditEntry": obj(json!({"id": id.clone(), "at": dt(), "actor": s("string"), "action": s("string"), "target": ns("string"), "detail": ns("string")})),
        "Audit": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}}
    });
    if let (Some(map), Value::Object(extra)) = (v.as_object_mut(), contract_schemas()) {
        map.extend(extra);
    }
    if let (Some(map), Value::Object(extra)) = (v.as_object_mut(), transition_schemas()) {
        map.extend(extra);
    }
    v
}

/// Money in the contract currency, to the cent (`-12.50`).
fn money() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"})
}

fn kpi_names() -> Vec<&'static str> {
    relevo_core::Kpi::ALL.iter().map(|k| k.as_str()).collect()
}

/// Schemas of the contract resources (kept apart: one `json!` literal has a recursion limit).
fn contract_schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let ns = |t: &str| json!({ "type": [t, "null"] });
    let count = json!({"type": "integer", "minimum": 0});
    let month = json!({"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"});
    let version = json!({"type": "integer", "minimum": 1});
    let fraction = json!({"type": "number", "minimum": 0, "maximum": 1});
    let term = obj(json!({
        "term": s("string"), "name": s("string"),
        "metric": {"type": "string", "enum": kpi_names()},
        "critical": s("boolean"),
        "period": {"type": "string", "enum": ["day", "week", "month"]},
        "target": s("number"), "relaxed_target": ns("number"), "actual": ns("number"),
        "sample": count.clone(),
        "verdict": {"type": "string", "enum": ["met", "missed", "excused", "not_judged"]},
        "note": s("string"), "misses_in_window": count.clone(),
        "credit": money(), "bonus": money()
    }));
    let plan_row = obj(json!({
        "period_start": dt(),
        "offered_forecast": {"type": "number", "minimum": 0},
        "aht_s": {"type": "number", "minimum": 0},
        "agents": count.clone(), "scheduled": count.clone(),
        "service_level": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "occupancy": fraction.clone(), "note": ns("string")
    }));
    let line = obj(json!({
        "description": s("string"),
        "quantity": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,3})?$"},
        "unit_price": {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2,6}$"},
        "amount": money()
    }));
    json!({
        "Scorecard": obj(json!({
            "provider": s("string"), "version": version.clone(), "month": month.clone(),
            "currency": s("string"), "fees": money(), "at_risk": money(), "credits": money(),
            "cap_binds": s("boolean"), "bonuses": money(), "earned_back": money(),
            "terms": {"type": "array", "items": term}
        })),
        "Plan": obj(json!({
            "queue": s("string"), "forecast_method": s("string"),
            "model": {"type": "string", "enum": ["erlang_c", "erlang_a"]},
            "target_sl": fraction.clone(), "sl_threshold_s": {"type": "number", "minimum": 0},
            "max_occupancy": fraction.clone(), "shrinkage": fraction,
            "rows": {"type": "array", "items": plan_row}
        })),
        "Invoice": obj(json!({
            "provider": s("string"), "version": version, "month": month,
            "currency": s("string"), "fees": money(), "total": money(),
            "lines": {"type": "array", "items": line}
        })),
    })
}

/// A guardrail gate with its checks (`Transition.guardrails`, `last_gate`).
fn gate_schema() -> Value {
    let count = json!({"type": "integer", "minimum": 0});
    let status = json!({"type": "string", "enum": ["pass", "fail", "insufficient"]});
    let check = obj(json!({
        "kpi": {"type": "string", "enum": kpi_names()},
        "bound": {"type": "string", "enum": ["min", "max"]},
        "threshold": {"type": "number"}, "value": {"type": ["number", "null"]},
        "volume": count.clone(), "min_volume": count,
        "status": status.clone(), "text": {"type": "string"}
    }));
    obj(json!({
        "at": dt(), "status": status, "window_from": dt(), "window_to": dt(),
        "checks": {"type": "array", "items": check}
    }))
}

/// The fields of a transition's line in the list, which its detail view also has.
fn transition_summary() -> serde_json::Map<String, Value> {
    let s = |t: &str| json!({"type": t});
    let index = json!({"type": "integer", "minimum": 0});
    let channels = json!({"type": "array", "items": {"type": "string", "enum": ["voice", "chat", "email", "messaging", "web_form", "social"]}});
    let props = json!({
        "id": {"type": "integer", "format": "int64", "minimum": 1},
        "name": s("string"), "queue": s("string"), "channels": channels,
        "from": {"type": "string", "description": "the provider the volume moves from"},
        "to": {"type": "string", "description": "the provider the volume moves to"},
        "phase": index.clone(), "last_phase": index, "phase_name": s("string"),
        "share": {"type": "number", "minimum": 0, "maximum": 1, "description": "the share of `to` in the current phase"},
        "status": s("string"),
        "last_gate": {"type": ["string", "null"], "enum": ["pass", "fail", "insufficient", null]},
        "created_at": dt(), "updated_at": dt()
    });
    match props {
        Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

/// A transition's detail view (`GET /api/v1/transitions/{id}`).
fn transition_detail() -> Value {
    let s = |t: &str| json!({"type": t});
    let ns = |t: &str| json!({"type": [t, "null"]});
    let count = json!({"type": "integer", "minimum": 0});
    let fraction = json!({"type": "number", "minimum": 0, "maximum": 1});
    let nfraction = json!({"type": ["number", "null"], "minimum": 0, "maximum": 1});
    let kinds = json!({"type": "string", "enum": ["advanced", "rolled_back", "held", "resumed", "gate_failed", "gate_recovered"]});
    let mut held = obj(json!({"since": dt(), "by": s("string"), "reason": s("string")}));
    held["type"] = json!(["object", "null"]);
    let mut last_gate = gate_schema();
    last_gate["type"] = json!(["object", "null"]);
    let extra = json!({
        "time_zone": s("string"), "phase_since": dt(), "held": held,
        "rolled_back": s("boolean"),
        "gate_passing_since": ndt(), "gate_failing_since": ndt(), "last_evaluated": ndt(),
        "last_gate": last_gate, "guardrails": gate_schema(),
        "phases": {"type": "array", "items": obj(json!({
            "index": count.clone(), "name": s("string"), "share": fraction.clone(),
            "earliest": ndt(), "min_duration_s": count.clone(), "last_entered_at": ndt(),
            "current": s("boolean")
        }))},
        "timeline": {"type": "array", "items": obj(json!({
            "at": dt(), "from_phase": count.clone(), "to_phase": count.clone(), "kind": kinds.clone(),
            "actor": s("string"), "reason": s("string")
        }))},
        "shares": {"type": "array", "items": obj(json!({
            "provider": s("string"), "target": fraction,
            "routed": count.clone(), "routed_share": nfraction.clone(),
            "offered": count.clone(), "offered_share": nfraction
        }))},
        "routed_by_phase": {"type": "array", "items": obj(json!({
            "phase": s("string"), "started_at": dt(),
            "providers": {"type": "object", "additionalProperties": count.clone(), "description": "decisions per provider"}
        }))},
        "events": {"type": "array", "items": obj(json!({
            "id": {"type": "integer", "minimum": 1}, "at": dt(), "kind": kinds, "actor": s("string"),
            "reason": s("string"), "delivered_at": ndt(), "delivery_error": ns("string")
        }))},
        "as_of": dt()
    });
    let mut props = transition_summary();
    if let Value::Object(m) = extra {
        props.extend(m);
    }
    obj(Value::Object(props))
}

/// Schemas of routing and transitions.
fn transition_schemas() -> Value {
    let s = |t: &str| json!({"type": t});
    let count = json!({"type": "integer", "minimum": 0});
    let fraction = json!({"type": "number", "minimum": 0, "maximum": 1});
    let transition_id = json!({"type": "integer", "format": "int64", "minimum": 1});
    let reason = json!({"type": "string", "pattern": "\\S", "description": "why (not blank): recorded in the event, the webhook and the audit log"});
    let mut at = instant_schema();
    at["type"] = json!(["string", "null"]);
    at["description"] = json!("arrival, RFC 3339 (default: now)");
    let mut phase = obj(json!({
        "name": s("string"), "started_at": dt(),
        "shares": {"type": "array", "items": obj(json!({"provider": s("string"), "share": fraction.clone()}))}
    }));
    phase["type"] = json!(["object", "null"]);
    let hour = obj(json!({
        "channel": {"type": "string", "enum": ["voice", "chat", "email", "messaging", "web_form", "social"]},
        "phase": s("string"), "phase_started_at": dt(), "hour": dt(),
        "decisions": count.clone(),
        "providers": {"type": "array", "items": obj(json!({
            "provider": {"type": ["string", "null"], "description": "null: no provider could take the contacts"},
            "decisions": count.clone(), "share": fraction.clone(), "target": fraction.clone(),
            "reasons": {"type": "object", "additionalProperties": count.clone(), "description": "decisions per reason"}
        }))}
    }));
    let event = obj(json!({
        "at": dt(),
        "kind": {"type": "string", "enum": ["advanced", "rolled_back", "held", "resumed", "gate_failed", "gate_recovered"]},
        "actor": s("string"), "reason": s("string"),
        "from_phase": count.clone(), "to_phase": count.clone()
    }));
    json!({
        "RouteRequest": {
            "type": "object",
            "required": ["queue", "channel"],
            "additionalProperties": false,
            "properties": {
                "queue": s("string"),
                "channel": {"type": "string", "enum": ["voice", "chat", "email", "messaging", "web_form", "social"]},
                "language": {"type": ["string", "null"], "description": "the language the contact needs (exact tag)"},
                "customer": {"type": ["string", "null"], "description": "the customer's key, for stickiness (hashed with the store's key, never stored)"},
                "at": at
            }
        },
        "RouteDecision": obj(json!({
            "provider": {"type": ["string", "null"], "description": "null when no provider can take the contact"},
            "reason": {"type": "string", "enum": ["share", "sticky", "only_option", "overflow_closed", "overflow_full", "overflow_language", "no_phase", "none_available"]},
            "phase": phase,
            "transition": transition_id.clone(),
            "at": dt()
        })),
        "Transitions": obj(json!({"items": {"type": "array", "items": obj(Value::Object(transition_summary()))}})),
        "RoutingDecisions": obj(json!({
            "transition": transition_id.clone(),
            "hours": {"type": "array", "items": hour}
        })),
        "Transition": transition_detail(),
        "TransitionOp": {
            "type": "object",
            "required": ["reason"],
            "additionalProperties": false,
            "properties": {"reason": reason.clone()}
        },
        "RollbackOp": {
            "type": "object",
            "required": ["reason"],
            "additionalProperties": false,
            "properties": {
                "reason": reason,
                "full": {"type": ["boolean", "null"], "description": "to the baseline (default: one phase back)"}
            }
        },
        "TransitionOpResult": obj(json!({
            "id": transition_id, "phase": count, "phase_name": s("string"), "share": fraction,
            "status": s("string"), "events": {"type": "array", "items": event}
        }))
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let params: Vec<Value> = r
            .params
            .iter()
            .map(|Param(name, place, ty, required, description)| {
                let schema = ty.schema();
                let mut p = json!({
                    "name": name,
                    "in": match place { In::Query => "query", In::Path => "path" },
                    "required": required,
                    "description": description,
                    "schema": schema
                });
                // The first of its kind: the demo's transition, for clients that try an example.
                if matches!(ty, Ty::Id) {
                    p["example"] = json!(1);
                }
                p
            })
            .collect();
        let mut responses = serde_json::Map::new();
        let ok_content = match (r.path, r.ok.1) {
            ("/metrics", _) => json!({"text/plain": {"schema": {"type": "string"}}}),
            ("/api/v1/openapi.json", _) => {
                json!({"application/json": {"schema": {
                    "type": "object",
                    "description": "this document (OpenAPI 3.1)",
                    "required": ["openapi", "info", "paths", "components"],
                    "properties": {"openapi": {"type": "string", "const": "3.1.0"}, "info": {"type": "object"}, "paths": {"type": "object"}, "components": {"type": "object"}}
                }}})
            }
            ("/api/v1/kpis", Some(schema)) => json!({
                "application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}},
                "text/csv": {"schema": {"type": "string"}}
            }),
            (_, Some(schema)) => {
                json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}})
            }
            (_, None) => Value::Null,
        };
        let mut ok = json!({"description": "success"});
        if !ok_content.is_null() {
            ok["content"] = ok_content;
        }
        responses.insert(r.ok.0.to_string(), ok);
        if !r.public {
            responses.insert(
                "400".into(),
                error_response("malformed request; `field` names the field"),
            );
            responses.insert("401".into(), error_response("no valid token or session"));
            responses.insert(
                "403".into(),
                error_response("the role may not do this, or the data is outside its scope"),
            );
            let mut busy = error_response(if r.method == "get" {
                "the answer took longer than the request time limit; ask for less"
            } else {
                "another writer held the database past the write wait (or the request took longer than the time limit); nothing was written, send it again"
            });
            busy["headers"] = json!({"Retry-After": {
                "description": "seconds to wait before sending again",
                "schema": {"type": "integer", "minimum": 1}
            }});
            responses.insert("503".into(), busy);
        }
        if r.body.is_some() {
            responses.insert("413".into(), error_response("body over the size limit"));
        }
        for (status, description) in r.errors {
            responses.insert(status.to_string(), error_response(description));
        }
        let mut op = json!({
            "summary": r.summary,
            "description": format!("Roles: {}.", r.roles),
            "operationId": format!("{}_{}", r.method, r.path.trim_start_matches('/').replace(['/', '.', '{', '}'], "_")),
            "parameters": params,
            "responses": responses,
        });
        if r.public {
            op["security"] = json!([]);
        }
        if let Some((types, schema)) = r.body {
            let content: serde_json::Map<String, Value> = types
                .iter()
                .map(|t| {
                    (
                        t.to_string(),
                        json!({"schema": {"$ref": format!("#/components/schemas/{schema}")}}),
                    )
                })
                .collect();
            op["requestBody"] = json!({"required": true, "content": content});
        }
        paths
            .entry(r.path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path item is an object")
            .insert(r.method.to_string(), op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "relevo API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Contacts in, KPIs out, for an in-house team and its BPO providers. Authenticate with `Authorization: Bearer <token>` (see `relevo token create`). A provider token sees and sends only its own provider's data."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas()
        },
        "paths": paths
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn serve_document() -> axum::Json<serde_json::Value> {
    axum::Json(document())
}
