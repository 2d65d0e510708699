//! The control plane at scale: `cargo run --profile bench -p kubeplay-sim --example scale -- WORKERS REPLICAS`
//! builds a cluster of WORKERS nodes, creates a Deployment of REPLICAS pods, waits until
//! they run, rolls it to a new image, and prints wall time, store changes per second and
//! peak memory (the figures BENCHMARKS.md records for the 5,000-node scenario). The same
//! scenario runs in headless Chromium in `tests/scale.rs`. With `--hash` it also prints a
//! hash of the final snapshot, so a change meant to be only faster can be checked to leave
//! the cluster's history as it was.

use std::time::Instant;

/// The simulator allocates and frees many small objects (every store change copies
/// one); mimalloc does that at about two thirds of the system allocator's cost here. The
/// page's wasm keeps Rust's own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Peak resident memory of this process in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok()).map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<u32> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let hash = std::env::args().any(|a| a == "--hash");
    let (workers, replicas) = (args.first().copied().unwrap_or(200), args.get(1).copied().unwrap_or(2000));
    let start = Instant::now();
    let (report, cluster) = kubeplay_sim::scale::run(workers, replicas, &|| start.elapsed().as_secs_f64() * 1000.0);
    print!("{}", report.lines(&format!("{:.0} MiB", peak_rss_mib())));
    println!("unsettled instants   {}", cluster.overruns());
    if hash {
        // FNV-1a over the snapshot: the objects, the controllers' and kubelets' state.
        let h = cluster.snapshot().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
        println!("snapshot hash        {h:016x}");
    }
    // Freeing millions of objects one by one takes seconds; the process ends here anyway.
    std::mem::forget(cluster);
}
