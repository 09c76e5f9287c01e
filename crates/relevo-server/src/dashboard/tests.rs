//! Dashboard building blocks: both languages for every word, language negotiation, escaping, and
//! the SVG charts' structure.

use super::html::{enc, esc, query};
use super::i18n::{Lang, TEXTS};
use super::svg::{SlPoint, sl_chart, sparkline};

#[test]
fn every_word_has_both_languages() {
    for (k, en, es) in TEXTS {
        assert!(!en.is_empty() && !es.is_empty(), "{k}");
    }
    let mut keys: Vec<&str> = TEXTS.iter().map(|(k, _, _)| *k).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "duplicate keys");
    // Every key used by the pages is in the table (a missing key would show itself).
    let sources = [
        include_str!("../dashboard.rs"),
        include_str!("html.rs"),
        include_str!("transitions.rs"),
    ];
    for src in sources {
        for part in src.split(".t(\"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            assert!(
                TEXTS.iter().any(|(k, _, _)| *k == key),
                "missing text {key:?}"
            );
        }
    }
}

#[test]
fn kpi_names_come_from_the_vocabulary() {
    use relevo_core::Kpi;
    let names = |lang: Lang| {
        [
            Kpi::ServiceLevel,
            Kpi::AsaS,
            Kpi::AbandonRate,
            Kpi::AhtS,
            Kpi::CsatTop2,
            Kpi::Nps,
        ]
        .map(|k| lang.kpi(k))
        .join(", ")
    };
    assert_eq!(
        names(Lang::En),
        "Service level, ASA, Abandoned, AHT, CSAT, NPS"
    );
    assert_eq!(
        names(Lang::Es),
        "Nivel de servicio, TMR, Abandono, TMO, CSAT, NPS"
    );
}

#[test]
fn language_negotiation() {
    assert_eq!(
        Lang::from_accept_language("es-ES,es;q=0.9,en;q=0.8"),
        Some(Lang::Es)
    );
    assert_eq!(
        Lang::from_accept_language("fr-FR, en;q=0.5, es;q=0.7"),
        Some(Lang::Es)
    );
    assert_eq!(Lang::from_accept_language("de"), None);
    assert_eq!(Lang::Es.pct(Some(0.8034)), "80,3 %");
    assert_eq!(Lang::En.int(1_234_567), "1,234,567");
    assert_eq!(Lang::Es.int(1_234_567), "1.234.567");
}

#[test]
fn escaping() {
    assert_eq!(
        esc("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(enc("sur contact/ñ"), "sur%20contact%2F%C3%B1");
    assert_eq!(
        query(&[("from", "2026-10-01"), ("lang", "")]),
        "?from=2026-10-01"
    );
}

#[test]
fn charts_describe_themselves_and_mark_misses() {
    let s = sparkline(
        &[Some(0.9), None, Some(0.7), Some(0.75)],
        Some(0.8),
        "SL <acme>",
    );
    assert!(s.contains("role=\"img\"") && s.contains("<title>SL &lt;acme&gt;</title>"));
    assert_eq!(
        s.matches("<path").count(),
        1,
        "a gap splits the line: one point alone is a dot"
    );
    assert_eq!(s.matches("<circle").count(), 1);
    let points: Vec<SlPoint> = [(Some(0.9), 10), (Some(0.5), 20), (None, 0)]
        .into_iter()
        .enumerate()
        .map(|(i, (sl, n))| SlPoint {
            label: format!("p{i}"),
            service_level: sl,
            offered: n,
        })
        .collect();
    let c = sl_chart(&points, 0.8, "title", "desc");
    assert!(c.contains("<title id=\"sl-chart-title\">title</title>"));
    assert_eq!(c.matches("<rect").count(), 3);
    assert_eq!(c.matches("class=\"target\"").count(), 1);
    assert!(
        c.contains("<title>p1: 50.0%</title>"),
        "the missed period has its own mark"
    );
}
