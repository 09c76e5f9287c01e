//! Written rows read back into the same records.

use super::*;
use crate::{CsvRows, Item, Options};
use relevo_core::{Channel, Outcome};

fn full() -> ContactRecord {
    ContactRecord {
        answered_at_ms: Some(1_790_812_812_000),
        ended_at_ms: Some(1_790_813_100_500),
        talk_ms: Some(240_500),
        hold_ms: Some(0),
        acw_ms: Some(47_250),
        agent: Some("a-17".into()),
        customer: Some("+34600111222".into()),
        reason: Some("billing".into()),
        resolved: Some(true),
        transferred: Some(false),
        csat: Some(4),
        nps: Some(9),
        qa_milli: Some(87_500),
        language: Some("es".into()),
        updated_at_ms: 1_790_900_000_000,
        ..ContactRecord::new(
            "c-1, \"quoted\"",
            "sur-contact",
            "billing-es",
            Channel::Voice,
            1_790_812_800_123,
            Outcome::Answered,
        )
    }
}

fn round_trip(records: &[ContactRecord]) -> Vec<ContactRecord> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(canonical_header()).unwrap();
    for r in records {
        w.write_record(canonical_fields(r)).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    CsvRows::new(&bytes[..], &Options::default())
        .unwrap()
        .map(|item| match item {
            Item::Record(r) => *r,
            other => panic!("not a record: {other:?}"),
        })
        .collect()
}

#[test]
fn written_records_read_back_the_same() {
    let f = full();
    let abandoned = ContactRecord {
        abandoned_at_ms: Some(1_790_812_830_000),
        updated_at_ms: f.updated_at_ms,
        ..ContactRecord::new(
            "c-2",
            f.provider.clone(),
            f.queue.clone(),
            Channel::Chat,
            f.arrived_at_ms,
            Outcome::Abandoned,
        )
    };
    let records = vec![full(), abandoned];
    assert_eq!(round_trip(&records), records);
}

#[test]
fn thousandths_are_exact_decimals() {
    assert_eq!(thousandths(90_000), "90");
    assert_eq!(thousandths(1_500), "1.5");
    assert_eq!(thousandths(1_005), "1.005");
    assert_eq!(thousandths(-250), "-0.25");
    assert_eq!(thousandths(0), "0");
}
