//! The grammar of the lab's `sh -c`: the console's parser ([`crate::shell::parse`])
//! reads words, quotes, pipelines, lists, `$(...)`, redirections and heredocs;
//! this module adds what a container's shell needs beyond the console, without
//! a second parser: before parsing, [`super::prepass`] takes function
//! definitions out and marks background `&`s; after parsing, `for`, `while`,
//! `until` and `if` are rebuilt from the flat list of pipelines by their
//! keywords, with what follows their `done`/`fi` (redirections, pipes, `&`).

use super::prepass;
use crate::shell::parse::{self, Command, Join, ParseError, Part, Pipeline, Redirect, Script, Word};

/// Stands for `&` after the pipeline it backgrounds (NUL never occurs in a request).
pub const BG: &str = "\u{0}bg";
/// Stands for a function definition taken out before parsing; the next word is its index.
pub const DEF: &str = "\u{0}def";

/// A command of a compiled script.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A pipeline, in the foreground or (`&`) the background.
    Pipe {
        /// How it joins the node before.
        join: Join,
        /// Its commands.
        pipeline: Pipeline,
        /// Ended by `&`.
        background: bool,
    },
    /// `for VAR in WORDS; do BODY; done`.
    For {
        /// How it joins the node before.
        join: Join,
        /// The loop variable.
        var: String,
        /// The words it takes in turn, before expansion.
        items: Vec<Word>,
        /// The commands run for each.
        body: Vec<Node>,
    },
    /// `while COND; do BODY; done`, or `until`.
    While {
        /// How it joins the node before.
        join: Join,
        /// `until`: loop while the condition fails.
        until: bool,
        /// The condition's commands.
        cond: Vec<Node>,
        /// The commands run each time.
        body: Vec<Node>,
    },
    /// `if COND; then BODY; elif ...; else ...; fi`.
    If {
        /// How it joins the node before.
        join: Join,
        /// Each condition with the commands it guards, in order.
        arms: Vec<(Vec<Node>, Vec<Node>)>,
        /// The `else` commands.
        otherwise: Vec<Node>,
    },
    /// Defines function number `index` of the script's table.
    Def {
        /// How it joins the node before.
        join: Join,
        /// Its index in [`Program::functions`].
        index: usize,
    },
    /// A compound command with redirections (`done < file`), piped into more
    /// commands (`done | sort`), or in the background (`done &`).
    Group {
        /// How it joins the node before.
        join: Join,
        /// The compound command.
        node: Box<Node>,
        /// Redirections written after its `done` or `fi`.
        redirects: Vec<Redirect>,
        /// The commands it pipes into.
        tail: Vec<Command>,
        /// Ended by `&`.
        background: bool,
    },
}

impl Node {
    /// How the node joins the one before it.
    pub fn join(&self) -> Join {
        match self {
            Node::Pipe { join, .. } | Node::For { join, .. } | Node::While { join, .. } | Node::If { join, .. } | Node::Def { join, .. } | Node::Group { join, .. } => *join,
        }
    }
}

/// A compiled script: its commands and the functions it defines (name, body text).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    /// The commands.
    pub nodes: Vec<Node>,
    /// Function definitions by index: name and body (itself with definitions taken out).
    pub functions: Vec<(String, String)>,
}

/// Compiles a script; the error reads like busybox's (`syntax error: ...`).
pub fn compile(text: &str) -> Result<Program, String> {
    let mut functions = Vec::new();
    let text = prepass::take_functions(text, &mut functions);
    Ok(Program { nodes: body(&text)?, functions })
}

/// Compiles text whose definitions were already taken out (a function's body).
pub fn body(text: &str) -> Result<Vec<Node>, String> {
    structure(&parse::parse(&prepass::mark_background(text)).map_err(message)?)
}

fn message(e: ParseError) -> String {
    match e {
        ParseError::Incomplete(w) if w == "'" || w == "\"" => "syntax error: unterminated quoted string".into(),
        ParseError::Incomplete(w) if w == "command substitution" => "syntax error: unexpected end of file (expecting \")\")".into(),
        ParseError::Incomplete(_) => "syntax error: unexpected end of file".into(),
        ParseError::Syntax(m) if m.contains("subshells") => "syntax error: ( ... ) subshells are not simulated".into(),
        ParseError::Syntax(m) if m.contains("arithmetic") => "syntax error: $(( ... )) arithmetic is not simulated".into(),
        ParseError::Syntax(m) => match m.split_once("unexpected token `") {
            Some((_, token)) => format!("syntax error: unexpected \"{}\"", token.trim_end_matches('\'')),
            None => format!("syntax error: {m}"),
        },
    }
}

