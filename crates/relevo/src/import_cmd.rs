//! `relevo import`: files → parsers → one store transaction, with strict or skip-invalid handling.

use crate::cli_util::{open_store, thousands, zone};
use crate::progress::Progress;
use anyhow::{Context, Result, bail};
use relevo_core::ContactRecord;
use relevo_import::{
    CsvRows, CtrRows, Diagnostic, Format, Item, JsonlRows, Mapping, Options, detect_format,
};
use relevo_store::Abort;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// How many problems a strict import lists before it stops reading.
const MAX_PROBLEMS: usize = 10;

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Files to import (all in one transaction)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Set from the global `--db` (see `Cli`)
    #[arg(skip)]
    pub db: Option<PathBuf>,
    /// What the files hold: contacts, or provider hours (see docs/HOURS.md)
    #[arg(long, default_value = "contacts", value_parser = ["contacts", "hours"])]
    pub kind: String,
    /// Input format: auto, csv, jsonl or amazon-connect-ctr
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Provider key for rows that name none (required for Amazon Connect records)
    #[arg(long)]
    pub provider: Option<String>,
    /// Zone for naive timestamps (IANA name)
    #[arg(long, default_value = "UTC", env = "RELEVO_TZ")]
    pub tz: String,
    /// Mapping file (TOML) for CSV files in a provider's own layout
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Import the good rows and write the bad ones, with their reasons, to --rejects
    #[arg(long, requires = "rejects")]
    pub skip_invalid: bool,
    /// Where --skip-invalid writes rejected rows (CSV: file,line,column,value,reason,row)
    #[arg(long, requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
}

/// Records handed from the parsing thread to the storing thread at a time.
const BATCH: usize = 2048;

/// Counts bytes read, for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

struct Source {
    name: String,
    rows: Box<dyn Iterator<Item = Item> + Send>,
}

/// What the parsing thread sends: records in batches, or the order to abandon the import.
enum Msg {
    Batch(Vec<ContactRecord>),
    Abort,
}

/// The storing side of the pipeline: turns batches back into a record stream for the store.
struct Received {
    rx: mpsc::Receiver<Msg>,
    batch: std::vec::IntoIter<ContactRecord>,
    records: Arc<AtomicU64>,
}

impl Iterator for Received {
    type Item = Result<ContactRecord, Abort>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.batch.next() {
                self.records.fetch_add(1, Ordering::Relaxed);
                return Some(Ok(r));
            }
            match self.rx.recv() {
                Ok(Msg::Batch(b)) => self.batch = b.into_iter(),
                Ok(Msg::Abort) => return Some(Err(Abort)),
                Err(_) => return None, // the parsing thread finished
            }
        }
    }
}

/// The record stream the store consumes; it keeps the books on everything that is not a record.
struct Feed {
    sources: std::collections::VecDeque<Source>,
    strict: bool,
    problems: Vec<(String, Diagnostic)>,
    invalid: u64,
    skipped: BTreeMap<String, u64>,
    rejects: Option<csv::Writer<File>>,
    reject_error: Option<anyhow::Error>,
    aborted: bool,
    /// A source could not be read to its end (the import stops in every mode).
    unreadable: bool,
}

