//! `kubectl create configmap|secret generic` with the sources of the "Configure a Pod to
//! Use a ConfigMap" tutorial: a whole directory in `--from-file`, and `--from-env-file`.
//! Every expected text was printed by kubectl 1.28 (`--dry-run=client`) from the same files.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::CommandOutput;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

/// A console holding `cfg/` (two properties files and a subdirectory) and env files.
fn console() -> (Cluster, Shell) {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    for line in [
        "mkdir -p cfg/sub",
        "cat > cfg/game.properties <<'EOF'\nenemies=aliens\nlives=3\nEOF",
        "cat > cfg/ui.properties <<'EOF'\ncolor=purple\nEOF",
        "cat > cfg/sub/inner <<'EOF'\nx\nEOF",
        "cat > env.properties <<'EOF'\nenemies=aliens\nlives=3\nallowed=\"true\"\n\n# comment\n   indented=  v  \nempty=\nnovalue\nEOF",
        "cat > env2.properties <<'EOF'\na=1\nlives=4\nEOF",
        "cat > env3.properties <<'EOF'\nexport X=1\nEOF",
    ] {
        assert_eq!(s.run(&mut c, line, Duration(0)).exit_code, 0, "{line}");
    }
    (c, s)
}

fn sh(c: &mut Cluster, s: &mut Shell, line: &str) -> CommandOutput {
    s.run(c, line, Duration::seconds(60))
}

#[test]
fn a_directory_gives_a_key_for_each_of_its_files() {
    let (mut c, mut s) = console();
    let expected = "apiVersion: v1\ndata:\n  game.properties: |\n    enemies=aliens\n    lives=3\n  ui.properties: |\n    color=purple\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: game-config\n";
    for dir in ["cfg/", "cfg"] {
        let out = sh(&mut c, &mut s, &format!("kubectl create configmap game-config --from-file={dir} --dry-run=client -o yaml"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), (expected, ""), "{dir}");
    }
    assert_eq!(sh(&mut c, &mut s, "kubectl create configmap game-config --from-file=cfg/").stdout, "configmap/game-config created\n");
    assert!(sh(&mut c, &mut s, "kubectl get configmap game-config").stdout.contains("game-config   2      0s"));
}

#[test]
fn an_env_file_gives_a_key_for_each_line() {
    let (mut c, mut s) = console();
    let json = sh(&mut c, &mut s, "kubectl create configmap g --from-env-file=env.properties --dry-run=client -o json").stdout;
    assert_eq!(json, "{\n    \"kind\": \"ConfigMap\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"g\",\n        \"creationTimestamp\": null\n    },\n    \"data\": {\n        \"allowed\": \"\\\"true\\\"\",\n        \"empty\": \"\",\n        \"enemies\": \"aliens\",\n        \"indented\": \"  v  \",\n        \"lives\": \"3\",\n        \"novalue\": \"\"\n    }\n}\n");
    let secret = sh(&mut c, &mut s, "kubectl create secret generic g --from-env-file=env.properties --dry-run=client -o yaml").stdout;
    assert_eq!(secret, "apiVersion: v1\ndata:\n  allowed: InRydWUi\n  empty: \"\"\n  enemies: YWxpZW5z\n  indented: ICB2ICA=\n  lives: Mw==\n  novalue: \"\"\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: g\n");
}

#[test]
fn mistakes_get_kubectls_messages() {
    let (mut c, mut s) = console();
    let env_key = "error: \"export X\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n";
    let config_key = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
    let cases = [
        ("kubectl create configmap g --from-file=k=cfg", "error: cannot give a key name for a directory path\n".to_string()),
        ("kubectl create configmap g --from-env-file=env3.properties", env_key.to_string()),
        ("kubectl create configmap g --from-env-file=cfg", "error: env config file cannot be a directory\n".into()),
        ("kubectl create configmap g --from-literal=a=b --from-env-file=env2.properties", "error: from-env-file cannot be combined with from-file or from-literal\n".into()),
        ("kubectl create configmap g --from-env-file=env.properties --from-env-file=env2.properties", "error: cannot add key \"lives\", another key by that name already exists in Data for ConfigMap \"g\"\n".into()),
        ("kubectl create configmap g --from-env-file=env.properties --from-env-file=nope", "error: error reading nope: no such file or directory\n".into()),
        // A ConfigMap reads its files before its literals, a Secret its literals first.
        ("kubectl create configmap g --from-literal=bad --from-file=nope", "error: error reading nope: no such file or directory\n".into()),
        ("kubectl create secret generic g --from-literal=bad --from-file=nope", "error: invalid literal source bad, expected key=value\n".into()),
        ("kubectl create configmap g '--from-literal=bad key=v'", format!("error: \"bad key\" is not a valid key name for a ConfigMap: {config_key}\n")),
        ("kubectl create secret generic g '--from-file=x y=cfg/ui.properties'", format!("error: \"x y\" is not valid key name for a Secret {config_key}\n")),
        ("kubectl create configmap g --from-file=..x=cfg/ui.properties", "error: \"..x\" is not a valid key name for a ConfigMap: must not start with '..'\n".into()),
    ];
    for (line, expected) in cases {
        let out = sh(&mut c, &mut s, &format!("{line} --dry-run=client -o yaml"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", expected.as_str(), 1), "{line}");
    }
}

#[test]
fn file_and_env_file_sources_are_comma_separated_lists_and_an_empty_one_names_nothing() {
    let (mut c, mut s) = console();
    // `--from-file` and `--from-env-file` are string slices: commas separate sources.
    let out = sh(&mut c, &mut s, "kubectl create configmap m --from-file=cfg/game.properties,ui=cfg/ui.properties --dry-run=client -o yaml");
    let expected = "apiVersion: v1\ndata:\n  game.properties: |\n    enemies=aliens\n    lives=3\n  ui: |\n    color=purple\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: m\n";
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), (expected, ""));
    let out = sh(&mut c, &mut s, "kubectl create configmap m --from-env-file=env2.properties,env.properties --dry-run=client -o yaml");
    assert_eq!(out.stderr, "error: cannot add key \"lives\", another key by that name already exists in Data for ConfigMap \"m\"\n");
    // An empty value gives no source at all, so it neither fails nor counts against --from-literal.
    let out = sh(&mut c, &mut s, "kubectl create configmap m --from-file= --dry-run=client -o yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: m\n", ""));
    let out = sh(&mut c, &mut s, "kubectl create configmap m --from-env-file= --from-literal=a=b --dry-run=client -o yaml");
    assert_eq!(out.stdout, "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: m\n");
    // An empty element of a list names no file (not the working directory).
    let out = sh(&mut c, &mut s, "kubectl create configmap m --from-file=,cfg/game.properties --dry-run=client -o yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "error: error reading : no such file or directory\n", 1));
}
