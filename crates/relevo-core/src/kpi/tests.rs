use super::*;

#[test]
fn every_kpi_round_trips_through_its_name() {
    for k in Kpi::ALL {
        assert_eq!(k.as_str().parse::<Kpi>(), Ok(k), "{k:?}");
        assert_eq!(k.to_string(), k.as_str());
        assert_eq!(format!(" {} ", k.as_str()).parse::<Kpi>(), Ok(k));
    }
    assert_eq!(
        Kpi::names(Kpi::ALL).map(|n| n.parse::<Kpi>()),
        Kpi::ALL.map(Ok)
    );
}

#[test]
fn names_are_distinct_snake_case() {
    let names = Kpi::names(Kpi::ALL);
    for (i, n) in names.iter().enumerate() {
        assert!(
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{n:?}"
        );
        assert!(!names[..i].contains(n), "{n:?} twice");
    }
}

#[test]
fn the_report_is_every_kpi_but_the_contract_only_one() {
    assert_eq!(Kpi::REPORT[..], Kpi::ALL[..14]);
    assert_eq!(Kpi::ALL[14], Kpi::BusinessResponseWithin);
}

#[test]
fn unknown_names_list_the_known_ones() {
    assert_eq!(
        "sl".parse::<Kpi>(),
        Err(
            "unknown KPI \"sl\" (expected one of: service_level, asa_s, abandon_rate, aht_s, \
             talk_s, hold_s, acw_s, p90_answer_s, transfer_rate, csat_top2, csat_mean, nps, \
             qa_mean, fcr, business_response_within)"
                .to_string()
        )
    );
    // Names are case-sensitive, as in contract and plan files.
    assert!("Service_Level".parse::<Kpi>().is_err());
    assert_eq!(
        Kpi::parse_among("talk_s", &[Kpi::ServiceLevel, Kpi::AsaS]),
        Err("unknown KPI \"talk_s\" (expected one of: service_level, asa_s)".to_string())
    );
    assert_eq!(
        Kpi::parse_among("asa_s", &[Kpi::ServiceLevel, Kpi::AsaS]),
        Ok(Kpi::AsaS)
    );
}

/// Abbreviations used as they are in both languages.
const SAME_IN_EN_AND_ES: [Kpi; 2] = [Kpi::CsatTop2, Kpi::Nps];

#[test]
fn every_kpi_has_an_english_and_a_spanish_name() {
    for k in Kpi::ALL {
        let (en, es) = (k.display_name(Lang::En), k.display_name(Lang::Es));
        assert!(!en.trim().is_empty() && !es.trim().is_empty(), "{k:?}");
        if SAME_IN_EN_AND_ES.contains(&k) {
            assert_eq!(en, es, "{k:?}");
        } else {
            assert_ne!(en, es, "{k:?}: not translated");
        }
    }
    for lang in Lang::ALL {
        let names: Vec<&str> = Kpi::ALL.iter().map(|k| k.display_name(lang)).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{lang:?}: {n:?} names two KPIs");
        }
    }
}

/// The vocabulary as a table: name, direction, unit, range, volume, a formatted value, names.
fn table() -> String {
    let mut out = String::new();
    for k in Kpi::ALL {
        let (lo, hi) = k.range();
        let hi = if hi == f64::MAX {
            "∞".to_string()
        } else {
            hi.to_string()
        };
        let sample = match k.unit() {
            Unit::Ratio => 0.8125,
            Unit::Seconds => 20.5,
            Unit::Score => 4.256,
        };
        out.push_str(&format!(
            "{} | {} | {:?} [{lo}, {hi}] | {} | {} | {} | {}\n",
            k,
            if k.higher_is_better() {
                "higher"
            } else {
                "lower"
            },
            k.unit(),
            k.volume().noun(),
            k.format(sample),
            k.display_name(Lang::En),
            k.display_name(Lang::Es),
        ));
    }
    out
}

#[test]
fn the_vocabulary() {
    assert_eq!(
        table(),
        "\
service_level | higher | Ratio [0, 1] | offered | 81.2 % | Service level | Nivel de servicio
asa_s | lower | Seconds [0, ∞] | answered | 20 s | ASA | TMR
abandon_rate | lower | Ratio [0, 1] | offered | 81.2 % | Abandoned | Abandono
aht_s | lower | Seconds [0, ∞] | answered | 20 s | AHT | TMO
talk_s | lower | Seconds [0, ∞] | answered | 20 s | Talk time | Tiempo de conversación
hold_s | lower | Seconds [0, ∞] | answered | 20 s | Hold time | Tiempo en espera
acw_s | lower | Seconds [0, ∞] | answered | 20 s | After-contact work | Trabajo posterior al contacto
p90_answer_s | lower | Seconds [0, ∞] | answered | 20 s | 90th percentile answer time | Percentil 90 del tiempo de respuesta
transfer_rate | lower | Ratio [0, 1] | answered | 81.2 % | Transfer rate | Tasa de transferencia
csat_top2 | higher | Ratio [0, 1] | surveys | 81.2 % | CSAT | CSAT
csat_mean | higher | Score [1, 5] | surveys | 4.26 | Mean CSAT | CSAT medio
nps | higher | Score [-100, 100] | nps answers | 4.3 | NPS | NPS
qa_mean | higher | Score [0, 100] | qa evaluations | 4.3 | Mean QA score | Puntuación media de calidad
fcr | higher | Ratio [0, 1] | fcr-eligible | 81.2 % | First-contact resolution | Resolución en el primer contacto
business_response_within | higher | Ratio [0, 1] | judged | 81.2 % | Response within business hours | Respuesta en horas hábiles
"
    );
}
