//! `kubectl create secret tls`: the Secret kubectl builds from a certificate and its key
//! in the console's files, and kubectl's messages when a flag, a file or the pair is
//! wrong. Every expected text was printed by kubectl 1.28 (`kubectl.1.28`, with
//! `--dry-run=client`) from the files in `tests/tls/`.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::CommandOutput;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

/// The certificates and keys, as `tests/tls/` holds them.
const FILES: &[(&str, &str)] = &[
    ("rsa.crt", include_str!("tls/rsa.crt")),
    ("rsa.key", include_str!("tls/rsa.key")),
    ("rsa1.key", include_str!("tls/rsa1.key")),
    ("rsa2.key", include_str!("tls/rsa2.key")),
    ("ec.crt", include_str!("tls/ec.crt")),
    ("ec.key", include_str!("tls/ec.key")),
    ("ecsec1.key", include_str!("tls/ecsec1.key")),
    ("ec2.key", include_str!("tls/ec2.key")),
    ("trailing.crt", include_str!("tls/trailing.crt")),
    ("truncated.crt", include_str!("tls/truncated.crt")),
    ("version.crt", include_str!("tls/version.crt")),
    ("trunc.key", include_str!("tls/trunc.key")),
];

/// A cluster and a console whose working directory holds [`FILES`] and a directory `certs`.
fn console() -> (Cluster, Shell) {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    for (name, text) in FILES {
        assert_eq!(s.run(&mut c, &format!("cat > {name} <<'EOF'\n{text}EOF"), Duration(0)).exit_code, 0, "{name}");
    }
    s.run(&mut c, "mkdir certs", Duration(0));
    (c, s)
}

fn sh(c: &mut Cluster, s: &mut Shell, line: &str) -> CommandOutput {
    s.run(c, line, Duration::seconds(60))
}

#[test]
fn the_secret_is_the_one_kubectl_builds() {
    let (mut c, mut s) = console();
    let yaml = sh(&mut c, &mut s, "kubectl create secret tls web-tls --cert=rsa.crt --key=rsa.key --dry-run=client -o yaml");
    assert_eq!((yaml.stdout.as_str(), yaml.stderr.as_str(), yaml.exit_code), (include_str!("tls/web-tls.yaml"), "", 0));
    let json = sh(&mut c, &mut s, "kubectl create secret tls web-tls --cert=ec.crt --key=ec.key -n shop --dry-run=client -o json");
    assert_eq!(json.stdout, include_str!("tls/web-tls-shop.json"));
    assert_eq!(sh(&mut c, &mut s, "kubectl create secret tls web-tls --cert=ec.crt --key=ec.key --dry-run=client").stdout, "secret/web-tls created (dry run)\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl create secret tls x --cert=ec.crt --key=ec.key --dry-run=client -o jsonpath={.type}").stdout, "kubernetes.io/tls");
    assert!(sh(&mut c, &mut s, "kubectl get secrets").stderr.contains("No resources found"), "a client dry run creates nothing");
}

