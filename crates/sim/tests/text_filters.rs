//! The text filters as a learner meets them in both shells: the console's (GNU grep and
//! coreutils, as on a minikube node) and the containers lab's (busybox). One
//! implementation serves both; the messages, paddings and exit codes are each tool's own.

use kubeplay_lab::DemoRequest;
use kubeplay_sim::clock::Duration;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{lab, Cluster, ClusterSettings};

/// Writes the files every command below reads.
const FILES: &str = "printf 'nginx\\nredis\\nNGINX web\\n' > a; printf 'one two\\nthree\\n' > b";

/// A command in the console: standard output, standard error, exit status.
fn console(command: &str) -> (String, String, i32) {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    assert_eq!(s.run(&mut c, FILES, Duration::seconds(1)).exit_code, 0);
    let out = s.run(&mut c, command, Duration::seconds(1));
    (out.stdout, out.stderr, out.exit_code)
}

/// A command in the lab's shell demo: the output (both streams, as written), exit status.
fn lab(command: &str) -> (String, i32) {
    let report = lab::run(&DemoRequest::Shell { command: format!("cd /tmp; {FILES}; {command}") }).unwrap();
    let outcome = &report.steps[0].outcome;
    (outcome.output.clone(), outcome.exit_code)
}

/// What a command prints when it writes no errors, the same in both shells.
fn both(command: &str) -> (String, i32) {
    let (out, err, status) = console(command);
    assert_eq!(err, "", "{command}");
    assert_eq!(lab(command), (out.clone(), status), "{command}");
    (out, status)
}

#[test]
fn grep_reads_basic_regular_expressions_in_both_shells() {
    assert_eq!(both("grep 'ng.nx' a"), ("nginx\n".into(), 0));
    assert_eq!(both("grep -c 'ng\\.nx' a"), ("0\n".into(), 1));
    assert_eq!(both("grep -i '^ng.*x' a"), ("nginx\nNGINX web\n".into(), 0));
    assert_eq!(both("grep -E 'web|dis' a b"), ("a:redis\na:NGINX web\n".into(), 0));
    assert_eq!(both("grep -o '[a-z]\\+' b"), ("one\ntwo\nthree\n".into(), 0));
    assert_eq!(both("cat a | grep -w -n web"), ("3:NGINX web\n".into(), 0));
    assert_eq!(both("fgrep -c . a"), ("0\n".into(), 1));
}

#[test]
fn a_missing_file_in_each_tools_words() {
    assert_eq!(console("grep nginx nofile"), ("".into(), "grep: nofile: No such file or directory\n".into(), 2));
    assert_eq!(lab("grep nginx nofile"), ("grep: nofile: No such file or directory\n".into(), 2));
    // Trouble with one file is exit status 2 even when another matched.
    assert_eq!(console("grep ng a nofile"), ("a:nginx\n".into(), "grep: nofile: No such file or directory\n".into(), 2));
    assert_eq!(lab("grep ng a nofile"), ("a:nginx\ngrep: nofile: No such file or directory\n".into(), 2));
    assert_eq!(console("head -n 1 nofile"), ("".into(), "head: cannot open 'nofile' for reading: No such file or directory\n".into(), 1));
    assert_eq!(lab("head -n 1 nofile"), ("head: nofile: No such file or directory\n".into(), 1));
    assert_eq!(console("tail nofile").1, "tail: cannot open 'nofile' for reading: No such file or directory\n");
    assert_eq!(lab("tail nofile"), ("tail: can't open 'nofile': No such file or directory\ntail: no files\n".into(), 1));
    assert_eq!(console("sort nofile"), ("".into(), "sort: cannot read: nofile: No such file or directory\n".into(), 2));
    assert_eq!(lab("sort nofile"), ("sort: nofile: No such file or directory\n".into(), 2));
}

#[test]
fn wc_pads_its_columns_as_each_tool_does() {
    assert_eq!(both("wc -l a"), ("3 a\n".into(), 0));
    assert_eq!(both("cat a | wc -l"), ("3\n".into(), 0));
    // GNU: as wide as the files' total size, seven for standard input; busybox: nine.
    assert_eq!(console("wc -l a b").0, " 3 a\n 2 b\n 5 total\n");
    assert_eq!(lab("wc -l a b").0, "        3 a\n        2 b\n        5 total\n");
    assert_eq!(console("cat a | wc").0, "      3       4      22\n");
    assert_eq!(lab("cat a | wc").0, "        3         4        22\n");
}

