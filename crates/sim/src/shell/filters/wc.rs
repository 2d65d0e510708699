//! `wc`: newline, word, character and byte counts and the longest line, per input and in
//! total. GNU sizes its columns to the inputs (seven wide when one is standard input);
//! busybox pads every column to nine.

use super::{Spec, Tool};

const SPEC: Spec = Spec {
    gnu: "clLmw",
    long: &[("bytes", 'c'), ("chars", 'm'), ("lines", 'l'), ("words", 'w'), ("max-line-length", 'L')],
    busybox: "cmlwL",
    busybox_long: Some(&[]),
    unsimulated: "",
    gnu_usage: "",
    busybox_usage: "wc [-cmlwL] [FILE]...",
    status: 1,
};

/// The columns in the order both print them.
const COLUMNS: [char; 5] = ['l', 'w', 'm', 'c', 'L'];

/// Each column's count for `text`.
fn counts(text: &str) -> [usize; 5] {
    // The longest line as displayed: tabs move to the next multiple of eight.
    let width = |line: &str| line.chars().fold(0, |w, c| if c == '\t' { w / 8 * 8 + 8 } else { w + 1 });
    let longest = text.lines().map(width).max().unwrap_or(0);
    [text.matches('\n').count(), text.split_whitespace().count(), text.chars().count(), text.len(), longest]
}

/// `wc`; the exit status.
pub(super) fn wc(t: &mut Tool, args: &[String]) -> i32 {
    let p = match t.options(&SPEC, args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let picked: Vec<usize> = if p.opts.is_empty() { vec![0, 1, 3] } else { (0..5).filter(|&i| p.has(COLUMNS[i])).collect() };
    let named = !p.operands.is_empty();
    let sources = if named { p.operands.clone() } else { vec!["-".to_string()] };
    let inputs: Vec<(String, Result<String, String>)> = sources.iter().map(|s| (s.clone(), t.input(s))).collect();
    let alone = picked.len() == 1 && sources.len() == 1;
    let width = match (t.gnu(), alone) {
        (_, true) => 1,
        (false, false) => 9,
        // GNU: wide enough for the files' total size; seven when one is standard input.
        (true, false) => {
            let size: usize = inputs.iter().filter(|(s, _)| s != "-").filter_map(|(_, r)| r.as_ref().ok()).map(String::len).sum();
            let floor = if sources.iter().any(|s| s == "-") { 7 } else { 1 };
            size.to_string().len().max(floor)
        }
    };
    let row = |counts: &[usize; 5], name: Option<&str>| {
        let cells: Vec<String> = picked.iter().map(|&i| format!("{:>width$}", counts[i])).collect();
        format!("{}{}\n", cells.join(" "), name.map_or(String::new(), |n| format!(" {n}")))
    };
    let mut total = [0; 5];
    let mut status = 0;
    for (source, read) in &inputs {
        match read {
            Ok(text) => {
                let c = counts(text);
                // The longest line in total is the longest of all.
                total.iter_mut().zip(c).enumerate().for_each(|(i, (t, n))| *t = if i == 4 { (*t).max(n) } else { *t + n });
                t.out(&row(&c, named.then_some(source.as_str())));
            }
            Err(e) => {
                t.fail(&format!("{source}: {e}"));
                status = 1;
            }
        }
    }
    if sources.len() > 1 {
        t.out(&row(&total, Some("total")));
    }
    status
}
