//! Runs the load bench's scenario with tiny sizes, so the bench keeps working (and its
//! invariants hold) without a release build in CI: every delivery arrives, none twice, and
//! the finished dispatches are all on disk.

// The bench uses the full sizes, the allocator and the text report; this test does not.
#[allow(dead_code)]
#[path = "../benches/load/scenario.rs"]
mod scenario;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_scenario_delivers_everything_once() {
    let sizes = scenario::Sizes::QUICK;
    let report = tokio::time::timeout(std::time::Duration::from_secs(60), scenario::run(sizes))
        .await
        .expect("the quick scenario finishes within 60 s")
        .expect("the quick scenario runs");
    assert_eq!(report.duplicates, 0);
    // 1 setup run, 2 webhooks per run and per paced run, fan-out webhooks × runs × 2 rounds.
    let expected =
        2 * sizes.runs + 2 * sizes.paced_runs + 2 * sizes.fan_out_webhooks * sizes.fan_out_runs;
    assert_eq!(report.finished_dispatches, expected);
    assert!(report.registrations_per_sec > 0.0 && report.burst_deliveries_per_sec > 0.0);
    assert!(report.markdown().contains("p99 under 20 ms"));
}
