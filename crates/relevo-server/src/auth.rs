//! Who is calling and what they may do: API tokens (`Authorization: Bearer`), dashboard sessions
//! (an HttpOnly, SameSite=Strict cookie plus a per-session CSRF token), password hashing (Argon2id),
//! the role rules, and the admin operations the command line shares with the API.
//!
//! Scoping is not done here: a caller's [`Principal::scope`] goes to the store, which filters every
//! query. This module only decides whether a role may use an endpoint at all.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
pub(crate) use relevo_app::accounts::verify_password;
use relevo_store::{Principal, Role, Scope};

/// The dashboard's session cookie.
pub const SESSION_COOKIE: &str = "relevo_session";
/// The double-submit cookie that protects the login form.
pub const LOGIN_CSRF_COOKIE: &str = "relevo_login";
/// Header carrying the session's CSRF token on API writes made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    /// Read data (within the caller's scope).
    Read,
    /// Push contact records (a provider only its own).
    Ingest,
    /// Contracts and plans.
    Manage,
    /// Tokens, users, the audit log.
    Admin,
}

/// The role matrix.
pub fn allows(role: Role, perm: Perm) -> bool {
    match perm {
        Perm::Read => true,
        Perm::Ingest => matches!(role, Role::Admin | Role::Manager | Role::Provider),
        Perm::Manage => matches!(role, Role::Admin | Role::Manager),
        Perm::Admin => role == Role::Admin,
    }
}

/// How the caller authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Token,
    Session { csrf: String },
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Principal,
    pub via: Via,
}

impl Caller {
    pub fn require(&self, perm: Perm) -> Result<(), ApiError> {
        if allows(self.principal.role, perm) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "the {} role may not do this",
                self.principal.role
            )))
        }
    }

    pub fn scope(&self) -> Scope {
        self.principal.scope()
    }

    /// The scope for a request that names a provider: a provider may name only itself.
    pub fn scope_for(&self, provider: Option<&str>) -> Result<Scope, ApiError> {
        let own = self.scope();
        match provider {
            None => Ok(own),
            Some(p) if own.permits(p) => Ok(Scope::Provider(p.to_string())),
            // The answer does not echo the key: nothing tells whether that provider exists.
            Some(_) => Err(ApiError::Forbidden(
                "that provider is outside this caller's access".into(),
            )),
        }
    }
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Resolves the caller from a bearer token or a session cookie (blocking: it reads the store).
pub fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    let now = state.now_ms();
    if let Some(token) = bearer(headers) {
        let p = state.read(|s| Ok(s.token_principal(token, now)?))?;
        return Ok(p.map(|principal| Caller {
            principal,
            via: Via::Token,
        }));
    }
    if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        let p = state.read(|s| Ok(s.session_principal(sid, now)?))?;
        return Ok(p.map(|(principal, csrf)| Caller {
            principal,
            via: Via::Session { csrf },
        }));
    }
    Ok(None)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let headers = parts.headers.clone();
        let caller = state
            .blocking(move |st| resolve(st, &headers))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        if let Via::Session { csrf } = &caller.via
            && !safe
        {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), csrf.as_bytes())) {
                return Err(ApiError::Forbidden(format!(
                    "a session-authenticated write needs the {CSRF_HEADER} header"
                )));
            }
        }
        Ok(caller)
    }
}

/// Compares secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the left-most
/// entries are the client's to write, so they are never believed). `None` when neither is known.
pub fn client_ip(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}
