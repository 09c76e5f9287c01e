//! Measuring a window with no contacts gives no values; unknown transitions are `NotFound`.

use super::*;

#[test]
fn an_empty_window_measures_nothing_and_unknown_ids_are_not_found() {
    let dir = std::env::temp_dir().join(format!("relevo-server-tr-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = relevo_store::open(&dir.join("t.db").display().to_string()).unwrap();
    let plan = TransitionPlan::parse(
        "name = \"t\"\nqueue = \"billing\"\nchannels = [\"voice\"]\nfrom = \"a\"\nto = \"b\"\n\
         [[phases]]\nshare = 0.5\n[gate]\nwindow = \"1d\"\n\
         guardrails = [{ kpi = \"service_level\", min = 0.8 }]\n",
        &zones,
    )
    .unwrap();
    let k = measure(&*store, &plan, "b", 0, 86_400_000, 86_400_000).unwrap();
    assert_eq!(k.offered, 0);
    assert!(matches!(load(&*store, 7), Err(RunError::NotFound(_))));
    let _ = std::fs::remove_dir_all(&dir);
}