impl Iterator for Feed {
    type Item = Result<ContactRecord, Abort>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.aborted {
                return None;
            }
            let Some(src) = self.sources.front_mut() else {
                if self.invalid > 0 && self.strict {
                    self.aborted = true;
                    return Some(Err(Abort));
                }
                return None;
            };
            match src.rows.next() {
                None => {
                    self.sources.pop_front();
                }
                Some(Item::Record(r)) => {
                    if self.strict && self.invalid > 0 {
                        continue; // nothing will be written; keep reading only to list problems
                    }
                    return Some(Ok(*r));
                }
                Some(Item::Skipped(reason)) => *self.skipped.entry(reason).or_default() += 1,
                // The rest of the file cannot be read: importing what came before would miss it.
                Some(Item::Unreadable(d)) => {
                    self.invalid += 1;
                    self.problems.push((src.name.clone(), d));
                    self.unreadable = true;
                    self.aborted = true;
                    return Some(Err(Abort));
                }
                Some(Item::Invalid(d)) => {
                    self.invalid += 1;
                    if self.strict {
                        self.problems.push((src.name.clone(), d));
                        if self.problems.len() >= MAX_PROBLEMS {
                            self.aborted = true;
                            return Some(Err(Abort));
                        }
                    } else if let Some(w) = &mut self.rejects {
                        let column = match (&d.column_index, &d.column) {
                            (Some(i), Some(c)) => format!("{i} ({c})"),
                            (None, Some(c)) => c.clone(),
                            (Some(i), None) => i.to_string(),
                            (None, None) => String::new(),
                        };
                        let res = w.write_record([
                            src.name.as_str(),
                            &d.line.to_string(),
                            &column,
                            d.value.as_deref().unwrap_or(""),
                            &d.reason,
                            d.row.as_deref().unwrap_or(""),
                        ]);
                        if let Err(e) = res {
                            self.reject_error = Some(e.into());
                            self.aborted = true;
                            return Some(Err(Abort));
                        }
                    }
                }
            }
        }
    }
}

