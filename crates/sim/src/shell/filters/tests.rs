//! The filters against what GNU grep 3.8, coreutils 9.1 and busybox 1.35 print for the same
//! files (checked on Debian 12, C locale).

use super::*;
use std::collections::BTreeMap;

/// A filter's files and streams in memory.
#[derive(Default)]
struct Fake {
    stdin: String,
    files: BTreeMap<String, String>,
    out: String,
    err: String,
}

impl Io for Fake {
    fn stdin(&self) -> &str {
        &self.stdin
    }

    fn read(&mut self, path: &str) -> Result<String, String> {
        self.files.get(path).cloned().ok_or_else(|| "No such file or directory".into())
    }

    fn out(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn err(&mut self, text: &str) {
        self.err.push_str(text);
    }
}

/// Words split at blanks, with single quotes kept together.
fn words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, started) = (!quoted, true),
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            c => (word, started) = (word + &c.to_string(), true),
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Runs `line` with the test files; standard output, standard error and the exit status.
fn run_in(dialect: Dialect, line: &str, stdin: &str) -> (String, String, i32) {
    let files = [
        ("a", "nginx\nredis\nNGINX web\n"),
        ("b", "one two\nthree\n"),
        ("n", "10 b\n9 a\n10 a\nb\n"),
        ("ctx", "a1\nb\nc\na2\nd\ne\nf\na3\n"),
    ];
    let mut io = Fake { stdin: stdin.into(), files: files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ..Fake::default() };
    let w = words(line);
    let status = run(dialect, &w[0], &w[1..], &mut io).expect("a filter");
    (io.out, io.err, status)
}

fn gnu(line: &str) -> (String, String, i32) {
    run_in(Dialect::Gnu, line, "")
}

fn bb(line: &str) -> (String, String, i32) {
    run_in(Dialect::Busybox, line, "")
}

/// Standard output and the status, for a command that prints no error.
fn ok(r: (String, String, i32)) -> (String, i32) {
    assert_eq!(r.1, "", "no error expected");
    (r.0, r.2)
}

#[test]
fn words_split_like_the_shell() {
    assert_eq!(words("grep 'a b' '' x"), ["grep", "a b", "", "x"]);
}

const BANNER: &str = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n";

#[test]
fn grep_reads_basic_regular_expressions_in_both_dialects() {
    for run in [gnu, bb] {
        assert_eq!(ok(run("grep ng.nx a")), ("nginx\n".into(), 0));
        assert_eq!(ok(run("grep -c ng\\.nx a")), ("0\n".into(), 1), "an escaped dot is literal");
        assert_eq!(ok(run("grep -i ^ng.*x a")), ("nginx\nNGINX web\n".into(), 0));
        assert_eq!(ok(run("grep x\\|ed a")), ("nginx\nredis\n".into(), 0));
        assert_eq!(ok(run("grep -E (ng|di)+ a")), ("nginx\nredis\n".into(), 0));
        assert_eq!(ok(run("grep [[:upper:]] a")), ("NGINX web\n".into(), 0));
        assert_eq!(ok(run("grep -F n. a")), ("".into(), 1), "-F is literal");
        assert_eq!(ok(run("egrep re|ng a")), ("nginx\nredis\n".into(), 0));
        assert_eq!(ok(run("grep -o n. a")), ("ng\nnx\n".into(), 0));
        assert_eq!(ok(run("grep -n ng a b")), ("a:1:nginx\n".into(), 0));
        assert_eq!(ok(run("grep -c ng a b")), ("a:1\nb:0\n".into(), 0));
        assert_eq!(ok(run("grep -L ng a b")), ("b\n".into(), 0));
        assert_eq!(ok(run("grep -A1 -n a ctx")), ("1:a1\n2-b\n--\n4:a2\n5-d\n--\n8:a3\n".into(), 0));
        assert_eq!(ok(run("grep -x -v redis a")), ("nginx\nNGINX web\n".into(), 0));
    }
}

