//! The manifest parser never panics: any bytes, read as UTF-8 (lossy), as a manifest file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = kubeplay_sim::manifest::parse_manifest(&text, "fuzz.yaml");
});
