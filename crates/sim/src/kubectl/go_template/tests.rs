//! The go-template printer against kubectl 1.28's own output (`kubectl_cases`), and
//! cases after Go's text/template tests.

use serde_json::Value;

use super::kubectl_cases::{CASES, OBJECT};
use super::*;
use crate::kubectl::NoFiles;

/// What kubectl prints for `-o`/`--template` ARGS on `data`: (stdout, stderr, exit code).
fn render(args: &[&str], data: &Value) -> (String, String, i32) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let f = Flags::parse(&args).expect("flags parse");
    let mut out = CommandOutput::default();
    match output_format(&f) {
        Ok(o) if crate::kubectl::templated(&o, false) => crate::kubectl::print_templated(&o, &f, &NoFiles, data, &mut out),
        Ok(o) if o == "json" => out.stdout = crate::kubectl::json_text(data) + "\n",
        Ok(o) | Err(o) => out = CommandOutput::err(format!("error: unable to match a printer suitable for the output format {o:?}, allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"), 1),
    }
    (out.stdout, out.stderr, out.exit_code)
}

/// The debugging dump kubectl prints on standard output after a failed run.
fn dump(template: &str, error: &str, data: &Value) -> String {
    format!(
        "Error executing template: {error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
        crate::kubectl::jsonpath::go_marshal(data),
        crate::kubectl::jsonpath::go_sprint(data)
    )
}