impl Feed {
    /// Runs on the parsing thread: sends batches until the sources end, an abort, or the store
    /// stops listening (it failed); returns itself for the books.
    fn pump(mut self, tx: mpsc::SyncSender<Msg>) -> Self {
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(item) = self.next() {
            match item {
                Ok(r) => {
                    batch.push(r);
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if tx.send(Msg::Batch(full)).is_err() {
                            return self;
                        }
                    }
                }
                Err(Abort) => {
                    if !batch.is_empty() {
                        let _ = tx.send(Msg::Batch(std::mem::take(&mut batch)));
                    }
                    let _ = tx.send(Msg::Abort);
                    return self;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(Msg::Batch(batch));
        }
        self
    }
}

fn open_source(
    path: &Path,
    format: Option<Format>,
    opts: &Options,
    counter: &Arc<AtomicU64>,
) -> Result<Source> {
    let name = path.display().to_string();
    let mut head = vec![0u8; 4096];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .with_context(|| format!("cannot read {name}"))?;
    head.truncate(n);
    let format = format.unwrap_or_else(|| detect_format(&name, &head));
    let file = File::open(path).with_context(|| format!("cannot read {name}"))?;
    let reader = Counting {
        inner: file,
        count: counter.clone(),
    };
    // A CSV or JSON-lines row may not be longer than MAX_LINE_BYTES: what a parser buffers stays
    // bounded. Contact trace records are not held to it (Kinesis Firehose writes them one after
    // another on a single line); their parser bounds a whole document instead.
    let limited = |r| relevo_import::LineLimit::new(r, relevo_import::MAX_LINE_BYTES);
    let header_err = |d: Diagnostic| anyhow::anyhow!("{name}: {d}");
    let rows: Box<dyn Iterator<Item = Item> + Send> = match format {
        Format::Csv => Box::new(CsvRows::new(limited(reader), opts).map_err(header_err)?),
        Format::Jsonl => Box::new(
            JsonlRows::new(BufReader::with_capacity(1 << 20, limited(reader)), opts)
                .map_err(header_err)?,
        ),
        Format::AmazonConnectCtr => Box::new(
            CtrRows::new(
                BufReader::with_capacity(1 << 20, reader),
                opts.provider.clone(),
            )
            .map_err(header_err)?,
        ),
    };
    Ok(Source { name, rows })
}

pub fn run(args: &ImportArgs) -> Result<ExitCode> {
    if args.kind == "hours" {
        return run_hours(args);
    }
    let format = match args.format.as_str() {
        "auto" => None,
        f => Some(f.parse::<Format>().map_err(anyhow::Error::msg)?),
    };
    let mapping = match &args.mapping {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read mapping {}", p.display()))?;
            Some(Mapping::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?)
        }
        None => None,
    };
    let opts = Options {
        tz: zone(&args.tz)?,
        provider: args.provider.clone(),
        mapping,
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let mut total_bytes = 0u64;
    let mut sources = std::collections::VecDeque::new();
    for path in &args.files {
        total_bytes += std::fs::metadata(path)
            .map(|m| m.len())
            .with_context(|| format!("cannot read {}", path.display()))?;
        sources.push_back(open_source(path, format, &opts, &bytes)?);
    }
    let rejects_tmp = args.rejects.as_ref().map(|p| p.with_extension("partial"));
    let rejects = match &rejects_tmp {
        Some(tmp) => {
            let mut w = csv::Writer::from_path(tmp)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            w.write_record(["file", "line", "column", "value", "reason", "row"])?;
            Some(w)
        }
        None => None,
    };
    let (mut store, db) = open_store(args.db.as_ref())?;
    let records = Arc::new(AtomicU64::new(0));
    let feed = Feed {
        sources,
        strict: !args.skip_invalid,
        problems: Vec::new(),
        invalid: 0,
        skipped: BTreeMap::new(),
        rejects,
        reject_error: None,
        aborted: false,
        unreadable: false,
    };
    let mut progress = Progress::new("importing");
    // About 100 bytes per record in CSV; the estimate only decides whether to load in bulk.
    let expected_records = total_bytes / 100;
    let source_name = args
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    // Two stages on two threads: parsing and validation here, storing on this thread below.
    let (tx, rx) = mpsc::sync_channel::<Msg>(8);
    let (result, mut feed) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || feed.pump(tx));
        let mut received = Received {
            rx,
            batch: Vec::new().into_iter(),
            records: records.clone(),
        };
        let audit = relevo_store::AuditNote {
            at_ms: crate::cli_util::now_ms(),
            actor: "cli",
            action: "contacts.import",
            detail: &format!("source={source_name}"),
        };
        let result = store.import(
            &source_name,
            expected_records,
            &mut received,
            &mut |_| {
                progress.update(
                    bytes.load(Ordering::Relaxed),
                    total_bytes,
                    records.load(Ordering::Relaxed),
                )
            },
            Some(&audit),
        );
        drop(received); // a failed store stops the parser at its next send
        (result, parser.join().expect("the parsing thread panicked"))
    });
    progress.finish();
    let stats = match result {
        Ok(s) => s,
        Err(relevo_store::StoreError::Aborted) => {
            if let Some(tmp) = &rejects_tmp {
                let _ = std::fs::remove_file(tmp);
            }
            if let Some(e) = feed.reject_error {
                return Err(e.context("cannot write the rejects file; nothing was imported"));
            }
            if feed.unreadable
                && let Some((file, d)) = feed.problems.last()
            {
                bail!("{file}: {d}; nothing was imported (the rest of the file could not be read)");
            }
            let mut msg = format!(
                "{} invalid row{} found; nothing was imported (use --skip-invalid --rejects FILE to import the good rows)",
                if feed.problems.len() >= MAX_PROBLEMS {
                    format!("at least {MAX_PROBLEMS}")
                } else {
                    feed.problems.len().to_string()
                },
                if feed.problems.len() == 1 { "" } else { "s" }
            );
            for (file, d) in &feed.problems {
                msg.push_str(&format!("\n  {file}: {d}"));
            }
            bail!(msg);
        }
        Err(e) => {
            if let Some(tmp) = &rejects_tmp {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(anyhow::Error::new(e).context(format!(
                "import into {} failed; nothing was written",
                db.display()
            )));
        }
    };
    if let (Some(mut w), Some(tmp), Some(dest)) = (feed.rejects.take(), &rejects_tmp, &args.rejects)
    {
        w.flush()
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        drop(w);
        if feed.invalid > 0 {
            std::fs::rename(tmp, dest)
                .with_context(|| format!("cannot write {}", dest.display()))?;
        } else {
            let _ = std::fs::remove_file(tmp);
        }
    }
    let what = match args.files.as_slice() {
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    };
    println!("imported {what} into {}", db.display());
    println!(
        "  {} inserted, {} replaced by a newer version, {} ignored (already stored in this or a newer version)",
        thousands(stats.inserted),
        thousands(stats.replaced),
        thousands(stats.ignored)
    );
    if !feed.skipped.is_empty() {
        let total: u64 = feed.skipped.values().sum();
        let parts: Vec<String> = feed
            .skipped
            .iter()
            .map(|(r, n)| format!("{} {r}", thousands(*n)))
            .collect();
        println!("  {} skipped: {}", thousands(total), parts.join("; "));
    }
    if feed.invalid > 0
        && let Some(dest) = &args.rejects
    {
        println!(
            "  {} rejected rows written to {}",
            thousands(feed.invalid),
            dest.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `relevo import --kind hours`: small files, read whole; strict or skip-invalid like contacts.
fn run_hours(args: &ImportArgs) -> Result<ExitCode> {
    let opts = Options {
        tz: zone(&args.tz)?,
        provider: args.provider.clone(),
        mapping: None,
    };
    let mut rows = Vec::new();
    let mut problems: Vec<(String, Diagnostic)> = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let file = File::open(path).with_context(|| format!("cannot read {name}"))?;
        let (ok, bad) = relevo_import::parse_hours(BufReader::new(file), &opts)
            .map_err(|d| anyhow::anyhow!("{name}: {d}"))?;
        rows.extend(ok.into_iter().map(|r| relevo_store::HoursInput {
            provider: r.provider,
            queue: r.queue,
            start_ms: r.start_ms,
            end_ms: r.end_ms,
            staffed_ms: r.staffed_ms,
            productive_ms: r.productive_ms,
            scheduled_ms: r.scheduled_ms,
        }));
        problems.extend(bad.into_iter().map(|d| (name.clone(), d)));
    }
    if !problems.is_empty() && !args.skip_invalid {
        let mut msg = format!(
            "{} invalid row{} found; nothing was imported (use --skip-invalid --rejects FILE to import the good rows)",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for (file, d) in problems.iter().take(MAX_PROBLEMS) {
            msg.push_str(&format!("\n  {file}: {d}"));
        }
        bail!(msg);
    }
    if let Some(dest) = args.rejects.as_ref().filter(|_| !problems.is_empty()) {
        let mut w = csv::Writer::from_path(dest)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        w.write_record(["file", "line", "column", "value", "reason", "row"])?;
        for (file, d) in &problems {
            let column = d.column.clone().unwrap_or_default();
            w.write_record([
                file.as_str(),
                &d.line.to_string(),
                &column,
                d.value.as_deref().unwrap_or(""),
                &d.reason,
                d.row.as_deref().unwrap_or(""),
            ])?;
        }
        w.flush()?;
    }
    let (mut store, db) = open_store(args.db.as_ref())?;
    let audit = relevo_store::AuditNote {
        at_ms: crate::cli_util::now_ms(),
        actor: "cli",
        action: "hours.import",
        detail: &format!(
            "source={}",
            args.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    };
    let cells = store
        .import_hours(&rows, Some(&audit))
        .with_context(|| format!("import into {} failed; nothing was written", db.display()))?;
    println!(
        "imported {} hours rows ({} quarter hours) into {}",
        thousands(rows.len() as u64),
        thousands(cells),
        db.display()
    );
    if !problems.is_empty()
        && let Some(dest) = &args.rejects
    {
        println!(
            "  {} rejected rows written to {}",
            thousands(problems.len() as u64),
            dest.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
