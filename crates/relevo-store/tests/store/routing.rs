//! Router states and decision counts survive a reopen; counts add up across flushes.

use crate::support::Db;
use relevo_store::{NewTransition, RouterStateSave, RoutingCount};

#[test]
fn states_and_counts_accumulate_and_survive_a_reopen() {
    let db = Db::new("routing");
    let count = |n: i64, provider: &str| RoutingCount {
        transition_id: 1,
        channel: "voice".into(),
        phase_start_ms: 0,
        phase_name: "pilot".into(),
        hour_ms: 3_600_000,
        provider: provider.into(),
        reason: "share".into(),
        count: n,
    };
    {
        let mut store = db.open();
        let id = store
            .create_transition(
                &NewTransition {
                    name: "t",
                    queue: "billing",
                    from_provider: "a",
                    to_provider: "b",
                    plan: "",
                    state: "{}",
                },
                "test",
                0,
            )
            .unwrap();
        assert_eq!(id, 1);
        assert_eq!(store.router_state(1).unwrap(), None);
        let save = |bytes: &'static [u8], decisions| RouterStateSave {
            transition_id: 1,
            state: bytes,
            decisions,
        };
        store
            .save_routing(&[save(b"one", 3)], &[count(2, "a"), count(1, "b")], 10)
            .unwrap();
        store
            .save_routing(&[save(b"two", 5)], &[count(2, "a")], 20)
            .unwrap();
    }
    let store = db.open();
    assert_eq!(store.router_state(1).unwrap(), Some((b"two".to_vec(), 5)));
    assert_eq!(
        store.routing_counts(1).unwrap(),
        vec![count(4, "a"), count(1, "b")]
    );
}
