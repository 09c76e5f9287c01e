//! Who is calling and what they may do: API tokens (`Authorization: Bearer`), dashboard sessions
//! (an HttpOnly, SameSite=Strict cookie plus a per-session CSRF token), password hashing (Argon2id),
//! the role rules, and the admin operations the command line shares with the API.
//!
//! Scoping is not done here: a caller's [`Principal::scope`] goes to the store, which filters every
//! query. This module only decides whether a role may use an endpoint at all.

use crate::error::ApiError;
use crate::state::{AppState, PasswordCost};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use relevo_store::auth::NewToken;
use relevo_store::{Principal, Role, Scope, Store};
use std::io::Read;

/// The dashboard's session cookie.
pub const SESSION_COOKIE: &str = "relevo_session";
/// The double-submit cookie that protects the login form.
pub const LOGIN_CSRF_COOKIE: &str = "relevo_login";
/// Header carrying the session's CSRF token on API writes made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Prefix of API token secrets (recognisable in logs and secret scanners).
pub const TOKEN_PREFIX: &str = "rlv_";

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

/// 256 random bits from the operating system, as lowercase hex.
pub fn random_hex() -> Result<String, ApiError> {
    let mut b = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| ApiError::Internal(format!("cannot read /dev/urandom: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn argon2(cost: PasswordCost) -> Result<argon2::Argon2<'static>, ApiError> {
    let params = argon2::Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| ApiError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    ))
}

/// An Argon2id PHC string for `password`.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, ApiError> {
    let salt_hex = random_hex()?;
    let salt = SaltString::encode_b64(&salt_hex.as_bytes()[..16])
        .map_err(|e| ApiError::Internal(format!("salt: {e}")))?;
    Ok(argon2(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| ApiError::Internal(format!("argon2: {e}")))?
        .to_string())
}

/// Whether `password` matches the PHC string (the parameters are read from the string).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Creates an API token and returns `(id, secret)`; the secret is shown once and stored hashed.
pub fn create_token(
    store: &dyn Store,
    actor: &str,
    token: &NewToken,
    now_ms: i64,
) -> Result<(i64, String), ApiError> {
    let secret = format!("{TOKEN_PREFIX}{}", random_hex()?);
    let id = store.create_token(&secret, token, now_ms)?;
    let detail = format!(
        "name={} role={}{}",
        token.name,
        token.role,
        token
            .provider
            .as_deref()
            .map_or(String::new(), |p| format!(" provider={p}"))
    );
    store.audit(
        now_ms,
        actor,
        "token.create",
        Some(&id.to_string()),
        Some(&detail),
    )?;
    Ok((id, secret))
}

/// Revokes a token (audited); `false` when there is no live token with that id.
pub fn revoke_token(
    store: &dyn Store,
    actor: &str,
    id: i64,
    now_ms: i64,
) -> Result<bool, ApiError> {
    let done = store.revoke_token(id, now_ms)?;
    if done {
        store.audit(now_ms, actor, "token.revoke", Some(&id.to_string()), None)?;
    }
    Ok(done)
}

/// A person to add.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub password: &'a str,
    pub role: Role,
    /// Required for the provider role.
    pub provider: Option<&'a str>,
}

/// Adds a person with an Argon2id-hashed password (audited); returns the user id.
pub fn add_user(
    store: &dyn Store,
    actor: &str,
    user: &NewUser<'_>,
    cost: PasswordCost,
    now_ms: i64,
) -> Result<i64, ApiError> {
    let NewUser {
        name,
        password,
        role,
        provider,
    } = *user;
    if name.trim().is_empty() {
        return Err(ApiError::bad_field("name", "a user name cannot be empty"));
    }
    if password.chars().count() < 8 {
        return Err(ApiError::bad_field(
            "password",
            "a password needs at least 8 characters",
        ));
    }
    let hash = hash_password(password, cost)?;
    let id = store.add_user(name, &hash, role, provider, now_ms)?;
    store.audit(
        now_ms,
        actor,
        "user.add",
        Some(name),
        Some(&format!("role={role}")),
    )?;
    Ok(id)
}

/// Sets a person's password (Argon2id), ending their sessions (audited); `false` when unknown.
pub fn set_password(
    store: &dyn Store,
    actor: &str,
    name: &str,
    password: &str,
    cost: PasswordCost,
    now_ms: i64,
) -> Result<bool, ApiError> {
    if password.chars().count() < 8 {
        return Err(ApiError::bad_field(
            "password",
            "a password needs at least 8 characters",
        ));
    }
    let done = store.set_password(name, &hash_password(password, cost)?)?;
    if done {
        store.audit(now_ms, actor, "user.password", Some(name), None)?;
    }
    Ok(done)
}
