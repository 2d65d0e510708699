//! Executing a parsed template as Go's text/template (Go 1.20) executes it on the
//! `map[string]interface{}` kubectl decodes an object into: evaluation order,
//! variables and their scopes, `missingkey=default|error`, and execution errors
//! worded and located as Go's (`template: output:1:7: executing "output" at
//! <.spec.a.b>: ...`).

use std::borrow::Cow;

use serde_json::Value;

use super::funcs::{self, Param};
use super::parse::{Arg, Command, Control, Node, Number, Pipe, Tree};
use super::value::{Kind, Val};

/// How deeply `{{template}}` calls may nest.
const MAX_TEMPLATE_DEPTH: usize = 100;
/// How many nodes one execution may visit before it is abandoned.
const MAX_STEPS: usize = 5_000_000;
/// The most text one execution may print.
const MAX_OUTPUT: usize = 64 << 20;

/// Why evaluation stopped early.
enum Flow {
    Error(String),
    Break,
    Continue,
}

type Eval<T> = Result<T, Flow>;

/// The node execution is at, for error messages (Go's `state.at`).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Command(&'t Command),
    Arg(&'t Arg),
}

impl At<'_> {
    fn pos_and_context(&self) -> Option<(usize, String)> {
        match self {
            At::None => None,
            At::Node(n) => Some((node_pos(n), n.to_string())),
            At::Pipe(p) => Some((p.pos, p.to_string())),
            At::Command(c) => Some((c.pos, c.to_string())),
            At::Arg(a) => Some((a.pos(), a.to_string())),
        }
    }
}

fn node_pos(n: &Node) -> usize {
    match n {
        Node::Action { pos, .. } | Node::Control { pos, .. } | Node::Template { pos, .. } => *pos,
        Node::Text(_) | Node::Break | Node::Continue => 0,
    }
}

/// Runs `tree` on `data`, appending to `out`. The error is Go's whole message.
pub(super) fn execute(tree: &Tree, data: &Value, missing_key_error: bool, out: &mut String) -> Result<(), String> {
    let dot = Val::Data(Cow::Borrowed(data), false);
    let mut s = State { tree, name: "output".into(), vars: vec![("$".into(), dot.clone())], at: At::None, out, missing_key_error, depth: 0, steps: 0 };
    match s.walk_list(&dot, &tree.root) {
        Ok(()) => Ok(()),
        Err(Flow::Error(e)) => Err(e),
        // The parser allows these only inside a range.
        Err(Flow::Break | Flow::Continue) => Ok(()),
    }
}

struct State<'a, 't, 'o> {
    tree: &'t Tree,
    name: String,
    vars: Vec<(String, Val<'a>)>,
    at: At<'t>,
    out: &'o mut String,
    missing_key_error: bool,
    depth: usize,
    steps: usize,
}

