//! kubectl's command line never panics: `kubectl <input>` runs against a small cluster
//! (a Deployment of two ready pods behind a Service), built once and cloned per input so
//! every input starts from the same state and a crash reproduces on its own.
#![no_main]

use kubeplay_sim::clock::Duration;
use kubeplay_sim::{kubectl, Cluster, ClusterSettings};
use libfuzzer_sys::fuzz_target;

/// Longer lines only repeat what shorter ones reach, slower.
const MAX_LINE: usize = 1024;

thread_local! {
    static CLUSTER: Cluster = {
        let mut c = Cluster::new(ClusterSettings::default());
        kubectl::run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
        kubectl::run(&mut c, "kubectl expose deployment web --port=80");
        c.advance(Duration::seconds(20));
        c
    };
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_LINE {
        return;
    }
    let line = format!("kubectl {}", String::from_utf8_lossy(data));
    let _ = kubectl::split_words(&line);
    let mut c = CLUSTER.with(Cluster::clone);
    let _ = kubectl::run(&mut c, &line);
});