/// The keyword a word is, if it is an unquoted one.
fn keyword(word: Option<&Word>) -> Option<&'static str> {
    let [Part::Text { text, quoted: false }] = word?.as_slice() else { return None };
    ["for", "while", "until", "if", "then", "elif", "else", "fi", "do", "done", BG, DEF].into_iter().find(|k| k == text)
}

fn literal(word: Option<&Word>) -> Option<String> {
    match word?.as_slice() {
        [Part::Text { text, .. }] => Some(text.clone()),
        _ => None,
    }
}

enum Tok {
    Kw(&'static str, Join),
    /// What follows `done` or `fi`: its redirections and the rest of its pipeline.
    Tail(Vec<Redirect>, Vec<Command>),
    Cmd(Join, Pipeline),
    For(Join, String, Vec<Word>),
    Def(Join, usize),
}

/// Rebuilds compound commands from the parser's flat list of pipelines.
pub fn structure(script: &Script) -> Result<Vec<Node>, String> {
    let mut toks = Vec::new();
    for (join, pipeline) in script {
        let mut pipeline = pipeline.clone();
        let first = pipeline.commands.first().and_then(|c| c.words.first());
        match keyword(first) {
            Some("for") => {
                let words = &pipeline.commands[0].words;
                let var = literal(words.get(1)).filter(|v| parse::is_name(v)).ok_or("syntax error: bad for loop variable")?;
                let items = if literal(words.get(2)).as_deref() == Some("in") { words[3..].to_vec() } else { Vec::new() };
                toks.push(Tok::For(*join, var, items));
            }
            Some(k) if k == DEF => toks.push(Tok::Def(*join, literal(pipeline.commands[0].words.get(1)).and_then(|n| n.parse().ok()).unwrap_or(usize::MAX))),
            Some(k) if k == BG => toks.push(Tok::Kw(BG, *join)),
            Some(k @ ("done" | "fi")) => {
                toks.push(Tok::Kw(k, *join));
                let mut commands = pipeline.commands;
                let end = commands.remove(0);
                if end.words.len() > 1 {
                    return Err(format!("syntax error: unexpected word after \"{k}\""));
                }
                if !end.redirects.is_empty() || !commands.is_empty() {
                    toks.push(Tok::Tail(end.redirects, commands));
                }
            }
            Some(k) => {
                toks.push(Tok::Kw(k, *join));
                let rest = &mut pipeline.commands[0];
                rest.words.remove(0);
                if literal(rest.words.first()).as_deref() == Some("!") {
                    rest.words.remove(0);
                    pipeline.negated = true;
                }
                if rest.words.is_empty() && rest.redirects.is_empty() && rest.assignments.is_empty() {
                    if pipeline.commands.len() > 1 {
                        return Err("syntax error: unexpected \"|\"".into());
                    }
                    continue;
                }
                toks.push(Tok::Cmd(Join::Always, pipeline));
            }
            None => toks.push(Tok::Cmd(*join, pipeline)),
        }
    }
    let mut i = 0;
    Ok(block(&toks, &mut i, &[])?.0)
}

/// A compound command with what follows its `done`/`fi`, if anything does.
fn with_tail(toks: &[Tok], i: &mut usize, node: Node) -> Node {
    match toks.get(*i) {
        Some(Tok::Tail(redirects, tail)) => {
            *i += 1;
            Node::Group { join: node.join(), node: Box::new(node), redirects: redirects.clone(), tail: tail.clone(), background: false }
        }
        _ => node,
    }
}

fn block(toks: &[Tok], i: &mut usize, ends: &[&'static str]) -> Result<(Vec<Node>, &'static str), String> {
    let mut nodes = Vec::new();
    loop {
        let Some(tok) = toks.get(*i) else {
            return match ends.first() {
                None => Ok((nodes, "")),
                Some(end) => Err(format!("syntax error: unexpected end of file (expecting \"{end}\")")),
            };
        };
        *i += 1;
        match tok {
            Tok::Kw(k, _) if ends.contains(k) => return Ok((nodes, k)),
            Tok::Cmd(join, pipeline) => nodes.push(Node::Pipe { join: *join, pipeline: pipeline.clone(), background: false }),
            Tok::Def(join, index) => nodes.push(Node::Def { join: *join, index: *index }),
            Tok::Kw(k, _) if *k == BG => match nodes.last_mut() {
                Some(Node::Pipe { background, .. } | Node::Group { background, .. }) => *background = true,
                Some(last @ (Node::For { .. } | Node::While { .. } | Node::If { .. })) => {
                    let node = std::mem::replace(last, Node::Def { join: Join::Always, index: 0 });
                    *last = Node::Group { join: node.join(), node: Box::new(node), redirects: Vec::new(), tail: Vec::new(), background: true };
                }
                _ => return Err("syntax error: unexpected \"&\"".into()),
            },
            Tok::Tail(..) => return Err("syntax error: unexpected redirection".into()),
            Tok::For(join, var, items) => {
                if !matches!(toks.get(*i), Some(Tok::Kw("do", _))) {
                    return Err("syntax error: unexpected end of file (expecting \"do\")".into());
                }
                *i += 1;
                let body = block(toks, i, &["done"])?.0;
                nodes.push(with_tail(toks, i, Node::For { join: *join, var: var.clone(), items: items.clone(), body }));
            }
            Tok::Kw(k @ ("while" | "until"), join) => {
                let cond = block(toks, i, &["do"])?.0;
                let body = block(toks, i, &["done"])?.0;
                nodes.push(with_tail(toks, i, Node::While { join: *join, until: *k == "until", cond, body }));
            }
            Tok::Kw("if", join) => {
                let (mut arms, mut otherwise) = (Vec::new(), Vec::new());
                loop {
                    let cond = block(toks, i, &["then"])?.0;
                    let (then, end) = block(toks, i, &["elif", "else", "fi"])?;
                    arms.push((cond, then));
                    match end {
                        "elif" => continue,
                        "else" => otherwise = block(toks, i, &["fi"])?.0,
                        _ => {}
                    }
                    break;
                }
                nodes.push(with_tail(toks, i, Node::If { join: *join, arms, otherwise }));
            }
            Tok::Kw(k, _) => return Err(format!("syntax error: unexpected \"{k}\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(nodes: &[Node]) -> Vec<&'static str> {
        nodes
            .iter()
            .map(|n| match n {
                Node::Pipe { background: true, .. } => "bg",
                Node::Pipe { .. } => "pipe",
                Node::For { .. } => "for",
                Node::While { .. } => "while",
                Node::If { .. } => "if",
                Node::Def { .. } => "def",
                Node::Group { background: true, .. } => "bg group",
                Node::Group { .. } => "group",
            })
            .collect()
    }

    #[test]
    fn the_demo_scripts_compile() {
        let p = compile("for n in pid uts; do echo \"$n -> $(readlink /proc/self/ns/$n)\"; done").unwrap();
        assert!(matches!(&p.nodes[..], [Node::For { var, items, body, .. }] if var == "n" && items.len() == 2 && body.len() == 1));
        let p = compile("echo 'a fork bomb'; bomb() { bomb | bomb & }; bomb; sleep 1").unwrap();
        assert_eq!(kinds(&p.nodes), vec!["pipe", "def", "pipe", "pipe"]);
        assert_eq!(p.functions, vec![("bomb".to_string(), " bomb | bomb & ".to_string())]);
        assert_eq!(kinds(&body(&p.functions[0].1).unwrap()), vec!["bg"]);
        let p = compile("nc -l -p 80 & sleep 0.2; netstat -ltn 2>&1 | grep ':80 ' && echo listening; kill $! 2>/dev/null").unwrap();
        assert_eq!(kinds(&p.nodes), vec!["bg", "pipe", "pipe", "pipe", "pipe"]);
        let p = compile("echo x; if [ -x /bin/tree ]; then tree /; elif true; then :; else ls -R /; fi; echo").unwrap();
        assert!(matches!(&p.nodes[1], Node::If { arms, otherwise, .. } if arms.len() == 2 && otherwise.len() == 1));
        assert_eq!(kinds(&compile("timeout 1 sh -c 'while :; do :; done'; echo done").unwrap().nodes), vec!["pipe", "pipe"]);
        assert_eq!(kinds(&compile("while :; do :; done").unwrap().nodes), vec!["while"]);
        let p = compile("for i in 1 2; do echo $i; done | tail -1; while read l; do echo $l; done < f; if true; then sleep 1; fi &").unwrap();
        assert_eq!(kinds(&p.nodes), vec!["group", "group", "bg group"]);
        assert!(matches!(&p.nodes[0], Node::Group { tail, .. } if tail.len() == 1));
        assert!(compile("for i in 1; do :; done x").is_err());
    }

    #[test]
    fn errors_read_like_busybox() {
        assert_eq!(compile("echo 'abc").unwrap_err(), "syntax error: unterminated quoted string");
        assert_eq!(compile("echo $(ls").unwrap_err(), "syntax error: unexpected end of file (expecting \")\")");
        assert_eq!(compile("ls | | x").unwrap_err(), "syntax error: unexpected \"|\"");
        assert_eq!(compile("while true; do echo").unwrap_err(), "syntax error: unexpected end of file (expecting \"done\")");
        assert_eq!(compile("done").unwrap_err(), "syntax error: unexpected \"done\"");
        assert!(compile(":(){ :|:& };:").is_ok());
        for odd in ["&", "& &", "f() {", "f() { f", "for", "for 1 in", "if", "a &&& b", "\u{1}() { }", "))"] {
            let _ = compile(odd);
        }
    }
}
