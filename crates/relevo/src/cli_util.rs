//! Small helpers shared by commands: the database location, time zones, date ranges.

use anyhow::{Context, Result, bail};
use jiff::tz::TimeZone;
use std::path::PathBuf;

/// `--db`, else `RELEVO_DB` (clap reads it), else `$XDG_DATA_HOME/relevo/relevo.db`
/// (`~/.local/share/relevo/relevo.db`).
#[allow(clippy::disallowed_methods)] // the binary is the edge that reads the environment
pub fn db_path(arg: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(p) = arg {
        return Ok(p.clone());
    }
    let base = match std::env::var_os("XDG_DATA_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => {
            let home = std::env::var_os("HOME")
                .context("cannot find a default database location: set --db or RELEVO_DB")?;
            PathBuf::from(home).join(".local/share")
        }
    };
    Ok(base.join("relevo").join("relevo.db"))
}

/// Opens an existing store for a command that only reads: a missing database is an error with a
/// hint, never a new empty one (which would report zeros).
pub fn open_existing(arg: Option<&PathBuf>) -> Result<(Box<dyn relevo_store::Store>, PathBuf)> {
    let path = db_path(arg)?;
    let location = path.display().to_string();
    let options = relevo_store::OpenOptions {
        create: false,
        ..Default::default()
    };
    match relevo_store::open_with(&location, &options) {
        Ok(store) => Ok((store, path)),
        Err(relevo_store::StoreError::Missing(_)) => bail!(
            "there is no relevo database at {location}: import data first (relevo import FILE --db {location}), \
             or point --db or RELEVO_DB at an existing database"
        ),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot open database {location}"))),
    }
}

/// Opens the store, creating it (and a SQLite file's folder) when needed (`relevo_store::open`
/// refuses locations it does not support, naming the ones it does).
pub fn open_store(arg: Option<&PathBuf>) -> Result<(Box<dyn relevo_store::Store>, PathBuf)> {
    let path = db_path(arg)?;
    let location = path.display().to_string();
    let file = match location.split_once("://") {
        Some(("sqlite", file)) => Some(std::path::Path::new(file)),
        Some(_) => None,
        None => Some(path.as_path()),
    };
    if let Some(dir) = file.and_then(std::path::Path::parent)
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let store = relevo_store::open(&location)
        .with_context(|| format!("cannot open database {location}"))?;
    Ok((store, path))
}

/// An IANA zone name (`Europe/Madrid`) or `UTC`.
pub fn zone(name: &str) -> Result<TimeZone> {
    Ok(relevo_app::reports::zone(name)?)
}

/// A report bound: a date (a whole day in `tz`; `--to` dates are inclusive) or an RFC 3339 instant.
pub fn bound_ms(text: &str, tz: &TimeZone, is_end: bool, flag: &str) -> Result<i64> {
    Ok(relevo_app::reports::bound_ms(text, tz, is_end, flag)?)
}

/// Thousands separators for counts shown to people.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The clock, in milliseconds since the epoch: the CLI's one reading of it for what it records
/// (audit rows, versions).
#[allow(clippy::disallowed_methods)] // the binary is the edge that reads the clock
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// An error as the command line prints it (`{err:#}`, the causes after colons), where an
/// application error about a field that starts with the field's name names it as the option
/// instead: `horizon "1w": …` reads `--horizon "1w": …`, `target_sl must …` reads `--target-sl must …`.
/// The application layer names fields neutrally, as the API's callers know them.
pub fn describe(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    for cause in err.chain() {
        if let Some(relevo_app::Error::Invalid {
            field: Some(field),
            message,
        }) = cause.downcast_ref::<relevo_app::Error>()
            && !field.starts_with('-')
            && message.starts_with(field.as_str())
        {
            let flagged = format!("--{}{}", field.replace('_', "-"), &message[field.len()..]);
            return text.replacen(message.as_str(), &flagged, 1);
        }
    }
    text
}
