//! HTML building with escaping: a page layout (skip link, navigation, language switch, footer), and
//! small helpers. Plain string building; every interpolated value goes through [`esc`].

use super::i18n::Lang;
use crate::auth::Caller;
use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query or path component.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A query string from pairs (empty values left out).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

const CSS: &str = r#"
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#d0d0d0;--accent:#0b4f8a;--miss:#a4001d;--ok:#1b5e20;--bar:#9cc3e6}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
header{background:#0b2e4f;color:#fff;padding:.5rem 1rem}
header a,header button{color:#fff}
header nav{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;max-width:84rem;margin:0 auto}
header .brand{font-weight:700;text-decoration:none;font-size:1.15rem;display:inline-flex;align-items:center;gap:.4rem}
header .who{margin-left:auto;font-size:.9rem}
header form{display:inline}
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.15rem .6rem;font:inherit;cursor:pointer}
main{max-width:84rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
form.period{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin-bottom:1rem}
form label{display:flex;flex-direction:column;font-size:.9rem;color:var(--muted)}
input,select,button{font:inherit;padding:.3rem .5rem;border:1px solid #767676;border-radius:4px;color:var(--fg);background:#fff;max-width:100%}
input[type=text].date{width:9.5em}
button.primary{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;vertical-align:top}
th:first-child,td:first-child{text-align:left}
th[scope=row]{white-space:normal;min-width:8rem}
td.text{text-align:left;white-space:normal}
thead th{font-size:.85rem;color:var(--muted);vertical-align:bottom}
td.miss{color:var(--miss);font-weight:600}
.flag{font-size:.75rem;font-weight:600;display:block}
.tgt{display:block;font-size:.75rem;color:var(--muted);font-weight:400}
.v{display:inline-block}
.spark{vertical-align:middle}
.note{color:var(--muted);font-size:.9rem}
th .note{display:block;font-size:.8rem;font-weight:400}
.chart{max-width:100%;height:auto;display:block}
.chart.timeline{max-width:48rem}
figure{margin:0 0 .5rem}
th.text{text-align:left}
.narrow-only{display:none}
.legend{font-size:.85rem;color:var(--muted)}
.error{color:var(--miss);font-weight:600}
ul.queues{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;padding:0;list-style:none}
footer{max-width:84rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.85rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){
body{font-size:15px}
header .who{margin-left:0}
main{padding:.75rem}
.wide-only{display:none}.narrow-only{display:block}
table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.cards,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
table.cards tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.25rem .6rem}
table.cards th,table.cards td{white-space:normal;padding:.25rem 0;min-width:0}
table.cards th[scope=row],table.cards td:first-child{border-bottom:1px solid var(--line);font-size:1.05rem}
table.cards td{display:flow-root;text-align:right;border-bottom:0}
table.cards td::before{content:attr(data-label);float:left;margin-right:1rem;text-align:left;color:var(--muted);font-weight:400;font-size:.9rem}
table.cards td:first-child::before{content:none}
table.cards td.text{text-align:left}
table.cards td.text::before{float:none;display:block}
}
"#;

/// The dashboard's icon: a hand-over arrow on the header's blue, served at `/favicon.svg` (and
/// `/favicon.ico`) and drawn in the header.
pub const FAVICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b2e4f"/><path d="M7 12h14l-4-4M25 20H11l4 4" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>"##;

/// The periodic reload, served as a file (`/refresh.js`) so the pages need no inline script.
pub const REFRESH_JS: &str = r#"(function(){var c=document.getElementById('auto-refresh');if(!c)return;var t;c.checked=localStorage.getItem('relevo-refresh')==='1';function s(){clearTimeout(t);localStorage.setItem('relevo-refresh',c.checked?'1':'0');if(c.checked)t=setTimeout(function(){location.reload()},60000)}c.addEventListener('change',s);s()})();"#;

/// What a page needs to draw its frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// The current path and query without `lang` (for the language switch).
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub caller: Option<&'a Caller>,
}

/// A whole page around `body`.
pub fn page(f: &Frame<'_>, body: &str) -> String {
    let l = f.lang;
    let mut out = String::with_capacity(body.len() + 6_000);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · relevo</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <style>{CSS}</style></head><body>\
         <a class=\"skip\" href=\"#main\">{}</a><header><nav aria-label=\"{}\">\
         <a class=\"brand\" href=\"/overview\"><img src=\"/favicon.svg\" alt=\"\" width=\"22\" height=\"22\">relevo</a>",
        l.code(),
        esc(f.title),
        l.t("skip"),
        l.t("nav"),
    );
    if let Some(c) = f.caller {
        let _ = write!(
            out,
            "<a href=\"/overview\">{}</a><a href=\"/planning\">{}</a>",
            l.t("overview"),
            l.t("planning")
        );
        if c.principal.role != relevo_store::Role::Provider {
            let _ = write!(out, "<a href=\"/transitions\">{}</a>", l.t("tr_title"));
        }
        let mut q: Vec<(&str, &str)> = f.query.to_vec();
        let other = l.other();
        q.push(("lang", other.code()));
        let _ = write!(
            out,
            "<a href=\"{}{}\" hreflang=\"{}\" lang=\"{}\" id=\"lang-switch\">{}</a>",
            esc(f.path),
            esc(&query(&q)),
            other.code(),
            other.code(),
            l.t("switch_lang")
        );
        let csrf = match &c.via {
            crate::auth::Via::Session { csrf } => csrf.as_str(),
            crate::auth::Via::Token => "",
        };
        let _ = write!(
            out,
            "<span class=\"who\">{} <strong>{}</strong> ({})</span>\
             <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">{}</button></form>",
            l.t("signed_in_as"),
            esc(c.principal.actor.trim_start_matches("user:")),
            esc(l.role(c.principal.role)),
            esc(csrf),
            l.t("logout")
        );
    } else {
        let mut q: Vec<(&str, &str)> = f.query.to_vec();
        q.push(("lang", l.other().code()));
        let _ = write!(
            out,
            "<a href=\"{}{}\" hreflang=\"{}\" lang=\"{}\" id=\"lang-switch\">{}</a>",
            esc(f.path),
            esc(&query(&q)),
            l.other().code(),
            l.other().code(),
            l.t("switch_lang")
        );
    }
    let _ = write!(
        out,
        "</nav></header><main id=\"main\">{body}</main><footer><p>{}</p>",
        l.t("targets_note")
    );
    if f.caller.is_some() {
        let _ = write!(
            out,
            "<p><label><input type=\"checkbox\" id=\"auto-refresh\"> {}</label></p>",
            l.t("refresh")
        );
    }
    let _ = write!(
        out,
        "</footer><script src=\"/refresh.js\" defer></script></body></html>"
    );
    out
}
