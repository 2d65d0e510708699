//! The console's shell never panics: the input is parsed, checked for completeness and run
//! (never waiting on virtual time) in a fresh shell against a small cluster, built once and
//! cloned per input.
#![no_main]

use kubeplay_sim::clock::Duration;
use kubeplay_sim::shell::{parse, Shell};
use kubeplay_sim::{kubectl, Cluster, ClusterSettings};
use libfuzzer_sys::fuzz_target;

/// Longer inputs only repeat what shorter ones reach, slower.
const MAX_INPUT: usize = 2048;

thread_local! {
    static CLUSTER: Cluster = {
        let mut c = Cluster::new(ClusterSettings::default());
        kubectl::run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
        c.advance(Duration::seconds(20));
        c
    };
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let input = String::from_utf8_lossy(data);
    let _ = parse::parse(&input);
    let _ = Shell::is_incomplete(&input);
    let mut c = CLUSTER.with(Cluster::clone);
    let _ = Shell::default().run(&mut c, &input, Duration(0));
});
