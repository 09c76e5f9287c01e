//! Unit tests: the chat and backlog approximations.

use super::*;

#[test]
fn chat_divides_by_concurrency() {
    assert_eq!(chat_effective_aht_s(300.0, 1.0).unwrap(), 300.0);
    assert_eq!(chat_effective_aht_s(300.0, 3.0).unwrap(), 100.0);
    assert!(chat_effective_aht_s(300.0, 0.5).is_err());
    assert!(chat_effective_aht_s(0.0, 2.0).is_err());
}

#[test]
fn backlog_is_workload_over_productive_time() {
    // 8 hours of work in a 1-hour interval at full occupancy: 8 agents.
    assert_eq!(backlog_agents(96.0, 300.0, 3_600.0, 1.0).unwrap(), 8.0);
    assert_eq!(backlog_agents(0.0, 300.0, 3_600.0, 0.8).unwrap(), 0.0);
    assert!(backlog_agents(10.0, 300.0, 0.0, 0.8).is_err());
    assert!(backlog_agents(10.0, 300.0, 3_600.0, 0.0).is_err());
    assert!(backlog_agents(-1.0, 300.0, 3_600.0, 0.8).is_err());
}
