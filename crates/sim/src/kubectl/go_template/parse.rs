//! The parser of Go's text/template (Go 1.20): the node tree `exec` walks, the
//! nodes' `String()` forms that execution errors quote, and the parser's messages
//! (`template: output:LINE: ...`).

use crate::small_map::SmallMap;

use super::lex::{lex, Item, ItemType};
use super::literal::{number, unquote};

/// How deeply actions, parentheses and control blocks may nest.
const MAX_DEPTH: usize = 100;

/// A node of the tree, with its byte offset in the template (`pos`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    /// Text outside actions.
    Text(String),
    /// `{{pipeline}}`.
    Action { pos: usize, pipe: Pipe },
    /// `{{if}}`, `{{range}}` or `{{with}}`.
    Control { kind: Control, pos: usize, pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    /// `{{break}}`.
    Break,
    /// `{{continue}}`.
    Continue,
    /// `{{template "name" pipeline}}`.
    Template { pos: usize, name: String, pipe: Option<Pipe> },
}

/// Which control block a [`Node::Control`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Control {
    If,
    Range,
    With,
}

impl Control {
    fn word(self) -> &'static str {
        match self {
            Control::If => "if",
            Control::Range => "range",
            Control::With => "with",
        }
    }
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pipe {
    pub pos: usize,
    /// `$x = ...` rather than `$x := ...`.
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

/// One command of a pipeline: a function and its arguments, or a single operand.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Arg {
    /// `.` (dot).
    Dot(usize),
    /// `nil`.
    Nil(usize),
    /// `true`, `false`.
    Bool(usize, bool),
    /// A number literal, with its text.
    Number(usize, Number),
    /// A string literal: its text as written, and its value.
    String(usize, String, String),
    /// `.a.b`.
    Field(usize, Vec<String>),
    /// `$x.a.b` (`$` and its fields).
    Variable(usize, Vec<String>),
    /// A function name.
    Identifier(usize, String),
    /// `(pipeline)`.
    Pipe(Box<Pipe>),
    /// `(pipeline).a.b`, or any other operand followed by fields.
    Chain(usize, Box<Arg>, Vec<String>),
}

/// A number literal as Go's parser reads it: an integer, a float, or both.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Number {
    pub text: String,
    pub int: Option<i64>,
    pub float: Option<f64>,
    /// Too big for an int64 but a valid unsigned integer (it overflows `int` when used).
    pub uint_only: bool,
}

impl Arg {
    /// The operand's byte offset.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Dot(p) | Arg::Nil(p) | Arg::Bool(p, _) | Arg::Number(p, _) | Arg::String(p, _, _) | Arg::Field(p, _) | Arg::Variable(p, _) | Arg::Identifier(p, _) | Arg::Chain(p, _, _) => *p,
            Arg::Pipe(pipe) => pipe.pos,
        }
    }
}

impl std::fmt::Display for Arg {
    /// Go's `Node.String()`, as execution errors quote the node (`at <.a.b>`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => f.write_str(&n.text),
            Arg::String(_, quoted, _) => f.write_str(quoted),
            Arg::Field(_, idents) => idents.iter().try_for_each(|i| write!(f, ".{i}")),
            Arg::Variable(_, idents) => f.write_str(&idents.join(".")),
            Arg::Identifier(_, name) => f.write_str(name),
            Arg::Pipe(pipe) => write!(f, "{pipe}"),
            Arg::Chain(_, node, fields) => {
                match node.as_ref() {
                    Arg::Pipe(pipe) => write!(f, "({pipe})")?,
                    other => write!(f, "{other}")?,
                }
                fields.iter().try_for_each(|i| write!(f, ".{i}"))
            }
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match arg {
                Arg::Pipe(pipe) => write!(f, "({pipe})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, cmd) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{cmd}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut std::fmt::Formatter<'_>, list: &[Node]) -> std::fmt::Result {
    list.iter().try_for_each(|n| write!(f, "{n}"))
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Text(t) => write!(f, "{}", super::fmt::quote(t)),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::Control { kind, pipe, list, else_list, .. } => {
                write!(f, "{{{{{} {pipe}}}}}", kind.word())?;
                write_list(f, list)?;
                if let Some(e) = else_list {
                    f.write_str("{{else}}")?;
                    write_list(f, e)?;
                }
                f.write_str("{{end}}")
            }
            Node::Break => f.write_str("{{break}}"),
            Node::Continue => f.write_str("{{continue}}"),
            Node::Template { name, pipe, .. } => match pipe {
                Some(p) => write!(f, "{{{{template {} {p}}}}}", super::fmt::quote(name)),
                None => write!(f, "{{{{template {}}}}}", super::fmt::quote(name)),
            },
        }
    }
}