#[test]
fn head_and_tail_numbers() {
    assert_eq!(both("head -n -1 a"), ("nginx\nredis\n".into(), 0));
    assert_eq!(both("tail -n +2 b"), ("three\n".into(), 0));
    assert_eq!(both("head -n 1 a b"), ("==> a <==\nnginx\n\n==> b <==\none two\n".into(), 0));
    assert_eq!(console("head -n x a"), ("".into(), "head: invalid number of lines: 'x'\n".into(), 1));
    assert_eq!(lab("head -n x a"), ("head: invalid number 'x'\n".into(), 1));
}

#[test]
fn usage_errors_point_to_each_tools_help() {
    assert_eq!(console("grep"), ("".into(), "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(), 2));
    let (out, status) = lab("grep");
    assert!(out.starts_with("BusyBox v1.35.0") && out.contains("\nUsage: grep [-HhnlLoqvsrRiwFEz]") && status == 2, "{out}");
    assert_eq!(console("wc -x a").1, "wc: invalid option -- 'x'\nTry 'wc --help' for more information.\n");
    assert!(lab("wc -x a").0.starts_with("wc: invalid option -- 'x'\nBusyBox v1.35.0"));
    assert_eq!(console("grep '[' a"), ("".into(), "grep: Invalid regular expression\n".into(), 2));
    assert_eq!(lab("grep '[' a"), ("grep: bad regex '['\n".into(), 2));
}

#[test]
fn both_shells_have_the_same_filters() {
    assert_eq!(both("sort -r a b | uniq -c | head -2"), ("      1 three\n      1 redis\n".into(), 0));
    assert_eq!(both("cut -d ' ' -f 2 b"), ("two\nthree\n".into(), 0));
    assert_eq!(both("sort -k2 a b | cut -c 1-3"), ("ngi\nred\nthr\none\nNGI\n".into(), 0));
}

#[test]
fn kubectl_exec_runs_the_same_filters_in_a_container() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    for line in ["kubectl run web --image=nginx", "sleep 30"] {
        assert_eq!(s.run(&mut c, line, Duration::seconds(600)).exit_code, 0, "{line}");
    }
    let out = s.run(&mut c, "kubectl exec web -- sh -c \"echo nginx | grep 'ng.nx'; grep x /nofile\"", Duration::seconds(600));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("nginx\n", "grep: /nofile: No such file or directory\ncommand terminated with exit code 2\n"));
    // nginx's image is Debian (GNU tools); busybox's image answers with busybox's applets.
    let gnu = s.run(&mut c, "kubectl exec web -- head -n x /etc/hostname", Duration::seconds(600));
    assert_eq!(gnu.stderr, "head: invalid number of lines: 'x'\ncommand terminated with exit code 1\n");
    for line in ["kubectl run box --image=busybox -- sleep 3600", "sleep 30"] {
        assert_eq!(s.run(&mut c, line, Duration::seconds(600)).exit_code, 0, "{line}");
    }
    let busybox = s.run(&mut c, "kubectl exec box -- head -n x /etc/hostname", Duration::seconds(600));
    assert_eq!(busybox.stderr, "head: invalid number 'x'\ncommand terminated with exit code 1\n");
    for line in ["kubectl exec -it box -- sh", "head -n x /etc/hostname"] {
        let out = s.run(&mut c, line, Duration::seconds(600));
        if line.starts_with("head") {
            assert_eq!(out.stderr, "head: invalid number 'x'\n", "an interactive busybox shell too");
        }
    }
}

/// GNU `grep -w`, checked against GNU grep 3.8 on this machine: a match counts only with no
/// word character on either side, trying shorter matches and later starts; a long line is
/// read once (the whole-word test is part of the compiled pattern).
#[test]
fn grep_w_takes_whole_words_as_gnu_does() {
    assert_eq!(console("echo 'foobar foo' | grep -ow foo"), ("foo\n".into(), String::new(), 0));
    assert_eq!(console("echo 'x foo_bar foo-bar' | grep -ow foo"), ("foo\n".into(), String::new(), 0));
    assert_eq!(console("echo aaab | grep -cw 'a*'"), ("0\n".into(), String::new(), 1));
    assert_eq!(console("echo 'ab ab' | grep -w 'b*'").2, 1);
    let long = format!("echo {}b | grep -cw 'a*'", "a".repeat(8000));
    assert_eq!(console(&long), ("0\n".into(), String::new(), 1));
}
