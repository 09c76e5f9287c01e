//! The server's integration tests: router tests for every endpoint and page (no socket), the role
//! matrix (a provider gets nothing of another provider anywhere), and the end-to-end run in a real
//! headless browser (when Chromium is installed or `RELEVO_BROWSER_TESTS=1`).

mod api;
mod api_contract;
mod browser;
mod contracts;
mod edges;
mod pages;
mod roles;
mod support;
mod transitions;
