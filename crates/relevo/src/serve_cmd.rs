//! `relevo serve`: the HTTP API and the dashboard on one listener, until Ctrl-C or SIGTERM; and the
//! end of `relevo demo`, which serves the demo data with a fresh login.

use crate::cli_util::open_store;
use anyhow::{Context, Result};
use relevo_server::{AppState, Config, PasswordCost};
use relevo_store::Role;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
    /// Address to listen on (use 0.0.0.0:8080 to accept other machines, behind TLS)
    #[arg(long, default_value = "127.0.0.1:8080", env = "RELEVO_LISTEN")]
    pub listen: SocketAddr,
    /// Time zone of the dashboard's periods (IANA name)
    #[arg(long, default_value = "UTC", env = "RELEVO_TZ")]
    pub tz: String,
    /// Most records in one POST /api/v1/contacts
    #[arg(long, default_value_t = 10_000)]
    pub max_batch: usize,
    /// Largest request body, in MiB
    #[arg(long, default_value_t = 16)]
    pub max_body_mib: usize,
    /// Mark cookies Secure (when a TLS proxy is in front)
    #[arg(long)]
    pub secure_cookies: bool,
    /// Answer every report from the database instead of holding the cube in memory (each grain is
    /// read in when first asked for; the benchmark's year of 1.87 M 15-minute cells takes 244 MiB)
    #[arg(long)]
    pub no_memory_cube: bool,
    /// A reverse proxy whose X-Forwarded-For names the client (repeat for several; login
    /// throttling then counts the client's address, not the proxy's)
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

fn state(db: &Path, tz: &str, tweak: impl FnOnce(&mut Config)) -> Result<AppState> {
    crate::cli_util::zone(tz)?;
    let mut config = Config::new(db.display().to_string());
    config.time_zone = tz.to_string();
    tweak(&mut config);
    AppState::open(
        config,
        relevo_server::system_clock(),
        relevo_server::stderr_log(),
    )
    .with_context(|| format!("cannot open database {}", db.display()))
}

pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    // Creates the file and its folder when needed, and applies migrations.
    let (_, path) = open_store(args.db.as_ref())?;
    let st = state(&path, &args.tz, |c| {
        c.max_batch_records = args.max_batch;
        c.max_body_bytes = args.max_body_mib << 20;
        c.secure_cookies = args.secure_cookies;
        c.memory_cube = !args.no_memory_cube;
        c.trusted_proxies = args.trusted_proxies.clone();
    })?;
    relevo_server::run_blocking(args.listen, st, |addr| {
        eprintln!(
            "relevo: serving {} on http://{addr}/ (API under /api/v1, Ctrl-C to stop)",
            path.display()
        );
    })
    .with_context(|| format!("cannot serve on {}", args.listen))?;
    Ok(ExitCode::SUCCESS)
}

/// For `relevo demo`: gives the `demo` account (admin) a fresh random password, then serves the
/// dashboard on `db` at `listen`, printing the address and the login, until Ctrl-C.
pub fn serve_demo(db: &Path, listen: SocketAddr, tz: &str) -> Result<()> {
    let store = relevo_store::open(&db.display().to_string())
        .with_context(|| format!("cannot open database {}", db.display()))?;
    let password = relevo_app::accounts::random_hex().map_err(api_err)?[..16].to_string();
    let now = now_ms();
    let cost = PasswordCost::default();
    let reset = relevo_app::accounts::set_password(&*store, "demo", "demo", &password, cost, now)
        .map_err(api_err)?;
    if !reset {
        relevo_app::accounts::add_user(
            &*store,
            "demo",
            &relevo_app::accounts::NewUser {
                name: "demo",
                password: &password,
                role: Role::Admin,
                provider: None,
            },
            cost,
            now,
        )
        .map_err(api_err)?;
    }
    drop(store);
    let st = state(db, tz, |_| {})?;
    relevo_server::run_blocking(listen, st, |addr| {
        println!();
        println!("Dashboard: http://{addr}/  (log in as demo / {password}; Ctrl-C to stop)");
        println!("API:       http://{addr}/api/v1/openapi.json");
    })
    .with_context(|| format!("cannot serve on {listen}"))?;
    Ok(())
}

fn api_err(e: relevo_app::Error) -> anyhow::Error {
    anyhow::anyhow!(e.to_string())
}

fn now_ms() -> i64 {
    (relevo_server::system_clock())()
}
