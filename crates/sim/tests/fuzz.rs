//! Parsers never panic: the manifest parser, kubectl's command line and the console's shell
//! get a corpus of real inputs, then thousands of generated ones (seeded, so a failure
//! reproduces): real inputs with bytes cut, repeated and swapped, and token soups built
//! from each grammar's own pieces. A panic fails the test; wrong answers are other tests' job.
//! Longer runs: `KUBEPLAY_FUZZ_SCALE=100 KUBEPLAY_FUZZ_SEED=5 cargo test --release -p
//! kubeplay-sim --test fuzz` (a hundred times the inputs, from another seed).

use kubeplay_sim::clock::Duration;
use kubeplay_sim::manifest::parse_manifest;
use kubeplay_sim::rand::Rng;
use kubeplay_sim::shell::{parse, Shell};
use kubeplay_sim::{Cluster, ClusterSettings};

/// How many times the default number of inputs to try (`KUBEPLAY_FUZZ_SCALE`).
fn scale() -> usize {
    std::env::var("KUBEPLAY_FUZZ_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1)
}

/// The generator for a test, moved by `KUBEPLAY_FUZZ_SEED`.
fn rng(test_seed: u64) -> Rng {
    let extra: u64 = std::env::var("KUBEPLAY_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    Rng::new(test_seed.wrapping_add(extra.wrapping_mul(1_000_003)))
}

/// Real manifests: every file the workshop ships.
fn corpus() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workshop");
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json") {
                out.extend(std::fs::read_to_string(&p));
            }
        }
    }
    out.sort();
    assert!(out.len() > 20, "the workshop's manifests are the corpus");
    out
}

/// A copy of `text` with a few random edits: a cut, a repeated slice, a swapped byte, an
/// inserted character that matters to YAML or the shell.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    const INSERTS: &[u8] = b":-[]{}\"'|>\n\t #&*!%@`$()\\;<";
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() as u64) as usize;
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(20) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let end = (at + 1 + rng.below(40) as usize).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                bytes.splice(at..at, slice);
            }
            2 => bytes[at] = INSERTS[rng.below(INSERTS.len() as u64) as usize],
            _ => bytes.insert(at, INSERTS[rng.below(INSERTS.len() as u64) as usize]),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A line of `n` tokens drawn from `tokens`, joined by spaces or nothing.
fn soup(rng: &mut Rng, tokens: &[&str], n: u64) -> String {
    let mut s = String::new();
    for _ in 0..1 + rng.below(n) {
        s.push_str(tokens[rng.below(tokens.len() as u64) as usize]);
        if rng.below(3) > 0 {
            s.push(' ');
        }
    }
    s
}

#[test]
fn the_manifest_parser_never_panics() {
    let mut rng = rng(7);
    let corpus = corpus();
    for text in &corpus {
        let _ = parse_manifest(text, "corpus.yaml");
    }
    for i in 0..20_000 * scale() {
        let base = &corpus[i % corpus.len()];
        let text = mutate(&mut rng, base);
        let _ = parse_manifest(&text, "mutated.yaml");
    }
}

const KUBECTL: &[&str] = &[
    "kubectl", "get", "describe", "delete", "apply", "create", "run", "scale", "rollout", "status", "undo", "set", "image", "label", "patch", "expose", "autoscale", "top", "logs",
    "pods", "pod/web", "deployment", "deploy/web", "svc", "hpa", "nodes", "all", "web", "-n", "kube-system", "-o", "json", "yaml", "wide", "name", "jsonpath={.items[*].metadata.name}",
    "custom-columns=N:.metadata.name", "-l", "app=web", "app!=x", "-A", "--replicas=3", "--replicas", "-3", "--image=nginx", "--port=80", "--type=NodePort", "-p", "{\"spec\":{}}",
    "--type=json", "[{\"op\":\"remove\"}]", "--dry-run=client", "--", "nginx=nginx:1.26", "-w", "--watch=false", "--to-revision=0", "=", "--", "''", "\"",
];

#[test]
fn kubectl_command_lines_never_panic() {
    let mut rng = rng(11);
    let mut c = Cluster::new(ClusterSettings::default());
    kubeplay_sim::kubectl::run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    c.advance(Duration::seconds(20));
    // Found by cargo-fuzz: a one-dash flag whose character takes more than one byte.
    for found in ["kubectl get -é", "kubectl e -\u{FFFD}", "kubectl expose deployment web --port=8080 -\u{e1}name=web2"] {
        let out = kubeplay_sim::kubectl::run(&mut c, found);
        assert_eq!(out.exit_code, 1, "{found}: {}", out.stderr);
    }
    assert!(kubeplay_sim::kubectl::run(&mut c, "kubectl get -é").stderr.starts_with("error: unknown shorthand flag: 'Ã' in -é\n"), "kubectl 1.28 names the first byte, as Latin-1");
    for _ in 0..10_000 * scale() {
        let line = format!("kubectl {}", soup(&mut rng, KUBECTL, 9));
        let _ = kubeplay_sim::kubectl::run(&mut c, &line);
    }
}

const SHELL: &[&str] = &[
    "echo", "cat", "ls", "cd", "..", "/", "grep", "-v", "x", "head", "-n", "2", "wc", "-l", "jq", ".", ".items[]", "'.a|keys'", "sed", "s/a/b/g", "cut", "-d", ":", "-f1", "sort", "uniq",
    "base64", "-d", "printf", "%s\\n", "watch", "-n", "1", "sleep", "1", "mkdir", "-p", "a/b", "touch", "f", "rm", "-rf", "a", "cp", "mv", "export", "A=1", "$A", "${A}", "$?", "$(", ")", "`",
    "|", "||", "&&", ";", "&", ">", ">>", "<", "2>&1", "2>/dev/null", "<<EOF", "<<'EOF'", "\nEOF\n", "\n", "'", "\"", "\\", "*", "?", "!", "#", "kubectl", "get", "pods", "-o", "json",
];

#[test]
fn the_shell_never_panics_parsing_or_running() {
    let mut rng = rng(13);
    let mut c = Cluster::new(ClusterSettings::default());
    let mut shell = Shell::default();
    for i in 0..10_000 * scale() {
        let line = soup(&mut rng, SHELL, 12);
        let _ = parse::parse(&line);
        let _ = Shell::is_incomplete(&line);
        // Running is slower: every fourth line (and never with a wait on virtual time).
        if i % 4 == 0 {
            let _ = shell.run(&mut c, &line, Duration(0));
        }
    }
    // Every prefix of the workshop's label-experiment idiom.
    let idiom = "POD_HASH=$(kubectl get rs -o json | jq '.items[0].spec.selector.matchLabels.\"pod-template-hash\"')\ncat > patch.yml <<EOF\nmetadata:\n  labels:\n    pod-template-hash: ${POD_HASH}\nEOF\nkubectl patch pod simple --patch \"$(cat patch.yml)\"\n";
    for end in (0..=idiom.len()).filter(|e| idiom.is_char_boundary(*e)) {
        let _ = parse::parse(&idiom[..end]);
        let _ = shell.run(&mut c, &idiom[..end], Duration(0));
    }
}
