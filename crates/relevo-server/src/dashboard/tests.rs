//! Dashboard building blocks: both languages for every word, language negotiation, escaping, and
//! the SVG charts' structure.

use super::html::{enc, esc, query};
use super::i18n::{Lang, TEXTS};
use super::svg::{Size, SlPoint, sl_chart, sparkline};

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
        include_str!("i18n.rs"),
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
        // Keys chosen in a `match` (channels, roles, states, events, methods, notes) and looked
        // up afterwards: every such literal names a word of the table.
        for part in src.split("=> \"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            let looked_up = [
                "ch_", "role_", "st_", "ev_", "m_", "note_", "tr_", "verdict_",
            ]
            .iter()
            .any(|p| key.starts_with(p));
            if looked_up {
                assert!(
                    TEXTS.iter().any(|(k, _, _)| *k == key),
                    "missing text {key:?}"
                );
            }
        }
    }
    for c in relevo_core::Channel::ALL {
        assert!(!Lang::Es.channel(*c).starts_with("ch_"), "{c}");
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
    assert_eq!(
        s.matches("<circle").count(),
        2,
        "the lone point, and the last value marked"
    );
    assert_eq!(s.matches("class=\"last\"").count(), 1);
    let points: Vec<SlPoint> = [(Some(0.9), 10), (Some(0.5), 20), (None, 0)]
        .into_iter()
        .enumerate()
        .map(|(i, (sl, n))| SlPoint {
            label: format!("p{i}"),
            service_level: sl,
            offered: n,
        })
        .collect();
    let ticks = [(0, "00:00".to_string()), (2, "12:00".to_string())];
    let c = sl_chart(Lang::En, &points, &ticks, 0.8, Size::WIDE, "title", "desc");
    assert!(c.contains("<title id=\"sl-chart-title\">title</title>"));
    assert_eq!(c.matches("<rect").count(), 3);
    assert_eq!(c.matches("class=\"target\"").count(), 1);
    assert_eq!(c.matches("class=\"tick\"").count(), 2, "the caller's ticks");
    assert!(
        c.contains("<title>p1: 50.0 %</title>"),
        "the missed period has its own mark"
    );
    let es = sl_chart(Lang::Es, &points, &ticks, 0.8, Size::NARROW, "t", "d");
    assert!(es.contains("id=\"sl-chart-narrow\"") && es.contains("<title>p1: 50,0 %</title>"));
}

fn zoned(text: &str) -> Vec<jiff::Zoned> {
    let tz = jiff::tz::TimeZone::get("Europe/Madrid").unwrap();
    let start: jiff::civil::DateTime = text.parse().unwrap();
    let start = start.to_zoned(tz).unwrap();
    (0..)
        .map(|k| {
            start
                .checked_add(jiff::Span::new().minutes(15 * k))
                .unwrap()
        })
        .take(96 * 7)
        .collect()
}

#[test]
fn chart_ticks_fall_at_whole_hours_and_days() {
    use relevo_metrics::Granularity;
    // One day of quarter hours starting 00:00: every two hours on a wide chart, six on a phone.
    let day = zoned("2026-10-01T00:00");
    let day = &day[..96];
    let wide = super::ticks(Lang::En, day, Granularity::Interval, 12);
    assert_eq!(wide.len(), 12);
    assert!(wide.iter().all(|(i, _)| i % 8 == 0), "{wide:?}");
    assert_eq!(wide[0].1, "Oct 1", "midnight is named by its date");
    assert_eq!(wide[1].1, "02:00");
    let narrow = super::ticks(Lang::Es, day, Granularity::Interval, 5);
    let labels: Vec<&str> = narrow.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["01/10", "06:00", "12:00", "18:00"]);
    // A week by the hour, starting at 13:00 (not a whole day): ticks at midnights only.
    let hours: Vec<jiff::Zoned> = zoned("2026-10-01T13:00")
        .into_iter()
        .step_by(4)
        .take(24 * 7)
        .collect();
    let week = super::ticks(Lang::En, &hours, Granularity::Hour, 12);
    assert!(
        week.iter()
            .all(|(i, _)| hours[*i].hour() == 0 && hours[*i].minute() == 0),
        "{week:?}"
    );
    assert_eq!(week.len(), 7);
    assert_eq!(week[0].1, "Oct 2");
}

#[test]
fn spanish_numbers_dates_durations_and_channels() {
    use relevo_core::{Channel, Kpi};
    assert_eq!(Lang::Es.money(542_485), "5.424,85");
    assert_eq!(Lang::En.money(542_485), "5,424.85");
    assert_eq!(Lang::Es.money(-5), "-0,05");
    assert_eq!(Lang::Es.kpi_value(Kpi::ServiceLevel, 0.684), "68,4 %");
    assert_eq!(Lang::Es.kpi_value(Kpi::CsatMean, 4.256), "4,26");
    assert_eq!(Lang::En.kpi_value(Kpi::AhtS, 19_149.0), "5 h 19 min");
    assert_eq!(Lang::Es.secs(Some(334.4)), "334 s");
    assert_eq!(Lang::Es.channel(Channel::Email), "correo electrónico");
    let d = jiff::civil::date(2026, 10, 1);
    assert_eq!(Lang::Es.date(d), "01/10/2026");
    assert_eq!(Lang::En.date(d), "2026-10-01");
    assert_eq!(
        super::i18n::parse_date("1/10/2026").as_deref(),
        Some("2026-10-01")
    );
    assert_eq!(
        super::i18n::parse_date(" 2026-10-01 ").as_deref(),
        Some("2026-10-01")
    );
    assert_eq!(super::i18n::parse_date("31/02/2026"), None);
    assert_eq!(super::i18n::parse_date("10/01"), None);
}
