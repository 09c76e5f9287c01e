//! `relevo demo` (placeholder replaced below).
use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {}

pub fn run(_: &DemoArgs) -> Result<ExitCode> {
    anyhow::bail!("not yet")
}