/// A parsed template: its main list and the templates it defines.
#[derive(Debug, Default)]
pub(super) struct Tree {
    /// The template's text (for error locations).
    pub text: String,
    pub root: Vec<Node>,
    /// `{{define "name"}}` and `{{block "name"}}` bodies.
    pub defined: SmallMap<String, Vec<Node>>,
}

impl Tree {
    /// `output:LINE:COL` of a byte offset, as Go's `ErrorContext` (the column counts
    /// bytes from 0).
    pub fn location(&self, pos: usize) -> String {
        let before = &self.text[..pos.min(self.text.len())];
        let line = 1 + before.matches('\n').count();
        let col = before.rfind('\n').map_or(pos, |nl| pos - nl - 1);
        format!("output:{line}:{col}")
    }
}

/// Go's `IsEmptyTree`: nothing but space.
fn is_empty(list: &[Node]) -> bool {
    list.iter().all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
}

/// What `{{end}}` or `{{else}}` ended a list.
enum Ending {
    End,
    Else { else_if: bool },
}

/// Parses a template as `template.New("output").Funcs(kubectl's).Parse(text)` does.
/// The error is the whole message, `template: output:1: ...`.
pub(super) fn parse(text: &str, functions: &[&str]) -> Result<Tree, String> {
    let items = lex(text);
    let mut p = Parser { items, at: 0, vars: vec!["$".into()], functions, range_depth: 0, depth: 0, defined: SmallMap::new() };
    let fail = |(line, msg): (usize, String)| format!("template: output:{line}: {msg}");
    let mut root = p.parse_root().map_err(fail)?;
    // The main template is named "output" too: a `{{define "output"}}` replaces an
    // empty one, and clashes with one that has content.
    if let Some(defined) = p.defined.get("output") {
        if !is_empty(&root) && !is_empty(defined) {
            let line = p.items.last().map_or(1, |i| i.line);
            return Err(fail((line, "template: multiple definition of template \"output\"".into())));
        }
        if is_empty(&root) {
            root = defined.clone();
        }
    }
    Ok(Tree { text: text.to_string(), root, defined: p.defined })
}

type ParseResult<T> = Result<T, (usize, String)>;

struct Parser<'f> {
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    functions: &'f [&'f str],
    range_depth: usize,
    depth: usize,
    defined: SmallMap<String, Vec<Node>>,
}

