//! One error type for every handler: user errors keep their status and message, internal errors
//! become a generic 500 (the real error is logged). Extractor rejections (bad JSON, bad query
//! strings, bodies over the limit) are converted into the same JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One invalid record of a batch: its 0-based index in the batch, the field and the reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordError {
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "short")]
    pub field: Option<String>,
    /// The offending value: at most `relevo_core::limits::QUOTE_CHARS` characters of it, then `…`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "short")]
    pub value: Option<String>,
    pub reason: String,
}

/// A name or value as an error body shows it: however long it was, a few dozen characters.
fn short<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    let v = v.as_deref().unwrap_or_default();
    match v.char_indices().nth(relevo_core::limits::QUOTE_CHARS) {
        None => s.serialize_str(v),
        Some((cut, _)) => s.serialize_str(&format!("{}…", &v[..cut])),
    }
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed; `field` names the offending field or parameter when known.
    BadRequest {
        message: String,
        field: Option<String>,
    },
    Unauthorized,
    Forbidden(String),
    NotFound(String),
    /// 405: the path exists, not with this method.
    MethodNotAllowed(String),
    /// 409: the operation does not apply in the current state (or the state changed meanwhile).
    Conflict(String),
    PayloadTooLarge(String),
    /// 422: records failed validation; nothing was written.
    InvalidRecords(Vec<RecordError>),
    TooManyRequests(String),
    /// 503 with `Retry-After`: the store stayed busy past its wait (another writer); nothing was
    /// written, and the same request can be sent again.
    Unavailable(String),
    /// 500: logged, never shown.
    Internal(String),
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
            field: None,
        }
    }

    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::InvalidRecords(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::BadRequest { message, .. } => message.clone(),
            ApiError::Unauthorized => {
                "authentication required: send `Authorization: Bearer <token>`".into()
            }
            ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::Conflict(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::TooManyRequests(m)
            | ApiError::Unavailable(m) => m.clone(),
            ApiError::InvalidRecords(e) => format!(
                "{} invalid record{}: nothing was written",
                e.len(),
                if e.len() == 1 { "" } else { "s" }
            ),
            ApiError::Internal(_) => "internal error".into(),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    status: u16,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid: Option<&'a [RecordError]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                message: self.message(),
                field: match &self {
                    ApiError::BadRequest { field, .. } => field.as_deref(),
                    _ => None,
                },
                invalid: match &self {
                    ApiError::InvalidRecords(e) => Some(e),
                    _ => None,
                },
            },
        };
        let mut resp = (status, axum::Json(body)).into_response();
        if let ApiError::Unavailable(_) = self {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(RETRY_AFTER_S),
            );
        }
        if let ApiError::Internal(detail) = self {
            // The middleware logs it; the client sees only "internal error".
            resp.extensions_mut().insert(InternalDetail(detail));
        }
        resp
    }
}

/// What a 503 asks the client to wait before sending again, in seconds.
pub const RETRY_AFTER_S: u32 = 2;

/// The hidden cause of a 500, for the log.
#[derive(Clone, Debug)]
pub struct InternalDetail(pub String);

impl From<relevo_app::Error> for ApiError {
    fn from(e: relevo_app::Error) -> Self {
        match e {
            relevo_app::Error::Invalid {
                field: Some(field),
                message,
            } => ApiError::bad_field(&field, message),
            relevo_app::Error::Invalid {
                field: None,
                message,
            } => ApiError::bad(message),
            relevo_app::Error::NotFound(m) => ApiError::NotFound(m),
            relevo_app::Error::Conflict(m) => ApiError::Conflict(m),
            relevo_app::Error::Store(e) => e.into(),
            relevo_app::Error::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl From<relevo_app::transitions::RunError> for ApiError {
    fn from(e: relevo_app::transitions::RunError) -> Self {
        use relevo_app::transitions::RunError;
        match e {
            RunError::NotFound(m) => ApiError::NotFound(m),
            RunError::Refused(m) => ApiError::Conflict(m),
            RunError::Store(relevo_store::StoreError::Unsupported(m)) => ApiError::Conflict(m),
            RunError::Store(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<relevo_store::StoreError> for ApiError {
    fn from(e: relevo_store::StoreError) -> Self {
        match e {
            relevo_store::StoreError::Unsupported(m) | relevo_store::StoreError::Limit(m) => {
                ApiError::bad(m)
            }
            relevo_store::StoreError::Busy(m) => ApiError::Unavailable(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// The field a serde message names: `unknown field `x``, `missing field `x``, or a
/// `path: message` prefix from a path-tracking deserializer.
pub fn field_of(message: &str) -> Option<String> {
    for marker in ["unknown field `", "missing field `"] {
        if let Some(i) = message.find(marker) {
            let rest = &message[i + marker.len()..];
            return rest.find('`').map(|j| rest[..j].to_string());
        }
    }
    let tail = message
        .split_once("target type: ")
        .map_or(message, |(_, t)| t);
    let tail = tail.split_once("query string: ").map_or(tail, |(_, t)| t);
    let (path, _) = tail.split_once(": ")?;
    let ok = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    ok.then(|| path.to_string())
}

/// An extractor's message in the API's terms: the framework's prefix becomes what was wrong
/// ("query string", "JSON body"), and a query string's fields are its parameters.
pub fn in_api_terms(text: &str) -> String {
    const PREFIXES: [(&str, &str); 4] = [
        ("Failed to deserialize query string: ", "query string: "),
        (
            "Failed to deserialize the JSON body into the target type: ",
            "JSON body: ",
        ),
        ("Failed to parse the request body as JSON: ", "JSON body: "),
        ("Failed to deserialize form body: ", "form: "),
    ];
    for (framework, ours) in PREFIXES {
        if let Some(rest) = text.strip_prefix(framework) {
            let rest = if ours == "query string: " {
                rest.replace("unknown field", "unknown parameter")
                    .replace("missing field", "missing parameter")
            } else {
                rest.to_string()
            };
            return format!("{ours}{rest}");
        }
    }
    text.to_string()
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        let text = r.body_text();
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge(text);
        }
        ApiError::BadRequest {
            field: field_of(&text),
            message: in_api_terms(&text),
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(r: axum::extract::rejection::QueryRejection) -> Self {
        let text = r.body_text();
        ApiError::BadRequest {
            field: field_of(&text),
            message: in_api_terms(&text),
        }
    }
}

impl From<axum::extract::rejection::FormRejection> for ApiError {
    fn from(r: axum::extract::rejection::FormRejection) -> Self {
        let text = r.body_text();
        ApiError::BadRequest {
            field: field_of(&text),
            message: in_api_terms(&text),
        }
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(r: axum::extract::rejection::BytesRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge("the request body is larger than the server's limit".into())
        } else {
            ApiError::bad(r.body_text())
        }
    }
}

/// A numeric id from the path (`/tokens/{id}`, `/transitions/{id}`): whole numbers from 1 to
/// `i64::MAX`. Anything else names no stored thing, so it is `404` like an id that is not there,
/// and the answer does not repeat what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPath(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound("no such id".into()))?;
        match raw.parse::<i64>() {
            Ok(id) if id >= 1 => Ok(IdPath(id)),
            _ => Err(ApiError::NotFound(
                "no such id (ids are whole numbers from 1)".into(),
            )),
        }
    }
}
