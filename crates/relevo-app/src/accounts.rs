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
    // A name is taken once: asking again is a conflict with what is stored, not a bad request.
    if store.list_users()?.iter().any(|u| u.name == name) {
        return Err(Error::Conflict(format!(
            "a user named {name:?} already exists"
        )));
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

/// How failed logins are throttled (OWASP's authentication guidance: limit per account and
/// source, and never let attempts on one name lock out another).
///
/// Three counters over `window_ms`, kept in the store (so they hold across restarts and servers):
/// - **name at an address**: `per_pair` failures refuse that name from that address only;
/// - **address**: `per_address` failures (any names, made-up ones included) refuse that address;
/// - **name**: past `per_account` failures from anywhere, one attempt per `backoff_ms` (a back-off,
///   not a lock-out).
///
/// A flood of made-up names from one address therefore throttles that address, never a real
/// account elsewhere. Behind a reverse proxy the address is the client's (the server's trusted
/// proxy setting), not the proxy's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    pub window_ms: i64,
    pub per_pair: i64,
    pub per_address: i64,
    pub per_account: i64,
    pub backoff_ms: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            window_ms: 15 * 60_000,
            per_pair: 5,
            per_address: 50,
            per_account: 20,
            backoff_ms: 60_000,
        }
    }
}

/// Whether a login attempt may be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginGate {
    Open,
    /// Refused before any password is checked; the reason is for the log, not the client.
    Throttled(&'static str),
}

fn login_keys(name: &str, address: &str) -> [String; 3] {
    [
        format!("pair:{address}:{name}"),
        format!("addr:{address}"),
        format!("user:{name}"),
    ]
}

/// May `name` try a password from `address` now?
pub fn login_gate(
    store: &dyn Store,
    name: &str,
    address: &str,
    now_ms: i64,
    limits: &LoginLimits,
) -> Result<LoginGate, Error> {
    let [pair, addr, user] = login_keys(name, address);
    let since = now_ms - limits.window_ms;
    if store.login_failures_since(&pair, since)? >= limits.per_pair {
        return Ok(LoginGate::Throttled("name at this address"));
    }
    if store.login_failures_since(&addr, since)? >= limits.per_address {
        return Ok(LoginGate::Throttled(ADDRESS));
    }
    if store.login_failures_since(&user, since)? >= limits.per_account
        && store.login_failures_since(&user, now_ms - limits.backoff_ms)? > 0
    {
        return Ok(LoginGate::Throttled("name, backing off"));
    }
    Ok(LoginGate::Open)
}

/// Counts a failed attempt of `name` from `address`.
pub fn login_failed(
    store: &dyn Store,
    name: &str,
    address: &str,
    now_ms: i64,
) -> Result<(), Error> {
    for k in login_keys(name, address) {
        store.record_login_failure(&k, now_ms)?;
    }
    Ok(())
}

/// Counts a refused attempt (`gate` was `Throttled`) against its address, unless the address
/// itself was the reason: hammering one name from an address escalates to the address, and an
/// address already refused adds nothing more (its rows stay bounded).
pub fn login_refused(
    store: &dyn Store,
    address: &str,
    now_ms: i64,
    gate: LoginGate,
) -> Result<(), Error> {
    if let LoginGate::Throttled(why) = gate
        && why != ADDRESS
    {
        store.record_login_failure(&format!("addr:{address}"), now_ms)?;
    }
    Ok(())
}

const ADDRESS: &str = "address";

/// Forgets `name`'s failures after it logged in from `address` (the address's own count stays).
pub fn login_succeeded(store: &dyn Store, name: &str, address: &str) -> Result<(), Error> {
    let [pair, _, user] = login_keys(name, address);
    store.clear_login_failures(&pair)?;
    store.clear_login_failures(&user)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_failed_from_many_addresses_backs_off_and_is_not_locked_out() {
        let store = relevo_store::open("sqlite::memory:").unwrap();
        let limits = LoginLimits::default();
        let mut now = 1_000_000;
        // Twenty failures for ana, each from another address: no pair or address is over.
        for i in 0..limits.per_account {
            let gate = login_gate(&*store, "ana", &format!("10.0.0.{i}"), now, &limits).unwrap();
            assert_eq!(gate, LoginGate::Open, "attempt {i}");
            login_failed(&*store, "ana", &format!("10.0.0.{i}"), now).unwrap();
            now += 1_000;
        }
        // Now ana backs off: refused right after a failure, from a new address too...
        let gate = login_gate(&*store, "ana", "10.0.1.1", now, &limits).unwrap();
        assert_eq!(gate, LoginGate::Throttled("name, backing off"));
        // ...open again once the back-off has passed, and other names never noticed.
        now += limits.backoff_ms + 1;
        assert_eq!(
            login_gate(&*store, "ana", "10.0.1.1", now, &limits).unwrap(),
            LoginGate::Open
        );
        assert_eq!(
            login_gate(&*store, "bob", "10.0.0.1", now, &limits).unwrap(),
            LoginGate::Open
        );
        // A login forgets the name's failures.
        login_succeeded(&*store, "ana", "10.0.1.1").unwrap();
        login_failed(&*store, "ana", "10.0.1.2", now).unwrap();
        assert_eq!(
            login_gate(&*store, "ana", "10.0.1.3", now, &limits).unwrap(),
            LoginGate::Open
        );
    }
}
