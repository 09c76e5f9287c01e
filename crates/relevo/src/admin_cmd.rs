//! `relevo token create|list|revoke` and `relevo user add|list|password`: API tokens (shown once,
//! stored hashed, expiring, revocable) and people's dashboard accounts (Argon2id passwords). Every
//! change goes to the audit log as the actor `cli`.

use crate::cli_util::open_store;
use anyhow::{Result, anyhow, bail};
use relevo_app::accounts::PasswordCost;
use relevo_store::Role;
use relevo_store::auth::NewToken;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

const ACTOR: &str = "cli";

#[derive(clap::Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown once; only its hash is stored)
    Create {
        /// admin, manager, analyst or provider
        #[arg(long)]
        role: Role,
        /// The provider key a provider token is limited to
        #[arg(long)]
        provider: Option<String>,
        /// A label to recognise the token by
        #[arg(long, default_value = "api")]
        name: String,
        /// Days until it expires (0 = never)
        #[arg(long, default_value_t = 90)]
        expires_in_days: u32,
    },
    /// List tokens (never their secrets)
    List,
    /// Revoke a token by id
    Revoke {
        /// The token's id (from `relevo token list`)
        id: i64,
    },
}

#[derive(clap::Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Add a person; the password is read from standard input with --password-stdin, else generated
    /// and printed once
    Add {
        /// The person's login name
        name: String,
        /// admin, manager, analyst or provider
        #[arg(long)]
        role: Role,
        /// The provider key a provider's person is limited to
        #[arg(long)]
        provider: Option<String>,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a person's password (ends their sessions)
    Password {
        /// The person's login name
        name: String,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// List people
    List,
}

fn api(e: relevo_app::Error) -> anyhow::Error {
    anyhow!(e.to_string())
}

#[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn date(ms: Option<i64>) -> String {
    ms.and_then(|m| jiff::Timestamp::from_millisecond(m).ok())
        .map_or("-".into(), |t| t.strftime("%Y-%m-%d %H:%M").to_string())
}

pub fn token(args: &TokenArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    let now = now_ms();
    match &args.command {
        TokenCommand::Create {
            role,
            provider,
            name,
            expires_in_days,
        } => {
            let token = NewToken {
                name: name.clone(),
                role: *role,
                provider: provider.clone(),
                expires_at_ms: (*expires_in_days > 0)
                    .then(|| now + i64::from(*expires_in_days) * 86_400_000),
            };
            let (id, secret) =
                relevo_app::accounts::create_token(&*store, ACTOR, &token, now).map_err(api)?;
            eprintln!(
                "token {id} ({role}{}), expires {}; shown once, keep it secret:",
                provider
                    .as_deref()
                    .map_or(String::new(), |p| format!(" of {p}")),
                date(token.expires_at_ms)
            );
            println!("{secret}");
        }
        TokenCommand::List => {
            println!(
                "{:>4}  {:<16} {:<9} {:<16} {:<16} {:<16} {:<16}",
                "id", "name", "role", "provider", "expires", "revoked", "last used"
            );
            for t in store.list_tokens()? {
                println!(
                    "{:>4}  {:<16} {:<9} {:<16} {:<16} {:<16} {:<16}",
                    t.id,
                    t.name,
                    t.role.as_str(),
                    t.provider.as_deref().unwrap_or("-"),
                    date(t.expires_at_ms),
                    date(t.revoked_at_ms),
                    date(t.last_used_at_ms)
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if !relevo_app::accounts::revoke_token(&*store, ACTOR, *id, now).map_err(api)? {
                bail!("no live token with id {id}");
            }
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The password from standard input, or a generated one (printed).
fn password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            bail!("--password-stdin: standard input is empty");
        }
        return Ok((p, false));
    }
    let hex = relevo_app::accounts::random_hex().map_err(api)?;
    Ok((hex[..20].to_string(), true))
}

pub fn user(args: &UserArgs) -> Result<ExitCode> {
    let (store, _) = open_store(args.db.as_ref())?;
    let now = now_ms();
    let cost = PasswordCost::default();
    match &args.command {
        UserCommand::Add {
            name,
            role,
            provider,
            password_stdin,
        } => {
            let (pw, generated) = password(*password_stdin)?;
            relevo_app::accounts::add_user(
                &*store,
                ACTOR,
                &relevo_app::accounts::NewUser {
                    name,
                    password: &pw,
                    role: *role,
                    provider: provider.as_deref(),
                },
                cost,
                now,
            )
            .map_err(api)?;
            println!("user {name} added ({role})");
            if generated {
                println!("password (shown once): {pw}");
            }
        }
        UserCommand::Password {
            name,
            password_stdin,
        } => {
            let (pw, generated) = password(*password_stdin)?;
            if !relevo_app::accounts::set_password(&*store, ACTOR, name, &pw, cost, now)
                .map_err(api)?
            {
                bail!("no user named {name:?}");
            }
            println!("password of {name} changed; their sessions ended");
            if generated {
                println!("password (shown once): {pw}");
            }
        }
        UserCommand::List => {
            for u in store.list_users()? {
                println!(
                    "{:<20} {:<9} {}",
                    u.name,
                    u.role.as_str(),
                    u.provider.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
