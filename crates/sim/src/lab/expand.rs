//! Word expansion: variables (`$?`, `$$`, `$!`, positional parameters),
//! command substitution in a forked subshell, field splitting, and file name
//! globbing with `*` and `?`.

use super::container::Stop;
use super::fs::{FsError, Node};
use super::script;
use super::sh::{Dest, Io, Sh, MAX_DEPTH};
use crate::shell::parse::{Part, Script, Word};
use std::cell::RefCell;
use crate::api::StringMap;
use std::rc::Rc;

impl Sh<'_, '_> {
    /// Sets a variable (a change the loop detector sees).
    pub fn set_var(&mut self, name: &str, value: &str) {
        if self.st.vars.get(name).map(String::as_str) != Some(value) {
            self.st.vars.insert(name.to_string(), value.to_string());
            self.c.changes += 1;
        }
    }

    /// The variables, for `env` and `export`.
    pub fn vars(&self) -> &StringMap {
        &self.st.vars
    }

    /// A file's text as this process reads it.
    pub fn read_text(&self, path: &str) -> Result<String, FsError> {
        match self.c.follow(self.st.pid, &self.path(path))? {
            Node::File(text) => Ok(text),
            Node::Dir => Err(FsError::IsDir),
            _ => Ok(String::new()),
        }
    }

    pub(super) fn lookup(&self, name: &str) -> String {
        match name {
            "?" => self.st.status.to_string(),
            "$" => self.st.top.to_string(),
            "0" => self.name().into(),
            "#" => self.st.vars.get("#").cloned().unwrap_or_else(|| "0".into()),
            _ => self.st.vars.get(name).cloned().unwrap_or_default(),
        }
    }

    /// Literal text; `$!` (which the console's grammar leaves as text) is the last background PID.
    pub(super) fn text(&self, t: &str) -> String {
        if t.contains("$!") {
            t.replace("$!", &self.st.last_bg.map_or(String::new(), |p| p.to_string()))
        } else {
            t.to_string()
        }
    }

    /// `$(...)`: a forked subshell's output, trailing newlines removed.
    pub(super) fn substitute(&mut self, script: &Script) -> Result<String, Stop> {
        let nodes = match script::structure(script) {
            Ok(n) => n,
            Err(msg) => {
                self.err(&format!("{}: {msg}\n", self.name()));
                return Ok(String::new());
            }
        };
        let pid = self.fork()?;
        let buffer = Rc::new(RefCell::new(String::new()));
        let io = Io { stdin: String::new(), out: Dest::Buffer(buffer.clone()), err: self.st.io.err.clone() };
        let depth = self.st.depth;
        let result = if depth >= MAX_DEPTH {
            Err(self.c.kill(pid, 11))
        } else {
            let mut child = self.child(pid, io);
            child.st.depth += 1;
            child.nodes(&nodes, true)
        };
        self.st.status = self.ended(pid, result, false)?;
        let text = buffer.take();
        Ok(text.trim_end_matches('\n').to_string())
    }

    /// A word's fields: quoted parts join, unquoted expansions split on blanks,
    /// and unquoted `*` or `?` match file names.
    pub fn expand(&mut self, word: &Word) -> Result<Vec<String>, Stop> {
        let mut fields: Vec<(String, bool)> = Vec::new();
        let mut current: Option<(String, bool)> = None;
        for part in word {
            let (value, quoted, literal) = match part {
                Part::Text { text, quoted } => (self.text(text), *quoted, true),
                Part::Var { name, quoted } => (self.lookup(name), *quoted, false),
                Part::Command { script, quoted } => (self.substitute(script)?, *quoted, false),
            };
            if quoted || literal {
                let cur = current.get_or_insert_with(|| (String::new(), false));
                cur.1 |= !quoted && value.contains(['*', '?']);
                cur.0.push_str(&value);
                continue;
            }
            if value.starts_with(char::is_whitespace) {
                fields.extend(current.take());
            }
            let pieces: Vec<&str> = value.split_whitespace().collect();
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    fields.extend(current.take());
                }
                current.get_or_insert_with(|| (String::new(), false)).0.push_str(piece);
            }
            if value.ends_with(char::is_whitespace) && !pieces.is_empty() {
                fields.extend(current.take());
            }
        }
        fields.extend(current);
        Ok(fields.into_iter().flat_map(|(f, glob)| if glob { self.glob(&f) } else { vec![f] }).collect())
    }

    /// A word expanded without splitting (assignments, redirection targets, heredocs).
    pub fn expand_joined(&mut self, word: &Word) -> Result<String, Stop> {
        let mut s = String::new();
        for part in word {
            match part {
                Part::Text { text, .. } => s.push_str(&self.text(text)),
                Part::Var { name, .. } => s.push_str(&self.lookup(name)),
                Part::Command { script, .. } => s.push_str(&self.substitute(script)?),
            }
        }
        Ok(s)
    }

    /// Names matching a pattern in its last component (the pattern itself when none does).
    pub(super) fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, name) = pattern.rfind('/').map_or(("", pattern), |i| (&pattern[..=i], &pattern[i + 1..]));
        let listed = self.c.list(self.st.pid, &self.path(if dir.is_empty() { "." } else { dir })).unwrap_or_default();
        let found: Vec<String> = listed.into_iter().filter(|(n, _)| !n.starts_with('.') && wildcard(name, n)).map(|(n, _)| format!("{dir}{n}")).collect();
        if found.is_empty() {
            vec![pattern.to_string()]
        } else {
            found
        }
    }
}

/// Whether `name` matches a pattern of `*` (any run) and `?` (one character):
/// the set of pattern positions reachable so far steps through the name.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    // A star matches the empty run too: from it the next position is reachable.
    let close = |set: &mut Vec<bool>| {
        for i in 0..p.len() {
            if set[i] && p[i] == '*' {
                set[i + 1] = true;
            }
        }
    };
    let mut set = vec![false; p.len() + 1];
    set[0] = true;
    close(&mut set);
    for c in name.chars() {
        let mut next = vec![false; p.len() + 1];
        for (i, pc) in p.iter().enumerate().filter(|(i, _)| set[*i]) {
            match pc {
                '*' => next[i] = true,
                '?' => next[i + 1] = true,
                pc if *pc == c => next[i + 1] = true,
                _ => {}
            }
        }
        close(&mut next);
        set = next;
    }
    set[p.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_a_shell() {
        assert!(wildcard("*.txt", "a.txt") && wildcard("a?c", "abc") && wildcard("*", "") && wildcard("a*", "a"));
        assert!(!wildcard("a*d", "abc") && !wildcard("?", "") && !wildcard("x", "xy"));
        assert!(!wildcard(&"*a".repeat(200), &"a".repeat(100)), "no exponential backtracking");
    }
}