impl Parser<'_> {
    fn peek(&self) -> &Item {
        &self.items[self.at.min(self.items.len() - 1)]
    }

    fn next(&mut self) -> Item {
        let item = self.peek().clone();
        self.at += 1;
        item
    }

    fn backup(&mut self) {
        self.at -= 1;
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.typ != ItemType::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup();
        item
    }

    fn error<T>(&self, message: impl Into<String>) -> ParseResult<T> {
        // Go reports the line of the token last read.
        let line = self.items[self.at.saturating_sub(1).min(self.items.len() - 1)].line;
        Err((line, message.into()))
    }

    fn error_at<T>(&self, item: &Item, message: impl Into<String>) -> ParseResult<T> {
        Err((item.line, message.into()))
    }

    fn unexpected<T>(&self, item: &Item, context: &str) -> ParseResult<T> {
        if item.typ == ItemType::Error {
            return self.error_at(item, item.val.clone());
        }
        self.error_at(item, format!("unexpected {item} in {context}"))
    }

    fn expect(&mut self, typ: ItemType, context: &str) -> ParseResult<Item> {
        let item = self.next_non_space();
        if item.typ != typ {
            return self.unexpected(&item, context);
        }
        Ok(item)
    }

    fn nest(&mut self) -> ParseResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("template nests too deeply");
        }
        Ok(())
    }

    fn parse_root(&mut self) -> ParseResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let start = self.at;
                self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.definition()?;
                    continue;
                }
                self.at = start;
            }
            match self.text_or_action()? {
                Err(Ending::End) => return self.error("unexpected {{end}}"),
                Err(Ending::Else { .. }) => return self.error("unexpected {{else}}"),
                Ok(node) => root.extend(node),
            }
        }
        Ok(root)
    }

    /// `{{define "name"}}...{{end}}` (the `define` already read).
    fn definition(&mut self) -> ParseResult<()> {
        let name = self.expect_one_of_strings("define clause")?;
        self.expect(ItemType::RightDelim, "define clause")?;
        let (list, ending) = self.item_list()?;
        if !matches!(ending, Ending::End) {
            return self.error("unexpected {{else}} in define clause");
        }
        self.add_definition(name, list)
    }

    fn add_definition(&mut self, name: String, list: Vec<Node>) -> ParseResult<()> {
        // Go lets a definition that is only space be replaced, and refuses two with content.
        let empty = is_empty;
        if let Some(old) = self.defined.get(&name) {
            if !empty(old) && !empty(&list) {
                return self.error(format!("template: multiple definition of template {}", super::fmt::quote(&name)));
            }
            if empty(&list) {
                return Ok(());
            }
        }
        self.defined.insert(name, list);
        Ok(())
    }

    fn expect_one_of_strings(&mut self, context: &str) -> ParseResult<String> {
        let item = self.next_non_space();
        match item.typ {
            ItemType::String | ItemType::RawString => unquote(&item.val).or_else(|e| self.error_at(&item, e)),
            _ => self.unexpected(&item, context),
        }
    }

    /// Nodes up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> ParseResult<(Vec<Node>, Ending)> {
        let mut list = Vec::new();
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Err(ending) => return Ok((list, ending)),
                Ok(node) => list.extend(node),
            }
        }
        self.error("unexpected EOF")
    }

    /// A node (`None` for a comment), or the `{{end}}`/`{{else}}` that ends a list.
    fn text_or_action(&mut self) -> ParseResult<Result<Option<Node>, Ending>> {
        let item = self.next_non_space();
        match item.typ {
            ItemType::Text => Ok(Ok(Some(Node::Text(item.val)))),
            ItemType::LeftDelim => {
                self.nest()?;
                let result = self.action();
                self.depth -= 1;
                result
            }
            _ => self.unexpected(&item, "input"),
        }
    }

    fn action(&mut self) -> ParseResult<Result<Option<Node>, Ending>> {
        let item = self.next_non_space();
        let node = match item.typ {
            ItemType::Block => self.block()?,
            ItemType::Break | ItemType::Continue => {
                let word = if item.typ == ItemType::Break { "break" } else { "continue" };
                let close = self.next_non_space();
                if close.typ != ItemType::RightDelim {
                    return self.unexpected(&close, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.error(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                if item.typ == ItemType::Break {
                    Node::Break
                } else {
                    Node::Continue
                }
            }
            ItemType::Else => {
                // `{{else if ...}}`: the `if` is left for the control that owns the else.
                let peek = self.peek_non_space();
                if peek.typ == ItemType::If {
                    return Ok(Err(Ending::Else { else_if: true }));
                }
                self.expect(ItemType::RightDelim, "else")?;
                return Ok(Err(Ending::Else { else_if: false }));
            }
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Err(Ending::End));
            }
            ItemType::If => self.control(Control::If)?,
            ItemType::Range => self.control(Control::Range)?,
            ItemType::With => self.control(Control::With)?,
            ItemType::Template => self.template("template")?,
            _ => {
                self.backup();
                let pos = self.peek().pos;
                Node::Action { pos, pipe: self.pipeline("command", ItemType::RightDelim)? }
            }
        };
        Ok(Ok(Some(node)))
    }

    /// `{{template "name" pipeline}}` (the keyword already read).
    fn template(&mut self, context: &str) -> ParseResult<Node> {
        let item = self.next_non_space();
        let name = match item.typ {
            ItemType::String | ItemType::RawString => unquote(&item.val).or_else(|e| self.error_at(&item, e))?,
            _ => return self.unexpected(&item, &format!("{context} clause")),
        };
        let pipe = if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            Some(self.pipeline(&format!("{context} clause"), ItemType::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template { pos: item.pos, name, pipe })
    }

    /// `{{if|range|with pipeline}} list [{{else}} list] {{end}}`, and `{{else if}}` chains.
    fn control(&mut self, kind: Control) -> ParseResult<Node> {
        let vars = self.vars.len();
        let pipe = self.pipeline(kind.word(), ItemType::RightDelim)?;
        if kind == Control::Range {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if kind == Control::Range {
            self.range_depth -= 1;
        }
        let (list, ending) = listed?;
        let else_list = match ending {
            Ending::End => None,
            Ending::Else { else_if: true, .. } if kind == Control::If => {
                self.next_non_space(); // the `if`
                self.nest()?;
                let inner = self.control(Control::If);
                self.depth -= 1;
                Some(vec![inner?])
            }
            Ending::Else { .. } => {
                let (else_list, ending) = self.item_list()?;
                if let Ending::Else { .. } = ending {
                    return self.error("expected end; found {{else}}");
                }
                Some(else_list)
            }
        };
        self.vars.truncate(vars);
        Ok(Node::Control { kind, pos: pipe.pos, pipe, list, else_list })
    }

    fn block(&mut self) -> ParseResult<Node> {
        let context = "block clause";
        let item = self.next_non_space();
        let name = match item.typ {
            ItemType::String | ItemType::RawString => unquote(&item.val).or_else(|e| self.error_at(&item, e))?,
            _ => return self.unexpected(&item, context),
        };
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let (list, ending) = self.item_list()?;
        if !matches!(ending, Ending::End) {
            return self.error("unexpected {{else}} in block clause");
        }
        self.add_definition(name.clone(), list)?;
        Ok(Node::Template { pos: item.pos, name, pipe: Some(pipe) })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> ParseResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe { pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            let start = self.at;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.typ {
                ItemType::Assign | ItemType::Declare => {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    break;
                }
                ItemType::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => continue,
                            _ => return self.error("range can only initialize variables"),
                        }
                    }
                    return self.error(format!("too many declarations in {context}"));
                }
                _ => {
                    self.at = start;
                    break;
                }
            }
        }
        loop {
            let item = self.next_non_space();
            match item.typ {
                t if t == end => {
                    if pipe.cmds.is_empty() {
                        return self.error(format!("missing value for {context}"));
                    }
                    for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
                        if matches!(cmd.args[0], Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::String(..)) {
                            return self.error(format!("non executable command in pipeline stage {}", i + 1));
                        }
                    }
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&item, context),
            }
        }
    }

    fn command(&mut self) -> ParseResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command { pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let item = self.next();
            match item.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&item, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.error("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> ParseResult<Option<Arg>> {
        let Some(node) = self.term()? else { return Ok(None) };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            fields.push(self.next().val[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field(_, mut idents) => {
                idents.extend(fields);
                Arg::Field(pos, idents)
            }
            Arg::Variable(_, mut idents) => {
                idents.extend(fields);
                Arg::Variable(pos, idents)
            }
            Arg::Bool(..) | Arg::String(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                return self.error(format!("unexpected . after term {}", super::fmt::quote(&node.to_string())));
            }
            other => Arg::Chain(pos, Box::new(other), fields),
        }))
    }

    fn term(&mut self) -> ParseResult<Option<Arg>> {
        let item = self.next_non_space();
        Ok(Some(match item.typ {
            ItemType::Identifier => {
                if !self.functions.contains(&item.val.as_str()) {
                    return self.error_at(&item, format!("function {} not defined", super::fmt::quote(&item.val)));
                }
                Arg::Identifier(item.pos, item.val)
            }
            ItemType::Dot => Arg::Dot(item.pos),
            ItemType::Nil => Arg::Nil(item.pos),
            ItemType::Variable => {
                if !self.vars.contains(&item.val) {
                    return self.error_at(&item, format!("undefined variable {}", super::fmt::quote(&item.val)));
                }
                Arg::Variable(item.pos, vec![item.val])
            }
            ItemType::Field => Arg::Field(item.pos, vec![item.val[1..].to_string()]),
            ItemType::Bool => Arg::Bool(item.pos, item.val == "true"),
            ItemType::Number | ItemType::CharConstant => {
                let n = number(&item.val, item.typ == ItemType::CharConstant).or_else(|e| self.error_at(&item, e))?;
                Arg::Number(item.pos, n)
            }
            ItemType::LeftParen => {
                self.nest()?;
                let pipe = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            ItemType::String | ItemType::RawString => {
                let value = unquote(&item.val).or_else(|e| self.error_at(&item, e))?;
                Arg::String(item.pos, item.val, value)
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}