#[test]
fn prints_what_kubectl_prints() {
    let data: Value = serde_json::from_str(OBJECT).unwrap();
    let mut failures = Vec::new();
    for (args, stdout, stderr, code) in CASES {
        let got = render(args, &data);
        // After a failed run kubectl dumps the template and data on stdout.
        let expected_stdout = match stderr.strip_prefix("error: error executing template ").and_then(|e| e.split_once(": ")) {
            Some((_, error)) => {
                let template = args.iter().find_map(|a| a.strip_prefix("go-template=")).unwrap_or_default();
                format!("{stdout}{}", dump(template, error.trim_end_matches('\n'), &data))
            }
            None => stdout.to_string(),
        };
        if (got.0.as_str(), got.1.as_str(), got.2) != (expected_stdout.as_str(), *stderr, *code) {
            failures.push(format!("{args:?}\n  want {:?} {:?} {code}\n  got  {:?} {:?} {}", expected_stdout.split("Printing more").next().unwrap_or_default(), stderr, got.0.split("Printing more").next().unwrap_or_default(), got.1, got.2));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn a_failed_run_prints_kubectls_debugging_dump_on_standard_output() {
    // Source: kubectl 1.28, the same object and template.
    let data: Value = serde_json::from_str(OBJECT).unwrap();
    let (stdout, stderr, code) = render(&["-o", "go-template={{.kind}} {{.kind.x}}"], &data);
    assert_eq!(stdout, "Service Error executing template: template: output:1:17: executing \"output\" at <.kind.x>: can't evaluate field x in type interface {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{.kind}} {{.kind.x}}\n\traw data was:\n\t\t{\"apiVersion\":\"v1\",\"data\":{\"bad\":\"!!!\",\"password\":\"czNjcjN0\"},\"kind\":\"Service\",\"metadata\":{\"annotations\":{\"note\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026'\\u003c/a\\u003e\"},\"labels\":{\"app\":\"kubernetes-bootcamp\",\"tier\":\"web\",\"z\":\"1\"},\"name\":\"kubernetes-bootcamp\",\"namespace\":\"default\"},\"spec\":{\"empty\":\"\",\"flag\":true,\"list\":[\"a\",\"b\",\"c\"],\"none\":null,\"nums\":[3,1,2],\"off\":false,\"ports\":[{\"nodePort\":31234,\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\"}],\"ratio\":0.25,\"selector\":{\"app\":\"kubernetes-bootcamp\"},\"type\":\"NodePort\"}}\n\tobject given to template engine was:\n\t\tmap[apiVersion:v1 data:map[bad:!!! password:czNjcjN0] kind:Service metadata:map[annotations:map[note:<a href=\"x\">&'</a>] labels:map[app:kubernetes-bootcamp tier:web z:1] name:kubernetes-bootcamp namespace:default] spec:map[empty: flag:true list:[a b c] none:<nil> nums:[3 1 2] off:false ports:[map[nodePort:31234 port:8080 protocol:TCP] map[name:https port:443 protocol:TCP]] ratio:0.25 selector:map[app:kubernetes-bootcamp] type:NodePort]]\n\n");
    assert_eq!(stderr, "error: error executing template \"{{.kind}} {{.kind.x}}\": template: output:1:17: executing \"output\" at <.kind.x>: can't evaluate field x in type interface {}\n");
    assert_eq!(code, 1);
}

/// The template run on `data` (JSON text): what it printed, or its error.
fn exec(template: &str, data: &str) -> Result<String, String> {
    let data: Value = serde_json::from_str(data).unwrap();
    let t = parse(template)?;
    let (out, result) = t.execute(&as_decoded(&data), true);
    result.map(|()| out)
}

#[test]
fn go_text_template_cases() {
    // After Go's text/template exec_test.go, on JSON data (expected values from Go's rules).
    let data = r#"{"I":17,"U16":16,"X":"x","F":3.5,"T":true,"Fl":false,"SI":[3,4,5],"SIEmpty":[],"MSI":{"one":1,"two":2,"three":3},"MSIEmpty":{},"Nil":null,"Str":"hello","Empty":{}}"#;
    let cases: &[(&str, &str)] = &[
        ("{{.X}}", "x"),
        ("{{.I}} {{.F}} {{.T}} {{.Fl}}", "17 3.5 true false"),
        ("{{.MSI.one}}", "1"),
        ("{{.MSI}}", "map[one:1 three:3 two:2]"),
        ("{{.SI}}", "[3 4 5]"),
        ("{{.SIEmpty}}", "[]"),
        ("{{.MSIEmpty}}", "map[]"),
        ("{{.Nil}}", "<no value>"),
        ("{{$}}", "map[Empty:map[] F:3.5 Fl:false I:17 MSI:map[one:1 three:3 two:2] MSIEmpty:map[] Nil:<nil> SI:[3 4 5] SIEmpty:[] Str:hello T:true U16:16 X:x]"),
        ("{{$x := 123}}{{$x}}", "123"),
        ("{{$x := .I}}{{with .SI}}{{$x}}{{end}}", "17"),
        ("{{range .SI}}<{{.}}>{{end}}", "<3><4><5>"),
        ("{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY"),
        ("{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>"),
        ("{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>"),
        ("{{range $k, $v := .MSI}}{{$k}}={{$v}} {{end}}", "one=1 three=3 two=2 "),
        ("{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY"),
        ("{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35"),
        ("{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3"),
        ("{{range .SI}}{{range $.SI}}{{.}}{{end}}|{{end}}", "345|345|345|"),
        ("{{if true}}TRUE{{end}}", "TRUE"),
        ("{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE"),
        ("{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO"),
        ("{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO"),
        ("{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO"),
        ("{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY"),
        ("{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY"),
        ("{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY"),
        ("{{if eq .I 17}}a{{else if eq .I 3}}b{{else}}c{{end}}", "a"),
        ("{{if eq .I 3}}a{{else if eq .I 17}}b{{else}}c{{end}}", "b"),
        ("{{if $x := .I}}{{$x}}{{end}}", "17"),
        ("{{with .Str}}{{.}}{{end}}", "hello"),
        ("{{with .Empty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY"),
        ("{{with $x := .Str}}{{$x}}{{end}}", "hello"),
        ("{{and .T .I}} {{and .T .Fl}} {{or .Fl .X}} {{or .Fl 0}}", "17 false x 0"),
        ("{{not .T}} {{not .Fl}} {{not .SIEmpty}}", "false true true"),
        ("{{eq .I 17}} {{eq .X \"x\"}} {{ne .F 3.5}} {{lt .I 20}} {{le .U16 16}} {{gt .X \"a\"}} {{ge 1 2}}", "true true false true true true false"),
        ("{{index .SI 1}} {{index .MSI \"two\"}} {{index .MSI \"four\"}}", "4 2 <no value>"),
        ("{{len .SI}} {{len .MSI}} {{len .Str}}", "3 3 5"),
        ("{{slice .SI 1 2}} {{slice .Str 1}} {{slice .SI 0 1 2}}", "[4] ello [3]"),
        ("{{print 1 2 3}} {{print \"a\" \"b\"}} {{print 1 \"b\" 2}}", "1 2 3 ab 1b2"),
        ("{{printf \"%d-%s\" .I .X}}", "17-x"),
        ("{{printf \"%5.2f|%-4d|%04d\" .F 7 42}}", " 3.50|7   |0042"),
        ("{{.I | printf \"%d\"}}", "17"),
        ("{{.X | printf \"%s%s\" \"a\"}}", "ax"),
        ("{{\"<>\" | html}} {{\"'\" | js}} {{\"a b\" | urlquery}}", "&lt;&gt; \\' a+b"),
        ("{{(1)}} {{(.X)}} {{(index .SI 2)}}", "1 x 5"),
        ("{{/* a comment */}}x", "x"),
        ("a {{- \"b\" -}} c", "abc"),
        ("{{- 3 }}", "3"),
        ("{{-3}}", "-3"),
        ("{{$.X}} {{$.MSI.two}}", "x 2"),
        ("{{range .SI}}{{$.X}}{{end}}", "xxx"),
        ("{{$x := 0}}{{range .SI}}{{$x = .}}{{end}}{{$x}}", "5"),
    ];
    let mut failures = Vec::new();
    for (template, want) in cases {
        match exec(template, data) {
            Ok(got) if got == *want => {}
            other => failures.push(format!("{template}: want {want:?}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn missing_keys_fail_when_they_are_not_allowed() {
    let t = parse("{{.a.b}}").unwrap();
    let data = serde_json::json!({"a": {}});
    assert_eq!(t.execute(&data, true), ("<no value>".to_string(), Ok(())));
    assert_eq!(t.execute(&data, false).1, Err("template: output:1:4: executing \"output\" at <.a.b>: map has no entry for key \"b\"".to_string()));
    // kubectl's `exists` tells a missing key apart without failing.
    let t = parse("{{if exists . \"a\" \"b\"}}yes{{else}}no{{end}}").unwrap();
    assert_eq!(t.execute(&data, false), ("no".to_string(), Ok(())));
}

#[test]
fn bad_templates_fail_without_panicking() {
    let data = r#"{"items":[{"a":1},{"a":[1,2]}],"m":{"k":"v"}}"#;
    let samples = [
        "{{range .items}}{{if .a}}{{with $x := .a}}{{printf \"%v %d\" $x (len $.items)}}{{else}}e{{end}}{{end}}{{end}}",
        "{{define \"t\"}}{{.}}{{template \"t\" .}}{{end}}{{template \"t\" 1}}",
        "{{$x := .m}}{{range $k, $v := $x}}{{$k}}{{index $x $k | js | html}}{{end}}{{(slice \"héllo\" 1 2)}}",
        "{{`x` | printf \"%[3]*.[2]*[1]f\" 12.0 2 6}}{{printf \"%.*d|%-*s\" 3 5 -4 \"ab\"}}",
    ];
    // Every prefix and every template with one byte removed: output or an error, never a panic.
    for sample in samples {
        for end in (0..=sample.len()).filter(|i| sample.is_char_boundary(*i)) {
            let _ = exec(&sample[..end], data);
            if end < sample.len() {
                let cut: String = sample[..end].chars().chain(sample[end..].chars().skip(1)).collect();
                let _ = exec(&cut, data);
            }
        }
    }
    // Without `{{end}}`, with an `{{end}}` too many, nested too deeply.
    assert_eq!(exec("{{range .items}}", data), Err("template: output:1: unexpected EOF".into()));
    assert_eq!(exec("{{end}}", data), Err("template: output:1: unexpected {{end}}".into()));
    assert_eq!(exec("{{if 1}}x{{end}}{{end}}", data), Err("template: output:1: unexpected {{end}}".into()));
    assert_eq!(exec(&"{{if 1}}".repeat(5000), data), Err("template: output:1: template nests too deeply".into()));
    assert_eq!(exec(&format!("{{{{{}1{}}}}}", "(".repeat(5000), ")".repeat(5000)), data), Err("template: output:1: template nests too deeply".into()));
    assert_eq!(exec(&format!("{}x{}", "{{if 1}}".repeat(90), "{{end}}".repeat(90)), data), Ok("x".into()));
    // A template calling itself, and loops that would print for ever, are stopped.
    let recursive = exec("{{define \"t\"}}{{template \"t\" .}}{{end}}{{template \"t\" .}}", data).unwrap_err();
    assert!(recursive.ends_with("exceeded maximum template depth (100)"), "{recursive}");
    // Go allows 100000 calls deep (kubectl says "(100000)"); kubeplay stops at 100, well
    // within the page's stack.
    assert_eq!(
        exec("{{template \"output\"}}", data),
        Err("template: output:1:11: executing \"output\" at <{{template \"output\"}}>: exceeded maximum template depth (100)".into())
    );
    let nested = format!("{}x{}", "{{range $.items}}".repeat(40), "{{end}}".repeat(40));
    let stopped = exec(&nested, data).unwrap_err();
    assert!(stopped.ends_with("the template runs too long (kubeplay stops it)"), "{stopped}");
}

mod commands {
    use crate::cluster::{Cluster, ClusterSettings};
    use crate::kubectl::run;

    fn cluster() -> Cluster {
        let mut c = Cluster::new(ClusterSettings::default());
        run(&mut c, "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=2");
        run(&mut c, "kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080");
        run(&mut c, "kubectl create secret generic db --from-literal=password=s3cr3t");
        run(&mut c, "advance 30s");
        c
    }

    #[test]
    fn get_gives_the_template_a_list_or_the_one_object_named() {
        let mut c = cluster();
        let names = run(&mut c, "kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'");
        let lines: Vec<&str> = names.stdout.lines().collect();
        assert!(lines.len() == 2 && lines.iter().all(|l| l.starts_with("kubernetes-bootcamp-")), "{names:?}");
        assert_eq!(run(&mut c, "kubectl get pods -o go-template='{{.kind}} {{.apiVersion}} {{.metadata}} {{len .items}}'").stdout, "List v1 map[resourceVersion:] 2");
        let port = run(&mut c, "kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}'").stdout;
        assert!(port.parse::<u16>().is_ok_and(|p| (30000..=32767).contains(&p)), "{port:?}");
        assert_eq!(run(&mut c, "kubectl get secret db -o go-template='{{.data.password | base64decode}}'").stdout, "s3cr3t");
        assert_eq!(
            run(&mut c, "kubectl get nodes -o go-template='{{range .items}}{{.metadata.name}}{{\" \"}}{{.status.capacity.cpu}}{{\"\\n\"}}{{end}}'").stdout,
            "control-plane 2\nnode-1 2\nnode-2 2\nnode-3 2\n"
        );
        assert_eq!(run(&mut c, "kubectl get deployment kubernetes-bootcamp --template='{{.spec.replicas}}/{{.status.readyReplicas}}'").stdout, "2/2");
        assert_eq!(run(&mut c, "kubectl get deploy -o template='{{range .items}}{{.metadata.name}}{{end}}'").stdout, "kubernetes-bootcamp");
        // One name not found: only the error, no empty List given to the template.
        let out = run(&mut c, "kubectl get pod nope -o go-template='{{.metadata.name}}'");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "Error from server (NotFound): pods \"nope\" not found\n", 1));
    }

    #[test]
    fn get_reports_template_errors_as_kubectl() {
        let mut c = cluster();
        let out = run(&mut c, "kubectl get pods -o go-template='{{.metadata.name}'");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "error: error parsing template {{.metadata.name}, template: output:1: bad character U+007D '}'\n", 1));
        let out = run(&mut c, "kubectl get deploy kubernetes-bootcamp -o go-template='{{.spec.replicas}} {{.spec.replicas.x}}'");
        assert!(out.stdout.starts_with("2 Error executing template: template: output:1:26: executing \"output\" at <.spec.replicas.x>: can't evaluate field x in type interface {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{.spec.replicas}} {{.spec.replicas.x}}\n\traw data was:\n\t\t{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","), "{out:?}");
        assert_eq!(out.stderr, "error: error executing template \"{{.spec.replicas}} {{.spec.replicas.x}}\": template: output:1:26: executing \"output\" at <.spec.replicas.x>: can't evaluate field x in type interface {}\n");
        let out = run(&mut c, "kubectl get pods -o go-template='{{.nope}}' --allow-missing-template-keys=false");
        assert_eq!(out.stderr, "error: error executing template \"{{.nope}}\": template: output:1:2: executing \"output\" at <.nope>: map has no entry for key \"nope\"\n");
        assert_eq!(run(&mut c, "kubectl get pods -o go-template").stderr, "error: template format specified but no template given\n");
        assert_eq!(
            run(&mut c, "kubectl get pods -o go-template='{{.a}}' --template='{{.b}}'").stderr,
            "error: unable to match a printer suitable for the output format \"go-template={{.a}}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"
        );
        assert_eq!(run(&mut c, "kubectl get pods -o go-template-file=names.tmpl").stderr, "error: error reading --template names.tmpl, open names.tmpl: no such file or directory\n");
        // --template also serves -o jsonpath, as in kubectl.
        assert_eq!(run(&mut c, "kubectl get service kubernetes-bootcamp -o jsonpath --template='{.spec.type}'").stdout, "NodePort");
    }

    #[test]
    fn config_view_takes_templates() {
        let mut c = Cluster::new(ClusterSettings::default());
        // Source: kubectl 1.28 on a kubeconfig like kubeplay's.
        let out = run(&mut c, "kubectl config view -o go-template='{{.kind}} {{.clusters}} {{range .users}}{{.name}}: {{.user}}{{end}} {{.preferences}} {{index .contexts 0 \"context\" \"namespace\"}}'");
        assert_eq!(out.stdout, "Config [map[cluster:map[certificate-authority-data:DATA+OMITTED server:https://172.18.0.2:6443] name:minikube]] minikube: map[client-certificate-data:DATA+OMITTED client-key-data:DATA+OMITTED] map[] default");
        assert_eq!(run(&mut c, "kubectl config view --template='{{index . \"current-context\"}}'").stdout, "minikube");
        assert_eq!(run(&mut c, "kubectl config view --template='{{.current-context}}'").stderr, "error: error parsing template {{.current-context}}, template: output:1: bad character U+002D '-'\n");
    }

    #[test]
    fn generators_print_what_they_make_with_templates() {
        let mut c = Cluster::new(ClusterSettings::default());
        // Source: kubectl 1.28 (create's client-side dry runs need no server).
        let out = run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client -o go-template='{{.metadata.name}} {{.spec}} {{.status}}'");
        assert_eq!(out.stdout, "web map[replicas:1 selector:map[matchLabels:map[app:web]] strategy:map[] template:map[metadata:map[creationTimestamp:<nil> labels:map[app:web]] spec:map[containers:[map[image:nginx name:nginx resources:map[]]]]]] map[]");
        assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client --template='{{.kind}}'").stdout, "Deployment");
        assert_eq!(run(&mut c, "kubectl create secret generic s --from-literal=a=b --dry-run=client -o go-template='{{.data.a | base64decode}}'").stdout, "b");
        assert_eq!(run(&mut c, "kubectl create configmap c --from-literal=k=v --dry-run=client -o go-template='{{.data}} {{.metadata}}'").stdout, "map[k:v] map[creationTimestamp:<nil> name:c]");
        let out = run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client -o go-template='{{.x.y}'");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "error: error parsing template {{.x.y}, template: output:1: bad character U+007D '}'\n", 1));
        let refused = "error: unable to match a printer suitable for the output format \"foo\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n";
        assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client -o foo").stderr, refused);
        // The printer is checked before anything is created.
        assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx -o foo").stderr, refused);
        assert_eq!(run(&mut c, "kubectl get deploy").stderr, "No resources found in default namespace.\n");
        // Created for real, the object as stored.
        assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx -o go-template='{{.metadata.name}} {{.metadata.generation}}'").stdout, "web 1");
        assert_eq!(run(&mut c, "kubectl run pod --image=nginx --dry-run=client -o jsonpath='{.spec.containers[0].image}'").stdout, "nginx");
        assert_eq!(run(&mut c, "kubectl run pod --image=nginx --dry-run=client -o go-template='{{.spec.restartPolicy}}'").stdout, "Always");
        assert_eq!(run(&mut c, "kubectl expose deploy web --port=80 --dry-run=client -o go-template='{{.spec.ports}}'").stdout, "[map[port:80 protocol:TCP targetPort:80]]");
        assert_eq!(run(&mut c, "kubectl expose deploy web --port=80 --dry-run=client -o foo").stderr, refused);
    }
}