#[test]
fn every_key_form_kubectl_reads_is_accepted() {
    let (mut c, mut s) = console();
    // PKCS #8 and PKCS #1 RSA keys, PKCS #8 and SEC 1 EC keys.
    for (cert, key) in [("rsa.crt", "rsa.key"), ("rsa.crt", "rsa1.key"), ("ec.crt", "ec.key"), ("ec.crt", "ecsec1.key")] {
        let out = sh(&mut c, &mut s, &format!("kubectl create secret tls x --cert={cert} --key={key} --dry-run=client -o name"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("secret/x\n", ""), "{cert} {key}");
    }
}

#[test]
fn the_secret_is_created_and_listed() {
    let (mut c, mut s) = console();
    assert_eq!(sh(&mut c, &mut s, "kubectl create secret tls web-tls --cert=ec.crt --key=ec.key").stdout, "secret/web-tls created\n");
    let table = sh(&mut c, &mut s, "kubectl get secret web-tls").stdout;
    assert_eq!(table, "NAME      TYPE                DATA   AGE\nweb-tls   kubernetes.io/tls   2      0s\n");
    let key = sh(&mut c, &mut s, "kubectl get secret web-tls -o jsonpath='{.data.tls\\.key}' | base64 -d").stdout;
    assert_eq!(key, include_str!("tls/ec.key"));
}

#[test]
fn mistakes_get_kubectls_messages() {
    let (mut c, mut s) = console();
    let cases = [
        ("kubectl create secret tls web-tls", "error: key and cert must be specified\n"),
        ("kubectl create secret tls web-tls --cert=rsa.crt", "error: key and cert must be specified\n"),
        ("kubectl create secret tls web-tls --cert= --key=rsa.key", "error: key and cert must be specified\n"),
        ("kubectl create secret tls --cert=rsa.crt --key=rsa.key", "error: exactly one NAME is required, got 0\nSee 'kubectl create secret tls -h' for help and examples\n"),
        ("kubectl create secret tls a b --cert=rsa.crt --key=rsa.key", "error: exactly one NAME is required, got 2\nSee 'kubectl create secret tls -h' for help and examples\n"),
        ("kubectl create secret tls x --cert=nope.crt --key=rsa.key", "error: Cannot read file nope.crt, open nope.crt: no such file or directory\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=nope.key", "error: Cannot read file nope.key, open nope.key: no such file or directory\n"),
        ("kubectl create secret tls x --cert=certs --key=rsa.key", "error: Cannot read file certs, read certs: is a directory\n"),
        ("kubectl create secret tls x --cert=nope.crt --key=rsa.key -o bogus", "error: unable to match a printer suitable for the output format \"bogus\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"),
        ("kubectl create secret tls x --cert=nope.crt --dry-run=bogus", "error: Invalid dry-run value (bogus). Must be \"none\", \"server\", or \"client\".\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=rsa.key --type=Opaque", "error: unknown flag: --type\nSee 'kubectl create secret tls --help' for usage.\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=rsa.key --from-literal=a=b", "error: unknown flag: --from-literal\nSee 'kubectl create secret tls --help' for usage.\n"),
        ("kubectl create secret generic x --cert=rsa.crt", "error: unknown flag: --cert\nSee 'kubectl create secret generic --help' for usage.\n"),
        // The pair.
        ("kubectl create secret tls x --cert=rsa.key --key=rsa.key", "error: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=rsa.crt", "error: tls: found a certificate rather than a key in the PEM for the private key\n"),
        ("kubectl create secret tls x --cert=certs/../rsa.crt --key=rsa2.key", "error: tls: private key does not match public key\n"),
        ("kubectl create secret tls x --cert=ec.crt --key=ec2.key", "error: tls: private key does not match public key\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=ec.key", "error: tls: private key type does not match public key type\n"),
        ("kubectl create secret tls x --cert=trailing.crt --key=ec.key", "error: x509: trailing data\n"),
        ("kubectl create secret tls x --cert=truncated.crt --key=ec.key", "error: x509: malformed certificate\n"),
        ("kubectl create secret tls x --cert=version.crt --key=ec.key", "error: x509: invalid version\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=trunc.key", "error: tls: failed to parse private key\n"),
    ];
    for (line, expected) in cases {
        let out = sh(&mut c, &mut s, line);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", expected, 1), "{line}");
    }
}

#[test]
fn text_that_is_not_pem_gets_gos_messages() {
    let (mut c, mut s) = console();
    sh(&mut c, &mut s, "echo hello > junk.txt");
    sh(&mut c, &mut s, "cat > pub.pem <<'EOF'\n-----BEGIN PUBLIC KEY-----\naGVsbG8=\n-----END PUBLIC KEY-----\nEOF");
    sh(&mut c, &mut s, "cat > bad64.crt <<'EOF'\n-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\nEOF");
    sh(&mut c, &mut s, "cat pub.pem pub.pem > two.pem");
    let cases = [
        ("kubectl create secret tls x --cert=junk.txt --key=rsa.key", "error: tls: failed to find any PEM data in certificate input\n"),
        ("kubectl create secret tls x --cert=bad64.crt --key=rsa.key", "error: tls: failed to find any PEM data in certificate input\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=junk.txt", "error: tls: failed to find any PEM data in key input\n"),
        ("kubectl create secret tls x --cert=two.pem --key=rsa.key", "error: tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [PUBLIC KEY PUBLIC KEY]\n"),
        ("kubectl create secret tls x --cert=rsa.crt --key=pub.pem", "error: tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [PUBLIC KEY]\n"),
    ];
    for (line, expected) in cases {
        let out = sh(&mut c, &mut s, line);
        assert_eq!((out.stderr.as_str(), out.exit_code), (expected, 1), "{line}");
    }
    // Blocks before the key are passed over; a chain's first certificate is the one checked.
    sh(&mut c, &mut s, "cat pub.pem rsa.key > with-pub.key");
    sh(&mut c, &mut s, "cat rsa.crt ec.crt > chain.crt");
    assert_eq!(sh(&mut c, &mut s, "kubectl create secret tls x --cert=chain.crt --key=with-pub.key --dry-run=client -o name").stdout, "secret/x\n");
}
