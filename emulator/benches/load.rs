//! The emulator under load, on loopback: run starts with 2 ad-hoc webhooks each, webhook
//! deliveries to a local receiver, the latency from a run's state change to delivery,
//! `POST /v2/webhooks` registrations, and memory before and after many finished dispatches.
//!
//! `cargo bench -p apify-webhooks-emulator --bench load` (add `-- --quick` for a smoke run,
//! `-- --markdown` for the table `bench/run.sh` puts in BENCHMARKS.md). Every phase is bounded
//! in count and in time.

#[path = "load/scenario.rs"]
mod scenario;

#[global_allocator]
static ALLOCATOR: scenario::CountingAllocator = scenario::CountingAllocator;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let markdown = args.iter().any(|a| a == "--markdown");
    let sizes = if quick {
        scenario::Sizes::QUICK
    } else {
        scenario::Sizes::FULL
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let report = rt.block_on(scenario::run(sizes));
    match report {
        Ok(report) if markdown => print!("{}", report.markdown()),
        Ok(report) => print!("{}", report.text()),
        Err(e) => {
            eprintln!("load bench failed: {e}");
            std::process::exit(1);
        }
    }
}
