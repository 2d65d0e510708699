//! `cut`: fields (`-f`, split at `-d`, a tab by default) or characters (`-c`, `-b`) of
//! each line, chosen by a list like `1,3-5,7-`.

use super::{lines, Spec, Tool};

const SPEC: Spec = Spec {
    gnu: "b:c:d:f:nsz",
    long: &[("bytes", 'b'), ("characters", 'c'), ("delimiter", 'd'), ("fields", 'f'), ("only-delimited", 's')],
    busybox: "b:c:d:f:F:O:Dsn",
    busybox_long: Some(&[]),
    unsimulated: "zFOD",
    gnu_usage: "",
    busybox_usage: "cut [OPTIONS] [FILE]...",
    status: 1,
};

/// A list's ranges (numbered from 1, inclusive), or the message for a bad one.
fn ranges(t: &Tool, list: &str, fields: bool) -> Result<Vec<(usize, usize)>, String> {
    let mut ranges = Vec::new();
    for item in list.split(',') {
        let bound = |s: &str, default: usize| -> Result<usize, String> {
            match s.parse::<usize>() {
                _ if s.is_empty() => Ok(default),
                Ok(0) if t.gnu() => Err(if fields { "fields are numbered from 1".into() } else { "byte/character positions are numbered from 1".into() }),
                Ok(n) => Ok(n.max(1)),
                Err(_) if !t.gnu() => Err(format!("invalid number '{s}'")),
                Err(_) if fields => Err(format!("invalid field value '{item}'")),
                Err(_) => Err(format!("invalid byte/character position '{item}'")),
            }
        };
        let (from, to) = match item.split_once('-') {
            Some((a, b)) => (bound(a, 1)?, bound(b, usize::MAX)?),
            None => {
                let n = bound(item, 0)?;
                (n, n)
            }
        };
        if to < from {
            return Err(if t.gnu() { "invalid decreasing range".into() } else { format!("{to}<{}", from - 1) });
        }
        ranges.push((from, to));
    }
    Ok(ranges)
}

/// `cut`; the exit status.
pub(super) fn cut(t: &mut Tool, args: &[String]) -> i32 {
    let p = match t.options(&SPEC, args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    if p.value('d').is_some_and(|d| d.chars().count() != 1) && t.gnu() {
        return t.usage(&SPEC, "the delimiter must be a single character");
    }
    let Some(kind) = p.last_of("bcf") else {
        if t.gnu() {
            return t.usage(&SPEC, "you must specify a list of bytes, characters, or fields");
        }
        t.fail("expected a list of bytes, characters, or fields");
        return 1;
    };
    if p.opts.iter().any(|(c, _)| "bcf".contains(*c) && *c != kind) {
        return t.usage(&SPEC, if t.gnu() { "only one list may be specified" } else { "" });
    }
    let fields = kind == 'f';
    if p.has('d') && !fields && t.gnu() {
        return t.usage(&SPEC, "an input delimiter may be specified only when operating on fields");
    }
    let delim = p.value('d').and_then(|d| d.chars().next()).unwrap_or('\t');
    let chosen = match ranges(t, p.value(kind).unwrap_or_default(), fields) {
        Ok(r) => r,
        Err(message) if t.gnu() => return t.usage(&SPEC, &message),
        Err(message) => {
            t.fail(&message);
            return 1;
        }
    };
    let picked = |n: usize| chosen.iter().any(|&(a, b)| a <= n && n <= b);
    let sources = if p.operands.is_empty() { vec!["-".to_string()] } else { p.operands.clone() };
    let mut status = 0;
    for source in &sources {
        let text = match t.input(source) {
            Ok(text) => text,
            Err(e) => {
                t.fail(&format!("{source}: {e}"));
                status = 1;
                continue;
            }
        };
        let mut out = String::new();
        for line in lines(&text) {
            if !fields {
                out.extend(line.chars().enumerate().filter(|(i, _)| picked(i + 1)).map(|(_, c)| c));
            } else if line.contains(delim) {
                let kept: Vec<&str> = line.split(delim).enumerate().filter(|(i, _)| picked(i + 1)).map(|(_, f)| f).collect();
                out.push_str(&kept.join(&delim.to_string()));
            } else if p.has('s') {
                continue;
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        t.out(&out);
    }
    status
}