impl<'a, 't> State<'a, 't, '_> {
    fn error<T>(&self, message: impl std::fmt::Display) -> Eval<T> {
        let text = match self.at.pos_and_context() {
            Some((pos, context)) => format!("template: {}: executing {} at <{context}>: {message}", self.tree.location(pos), super::fmt::quote(&self.name)),
            None => format!("template: {}: {message}", self.name),
        };
        Err(Flow::Error(text))
    }

    fn step(&mut self) -> Eval<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.out.len() > MAX_OUTPUT {
            return self.error("the template runs too long (kubeplay stops it)");
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &Val<'a>, list: &'t [Node]) -> Eval<()> {
        list.iter().try_for_each(|n| self.walk(dot, n))
    }

    fn walk(&mut self, dot: &Val<'a>, node: &'t Node) -> Eval<()> {
        self.step()?;
        self.at = At::Node(node);
        match node {
            Node::Text(t) => {
                self.out.push_str(t);
                Ok(())
            }
            Node::Action { pipe, .. } => {
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    match value {
                        Val::Missing => self.out.push_str("<no value>"),
                        v => self.out.push_str(&super::fmt::sprint_one(&v)),
                    }
                }
                Ok(())
            }
            Node::Break => Err(Flow::Break),
            Node::Continue => Err(Flow::Continue),
            Node::Control { kind: Control::Range, pipe, list, else_list, .. } => self.walk_range(dot, pipe, list, else_list.as_deref()),
            Node::Control { kind, pipe, list, else_list, .. } => {
                let mark = self.vars.len();
                let result = (|| {
                    let value = self.eval_pipeline(dot, pipe)?;
                    if value.truth() {
                        let dot = if *kind == Control::With { &value } else { dot };
                        self.walk_list(dot, list)
                    } else if let Some(else_list) = else_list {
                        self.walk_list(dot, else_list)
                    } else {
                        Ok(())
                    }
                })();
                self.vars.truncate(mark);
                result
            }
            Node::Template { name, pipe, .. } => {
                let Some(body) = self.tree.defined.get(name).map(Vec::as_slice).or((name == "output").then_some(self.tree.root.as_slice())) else {
                    return self.error(format!("template {} not defined", super::fmt::quote(name)));
                };
                if self.depth >= MAX_TEMPLATE_DEPTH {
                    return self.error(format!("exceeded maximum template depth ({MAX_TEMPLATE_DEPTH})"));
                }
                let new_dot = match pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Val::Missing,
                };
                let saved_vars = std::mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
                let saved_name = std::mem::replace(&mut self.name, name.clone());
                self.depth += 1;
                let result = self.walk_list(&new_dot, body);
                self.depth -= 1;
                self.name = saved_name;
                self.vars = saved_vars;
                result
            }
        }
    }

    fn walk_range(&mut self, dot: &Val<'a>, pipe: &'t Pipe, list: &'t [Node], else_list: Option<&'t [Node]>) -> Eval<()> {
        let mark = self.vars.len();
        let result = (|| {
            self.at = At::Pipe(pipe);
            let value = self.eval_commands(dot, pipe)?;
            let items: Vec<(Val<'a>, Val<'a>)> = match (&value, value.kind()) {
                (Val::Data(d, _), Kind::Slice) => (0..d.as_array().map_or(0, Vec::len)).filter_map(|i| child(d, Key::Index(i)).map(|c| (Val::Int(i as i64), Val::Data(c, true)))).collect(),
                (Val::Data(d, _), Kind::Map) => {
                    let mut keys: Vec<&String> = d.as_object().map(|m| m.keys().collect()).unwrap_or_default();
                    crate::sorting::sort_by(&mut keys, |a, b| a.cmp(b));
                    keys.into_iter().filter_map(|k| child(d, Key::Field(k)).map(|c| (Val::Str(k.clone()), Val::Data(c, true)))).collect()
                }
                (_, Kind::Invalid) => Vec::new(),
                _ => return self.error(format!("range can't iterate over {}", super::fmt::sprint_one(&value))),
            };
            for name in &pipe.decl {
                self.vars.push((name.clone(), value.clone()));
            }
            if items.is_empty() {
                return match else_list {
                    Some(e) => self.walk_list(dot, e),
                    None => Ok(()),
                };
            }
            let inner = self.vars.len();
            for (index, elem) in items {
                match pipe.decl.len() {
                    1 => self.set_top_var(1, elem.clone()),
                    2 => {
                        self.set_top_var(1, elem.clone());
                        self.set_top_var(2, index);
                    }
                    _ => {}
                }
                let result = self.walk_list(&elem, list);
                self.vars.truncate(inner);
                match result {
                    Err(Flow::Break) => break,
                    Ok(()) | Err(Flow::Continue) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        })();
        self.vars.truncate(mark);
        result
    }

    fn set_top_var(&mut self, n: usize, value: Val<'a>) {
        let len = self.vars.len();
        if let Some(slot) = self.vars.get_mut(len - n) {
            slot.1 = value;
        }
    }

    /// A pipeline's commands, each result the last argument of the next.
    fn eval_commands(&mut self, dot: &Val<'a>, pipe: &'t Pipe) -> Eval<Val<'a>> {
        let mut value: Option<Val<'a>> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.unboxed());
        }
        Ok(value.unwrap_or(Val::Missing))
    }

    fn eval_pipeline(&mut self, dot: &Val<'a>, pipe: &'t Pipe) -> Eval<Val<'a>> {
        self.at = At::Pipe(pipe);
        let value = self.eval_commands(dot, pipe)?;
        for name in &pipe.decl {
            if pipe.is_assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => return self.error(format!("undefined variable: {name}")),
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn eval_command(&mut self, dot: &Val<'a>, cmd: &'t Command, last: Option<Val<'a>>) -> Eval<Val<'a>> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(_, idents) => {
                self.at = At::Arg(first);
                self.eval_field_chain(dot.clone(), idents, &cmd.args, last)
            }
            Arg::Chain(..) => self.eval_chain(dot, first, &cmd.args, last),
            Arg::Identifier(_, name) => self.eval_function(dot, first, name, At::Command(cmd), &cmd.args, last),
            Arg::Pipe(pipe) => {
                self.not_a_function(&cmd.args, &last)?;
                self.eval_pipeline(dot, pipe)
            }
            Arg::Variable(_, idents) => self.eval_variable(first, idents, &cmd.args, last),
            _ => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &last)?;
                match first {
                    Arg::Bool(_, b) => Ok(Val::Bool(*b)),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(_) => self.error("nil is not a command"),
                    Arg::Number(_, n) => self.ideal_constant(first, n),
                    Arg::String(_, _, s) => Ok(Val::Str(s.clone())),
                    _ => self.error(format!("can't evaluate command {}", super::fmt::quote(&first.to_string()))),
                }
            }
        }
    }

    fn not_a_function(&self, args: &[Arg], last: &Option<Val<'a>>) -> Eval<()> {
        if args.len() > 1 || last.is_some() {
            return self.error(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn ideal_constant(&mut self, arg: &'t Arg, n: &Number) -> Eval<Val<'a>> {
        self.at = At::Arg(arg);
        let text = n.text.as_str();
        let hex_int = text.trim_start_matches(['+', '-']).get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x")) && !text.contains(['p', 'P']);
        let rune = text.starts_with('\'');
        match (n.float, n.int) {
            (Some(f), _) if !hex_int && !rune && text.contains(['.', 'e', 'E', 'p', 'P']) => Ok(Val::Float(f)),
            (_, Some(i)) => Ok(Val::Int(i)),
            _ => self.error(format!("{text} overflows int")),
        }
    }

    fn eval_variable(&mut self, arg: &'t Arg, idents: &[String], args: &'t [Arg], last: Option<Val<'a>>) -> Eval<Val<'a>> {
        self.at = At::Arg(arg);
        let Some(value) = self.vars.iter().rev().find(|(n, _)| *n == idents[0]).map(|(_, v)| v.clone()) else {
            return self.error(format!("undefined variable: {}", idents[0]));
        };
        if idents.len() == 1 {
            self.not_a_function(args, &last)?;
            return Ok(value);
        }
        self.eval_field_chain(value, &idents[1..], args, last)
    }

    fn eval_chain(&mut self, dot: &Val<'a>, chain: &'t Arg, args: &'t [Arg], last: Option<Val<'a>>) -> Eval<Val<'a>> {
        let Arg::Chain(_, node, fields) = chain else { return self.error("internal error: not a chain") };
        self.at = At::Arg(chain);
        if matches!(node.as_ref(), Arg::Nil(_)) {
            return self.error(format!("indirection through explicit nil in {chain}"));
        }
        let receiver = self.eval_arg(dot, Param::Untyped, node)?;
        self.eval_field_chain(receiver, fields, args, last)
    }

    /// `.a.b.c` from `receiver`; errors are located where execution last was (Go's
    /// evalFieldChain does not move it).
    fn eval_field_chain(&mut self, mut receiver: Val<'a>, idents: &[String], args: &'t [Arg], last: Option<Val<'a>>) -> Eval<Val<'a>> {
        let n = idents.len();
        for name in &idents[..n - 1] {
            receiver = self.eval_field(name, &[], &None, receiver)?;
        }
        self.eval_field(&idents[n - 1], args, &last, receiver)
    }

    fn eval_field(&self, name: &str, args: &[Arg], last: &Option<Val<'a>>, receiver: Val<'a>) -> Eval<Val<'a>> {
        let data = match &receiver {
            Val::Missing => {
                if self.missing_key_error {
                    return self.error(format!("nil data; no entry for key {}", super::fmt::quote(name)));
                }
                return Ok(Val::Missing);
            }
            Val::Data(d, _) => d,
            Val::Nil => return self.error(format!("nil pointer evaluating interface {{}}.{name}")),
            other => return self.error(format!("can't evaluate field {name} in type {}", other.static_type_name())),
        };
        match data.as_ref() {
            Value::Null => self.error(format!("nil pointer evaluating {}.{name}", receiver.static_type_name())),
            Value::Object(_) => {
                if args.len() > 1 || last.is_some() {
                    return self.error(format!("{name} is not a method but has arguments"));
                }
                match child(data, Key::Field(name)) {
                    Some(c) => Ok(Val::Data(c, true)),
                    None if self.missing_key_error => self.error(format!("map has no entry for key {}", super::fmt::quote(name))),
                    None => Ok(Val::Missing),
                }
            }
            _ => self.error(format!("can't evaluate field {name} in type {}", receiver.static_type_name())),
        }
    }

    fn eval_function(&mut self, dot: &Val<'a>, ident: &'t Arg, name: &str, node: At<'t>, args: &'t [Arg], last: Option<Val<'a>>) -> Eval<Val<'a>> {
        self.at = At::Arg(ident);
        let Some(signature) = funcs::signature(name) else {
            return self.error(format!("{} is not a defined function", super::fmt::quote(name)));
        };
        let args = &args[1..];
        let num_in = args.len() + usize::from(last.is_some());
        let fixed = signature.fixed.len();
        match signature.variadic {
            Some(_) if num_in < fixed => return self.error(format!("wrong number of args for {name}: want at least {fixed} got {}", args.len())),
            None if num_in != fixed => return self.error(format!("wrong number of args for {name}: want {fixed} got {num_in}")),
            _ => {}
        }
        let param = |i: usize| signature.fixed.get(i).copied().or(signature.variadic).unwrap_or(Param::Value);
        if name == "and" || name == "or" {
            let mut value = Val::Missing;
            for arg in args {
                value = self.eval_arg(dot, Param::Value, arg)?.unboxed();
                if value.truth() == (name == "or") {
                    return Ok(value);
                }
            }
            if let Some(last) = last {
                value = last;
            }
            return Ok(value);
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, arg) in args.iter().enumerate() {
            argv.push(self.eval_arg(dot, param(i), arg)?);
        }
        if let Some(last) = last {
            argv.push(self.validate(last, param(num_in - 1))?);
        }
        match funcs::call(name, argv) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at = node;
                self.error(format!("error calling {name}: {e}"))
            }
        }
    }

    /// An argument, converted for a parameter as Go's `evalArg` does.
    fn eval_arg(&mut self, dot: &Val<'a>, param: Param, arg: &'t Arg) -> Eval<Val<'a>> {
        self.at = At::Arg(arg);
        let value = match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                return match param {
                    Param::Value => Ok(Val::Missing),
                    Param::Any | Param::Untyped => Ok(Val::Nil),
                    Param::Str => self.error("cannot assign nil to string"),
                }
            }
            Arg::Field(_, idents) => self.eval_field_chain(dot.clone(), idents, std::slice::from_ref(arg), None)?,
            Arg::Variable(_, idents) => self.eval_variable(arg, idents, std::slice::from_ref(arg), None)?,
            Arg::Pipe(pipe) => self.eval_pipeline(dot, pipe)?,
            Arg::Identifier(_, name) => self.eval_function(dot, arg, name, At::Arg(arg), std::slice::from_ref(arg), None)?,
            Arg::Chain(..) => self.eval_chain(dot, arg, std::slice::from_ref(arg), None)?,
            Arg::Bool(_, b) if param != Param::Str => Val::Bool(*b),
            Arg::Number(_, n) if param != Param::Str => self.ideal_constant(arg, n)?,
            Arg::String(_, _, s) => Val::Str(s.clone()),
            _ => return self.error(format!("expected string; found {arg}")),
        };
        self.validate(value, param)
    }

    /// Go's `validateType`: whether a value fits a parameter.
    fn validate(&self, value: Val<'a>, param: Param) -> Eval<Val<'a>> {
        match (param, &value) {
            (Param::Value | Param::Untyped, _) => Ok(value),
            (Param::Any, Val::Missing) => Ok(Val::Nil),
            (Param::Any, _) => Ok(value),
            (Param::Str, Val::Missing) => self.error("invalid value; expected string"),
            (Param::Str, v) if v.kind() == Kind::String => Ok(value),
            (Param::Str, Val::Data(d, true)) if d.is_null() => self.error("wrong type for value; expected string; got interface {}"),
            (Param::Str, v) => self.error(format!("wrong type for value; expected string; got {}", v.type_name())),
        }
    }
}

/// A key into a map or an index into a slice.
pub(super) enum Key<'k> {
    Field(&'k str),
    Index(usize),
}

/// A child of a JSON value, borrowed when its parent is.
pub(super) fn child<'a>(parent: &Cow<'a, Value>, key: Key<'_>) -> Option<Cow<'a, Value>> {
    let pick = |v: &'a Value| match key {
        Key::Field(k) => v.as_object()?.get(k),
        Key::Index(i) => v.as_array()?.get(i),
    };
    match parent {
        Cow::Borrowed(v) => pick(v).map(Cow::Borrowed),
        Cow::Owned(v) => match key {
            Key::Field(k) => v.as_object()?.get(k).cloned().map(Cow::Owned),
            Key::Index(i) => v.as_array()?.get(i).cloned().map(Cow::Owned),
        },
    }
}