#[test]
fn grep_reports_files_and_patterns_in_each_dialects_words() {
    let missing = "grep: nofile: No such file or directory\n";
    for run in [gnu, bb] {
        assert_eq!(run("grep x nofile"), ("".into(), missing.into(), 2));
        assert_eq!(run("grep ng a nofile"), ("a:nginx\n".into(), missing.into(), 2), "trouble is 2 even after a match");
        assert_eq!(run("grep -q ng nofile a"), ("".into(), missing.into(), 0), "unless -q found one");
        assert_eq!(run("grep -s x nofile"), ("".into(), "".into(), 2));
    }
    assert_eq!(gnu("grep"), ("".into(), "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(), 2));
    let usage = format!("{BANNER}Usage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] {{ PATTERN | -e PATTERN... | -f FILE... }} [FILE]...\n");
    assert_eq!(bb("grep"), ("".into(), usage.clone(), 2));
    assert_eq!(bb("grep --ignore-case x a"), ("".into(), format!("grep: unrecognized option '--ignore-case'\n{usage}"), 2));
    assert_eq!(ok(gnu("grep --ignore-case NG.NX a")), ("nginx\nNGINX web\n".into(), 0));
    assert_eq!(gnu("grep [ a"), ("".into(), "grep: Invalid regular expression\n".into(), 2));
    assert_eq!(gnu("grep a\\( a").1, "grep: Unmatched ( or \\(\n");
    assert_eq!(bb("grep [ a"), ("".into(), "grep: bad regex '['\n".into(), 2));
    assert_eq!(gnu("egrep x nofile").1, "grep: nofile: No such file or directory\n", "GNU's egrep runs grep -E");
    assert_eq!(bb("egrep x nofile").1, "egrep: nofile: No such file or directory\n");
    assert_eq!(gnu("grep -m x a").1, "grep: invalid max count\n");
    assert_eq!(bb("grep -m x a").1, "grep: invalid number 'x'\n");
    assert_eq!(gnu("grep -P \\d n").0, "10 b\n9 a\n10 a\n");
    assert!(bb("grep -P x a").1.starts_with("grep: invalid option -- 'P'\nBusyBox"), "busybox has no -P");
    assert_eq!(gnu("grep -r x a"), ("".into(), "grep: -r: this option is not simulated\n".into(), 2));
}

#[test]
fn whole_words_are_found_each_tools_way() {
    // GNU tries shorter matches and later starts; busybox gives up after an empty match.
    assert_eq!(ok(gnu("grep -ow [a-z]* a")), ("nginx\nredis\nweb\n".into(), 0));
    assert_eq!(ok(bb("grep -ow [a-z]* a")), ("nginx\nredis\n".into(), 0));
    for run in [gnu, bb] {
        assert_eq!(ok(run("grep -w web a")), ("NGINX web\n".into(), 0));
        assert_eq!(ok(run("grep -cw ng a")), ("0\n".into(), 1));
    }
}

#[test]
fn wc_pads_its_columns_as_each_tool_does() {
    assert_eq!(ok(gnu("wc -l a b")), (" 3 a\n 2 b\n 5 total\n".into(), 0), "as wide as the files' total size");
    assert_eq!(ok(bb("wc -l a b")), ("        3 a\n        2 b\n        5 total\n".into(), 0));
    assert_eq!(ok(gnu("wc a b")), (" 3  4 22 a\n 2  3 14 b\n 5  7 36 total\n".into(), 0));
    assert_eq!(ok(run_in(Dialect::Gnu, "wc", "a b\nc\n")), ("      2       3       6\n".into(), 0), "seven wide for standard input");
    assert_eq!(ok(run_in(Dialect::Busybox, "wc", "a b\nc\n")), ("        2         3         6\n".into(), 0));
    assert_eq!(ok(run_in(Dialect::Gnu, "wc -l - b", "x\n")), ("      1 -\n      2 b\n      3 total\n".into(), 0));
    for run in [gnu, bb] {
        assert_eq!(ok(run("wc -l a")), ("3 a\n".into(), 0), "one count of one file is not padded");
        assert_eq!(run("wc -l nofile"), ("".into(), "wc: nofile: No such file or directory\n".into(), 1));
        assert_eq!(ok(run("wc -L a")), ("9 a\n".into(), 0));
    }
    assert_eq!(gnu("wc -x a").1, "wc: invalid option -- 'x'\nTry 'wc --help' for more information.\n");
    assert_eq!(bb("wc -x a").1, format!("wc: invalid option -- 'x'\n{BANNER}Usage: wc [-cmlwL] [FILE]...\n"));
}

#[test]
fn head_and_tail_count_and_complain_each_tools_way() {
    for run in [gnu, bb] {
        assert_eq!(ok(run("head -n -1 a")), ("nginx\nredis\n".into(), 0), "all but the last");
        assert_eq!(ok(run("tail -n +2 a")), ("redis\nNGINX web\n".into(), 0));
        assert_eq!(ok(run("head -2 a")), ("nginx\nredis\n".into(), 0));
        assert_eq!(ok(run("head -c 3 a")), ("ngi".into(), 0));
        assert_eq!(ok(run("head -n 1 a b")), ("==> a <==\nnginx\n\n==> b <==\none two\n".into(), 0));
        assert_eq!(ok(run("tail -q -n1 a b")), ("NGINX web\nthree\n".into(), 0));
    }
    assert_eq!(gnu("head -n x a"), ("".into(), "head: invalid number of lines: 'x'\n".into(), 1));
    assert_eq!(bb("head -n x a"), ("".into(), "head: invalid number 'x'\n".into(), 1));
    assert_eq!(gnu("tail -c y a").1, "tail: invalid number of bytes: 'y'\n");
    assert_eq!(gnu("head -n1 nofile a"), ("==> a <==\nnginx\n".into(), "head: cannot open 'nofile' for reading: No such file or directory\n".into(), 1));
    assert_eq!(bb("head -n1 nofile a"), ("\n==> a <==\nnginx\n".into(), "head: nofile: No such file or directory\n".into(), 1), "busybox's head separates by operand");
    assert_eq!(bb("tail -n1 nofile a"), ("NGINX web\n".into(), "tail: can't open 'nofile': No such file or directory\n".into(), 1), "busybox's tail counts what it opened");
    assert_eq!(bb("tail nofile").1, "tail: can't open 'nofile': No such file or directory\ntail: no files\n");
    assert_eq!(gnu("head -n").1, "head: option requires an argument -- 'n'\nTry 'head --help' for more information.\n");
    assert_eq!(bb("head --lines=2 a").1, format!("head: invalid option -- '-'\n{BANNER}Usage: head [OPTIONS] [FILE]...\n"));
}

#[test]
fn sort_uniq_and_cut() {
    for run in [gnu, bb] {
        assert_eq!(ok(run("sort -n n")), ("b\n9 a\n10 a\n10 b\n".into(), 0), "ties compare whole lines");
        assert_eq!(ok(run("sort -k2 n")), ("b\n10 a\n9 a\n10 b\n".into(), 0));
        assert_eq!(ok(run("sort -k1,1nr n")), ("10 a\n10 b\n9 a\nb\n".into(), 0), "a key's r does not reverse the tie-break");
        assert_eq!(ok(run("uniq -c -f1 n")), ("      1 10 b\n      2 9 a\n      1 b\n".into(), 0));
        assert_eq!(ok(run("cut -d\\x20 -f2 n".replace("\\x20", "' '").as_str())), ("b\na\na\nb\n".into(), 0));
        assert_eq!(ok(run("cut -c 2- n")), ("0 b\n a\n0 a\n\n".into(), 0));
    }
    // With -u GNU keeps the first line of equal keys as they came; busybox the first sorted.
    assert_eq!(ok(gnu("sort -u -k2,2 n")).0, "b\n9 a\n10 b\n");
    assert_eq!(ok(bb("sort -u -k2,2 n")).0, "b\n10 a\n10 b\n");
    assert_eq!(gnu("sort nofile"), ("".into(), "sort: cannot read: nofile: No such file or directory\n".into(), 2));
    assert_eq!(bb("sort nofile"), ("".into(), "sort: nofile: No such file or directory\n".into(), 2));
    assert_eq!(gnu("uniq nofile").1, "uniq: nofile: No such file or directory\n");
    assert_eq!(bb("uniq nofile").1, "uniq: can't open 'nofile': No such file or directory\n");
    assert_eq!(ok(gnu("uniq -D n")), ("".into(), 0));
    assert!(bb("uniq -D n").1.starts_with("uniq: invalid option -- 'D'\nBusyBox"), "busybox's uniq has no -D");
    assert_eq!(gnu("cut a"), ("".into(), "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n".into(), 1));
    assert_eq!(bb("cut a"), ("".into(), "cut: expected a list of bytes, characters, or fields\n".into(), 1));
    assert_eq!(gnu("cut -f 3-1 n").1, "cut: invalid decreasing range\nTry 'cut --help' for more information.\n");
    assert_eq!(bb("cut -f 3-1 n").1, "cut: 1<2\n");
}
