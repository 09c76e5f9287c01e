//! People's accounts and API tokens as the command line and the server administer them: passwords
//! hashed with Argon2id, random secrets from the operating system, every change audited. Who may do
//! it is the caller's rule (the server's roles, the shell's access to the database).

use crate::Error;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use relevo_store::auth::NewToken;
use relevo_store::{Role, Store};
use std::io::Read;

/// API tokens start with this, so that a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "rlv_";

/// Argon2id cost for passwords.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for PasswordCost {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        PasswordCost {
            memory_kib: 19 * 1024,
            iterations: 2,
        }
    }
}

/// 256 random bits from the operating system, as lowercase hex.
pub fn random_hex() -> Result<String, Error> {
    let mut b = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| Error::Internal(format!("cannot read /dev/urandom: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn argon2(cost: PasswordCost) -> Result<argon2::Argon2<'static>, Error> {
    let params = argon2::Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
    Ok(argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    ))
}

/// An Argon2id PHC string for `password`.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, Error> {
    let salt_hex = random_hex()?;
    let salt = SaltString::encode_b64(&salt_hex.as_bytes()[..16])
        .map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Ok(argon2(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?
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
) -> Result<(i64, String), Error> {
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
pub fn revoke_token(store: &dyn Store, actor: &str, id: i64, now_ms: i64) -> Result<bool, Error> {
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
) -> Result<i64, Error> {
    let NewUser {
        name,
        password,
        role,
        provider,
    } = *user;
    if name.trim().is_empty() {
        return Err(Error::invalid("name", "a user name cannot be empty"));
    }
    if password.chars().count() < 8 {
        return Err(Error::invalid(
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
) -> Result<bool, Error> {
    if password.chars().count() < 8 {
        return Err(Error::invalid(
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
