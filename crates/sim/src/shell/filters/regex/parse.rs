//! Reading a pattern: BRE, ERE or `-P` syntax into an [`Ast`], with its bracket
//! expressions collected as [`Set`]s.

use super::{is_word, Error, Syntax};

/// The largest repeat count POSIX allows (`RE_DUP_MAX`).
const DUP_MAX: u32 = 32767;

/// A position test that consumes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Assert {
    /// `^`.
    Start,
    /// `$`.
    End,
    /// `\<`.
    WordStart,
    /// `\>`.
    WordEnd,
    /// `\b`.
    Boundary,
    /// `\B`.
    NotBoundary,
    /// No word character just before (GNU `grep -w`'s left edge).
    NoWordBefore,
    /// No word character just after (GNU `grep -w`'s right edge).
    NoWordAfter,
}

/// A bracket expression (or `\w`, `\s` and their negations).
#[derive(Clone, Debug, Default)]
pub(super) struct Set {
    negated: bool,
    ranges: Vec<(char, char)>,
    classes: Vec<fn(&char) -> bool>,
}

impl Set {
    fn has(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) || self.classes.iter().any(|f| f(&c))
    }

    /// Whether `c` is in the set (with `fold`, in either case).
    pub(super) fn matches(&self, c: char, fold: bool) -> bool {
        let hit = self.has(c) || (fold && (c.to_lowercase().any(|l| self.has(l)) || c.to_uppercase().any(|u| self.has(u))));
        hit != self.negated
    }
}

/// A parsed pattern.
#[derive(Clone, Debug)]
pub(super) enum Ast {
    /// Matches the empty string.
    Empty,
    /// One character.
    Char(char),
    /// `.`.
    Any,
    /// A bracket expression, by its index in the parser's sets.
    Set(usize),
    /// A position test.
    Assert(Assert),
    /// One after the other.
    Cat(Vec<Ast>),
    /// Any one of them.
    Alt(Vec<Ast>),
    /// Between a least and (unless `None`) a most number of times.
    Repeat(Box<Ast>, u32, Option<u32>),
}

/// The class named in `[[:name:]]`.
fn class(name: &str) -> Option<fn(&char) -> bool> {
    Some(match name {
        "alpha" => |c: &char| c.is_alphabetic(),
        "digit" => char::is_ascii_digit,
        "alnum" => |c: &char| c.is_alphanumeric(),
        "upper" => |c: &char| c.is_uppercase(),
        "lower" => |c: &char| c.is_lowercase(),
        "space" => |c: &char| c.is_whitespace(),
        "blank" => |c: &char| *c == ' ' || *c == '\t',
        "punct" => char::is_ascii_punctuation,
        "xdigit" => char::is_ascii_hexdigit,
        "cntrl" => |c: &char| c.is_control(),
        "print" => |c: &char| !c.is_control(),
        "graph" => |c: &char| !c.is_control() && !c.is_whitespace(),
        _ => return None,
    })
}

/// Reads a pattern into an [`Ast`], collecting its sets.
pub(super) struct Parser {
    /// The pattern and the cursor in it.
    p: Vec<char>,
    i: usize,
    ere: bool,
    perl: bool,
    /// How many groups are open.
    depth: usize,
    /// Groups closed so far (what a back-reference may name).
    groups: usize,
    sets: Vec<Set>,
}

impl Parser {
    /// A parser for patterns in `syntax` (fixed strings need none).
    pub(super) fn new(syntax: Syntax) -> Parser {
        let perl = syntax == Syntax::Perl;
        Parser { p: Vec::new(), i: 0, ere: syntax == Syntax::Extended || perl, perl, depth: 0, groups: 0, sets: Vec::new() }
    }

    /// One pattern's tree.
    pub(super) fn parse(&mut self, pattern: &str) -> Result<Ast, Error> {
        (self.p, self.i, self.groups) = (pattern.chars().collect(), 0, 0);
        let ast = self.alternation()?;
        if self.i < self.p.len() {
            // Only a `\)` (BRE) with no group open stops a branch early.
            return Err(Error::CloseParen);
        }
        Ok(ast)
    }

    /// The sets the trees refer to.
    pub(super) fn into_sets(self) -> Vec<Set> {
        self.sets
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.p.get(self.i + k).copied()
    }

    /// Whether the text at the cursor is `c` (ERE) or `\c` (BRE).
    fn at_operator(&self, c: char) -> bool {
        if self.ere {
            self.peek(0) == Some(c)
        } else {
            self.peek(0) == Some('\\') && self.peek(1) == Some(c)
        }
    }

    fn skip_operator(&mut self) {
        self.i += if self.ere { 1 } else { 2 };
    }

    /// Branches separated by `|` (`\|` in BRE), up to the end or a group's `)`.
    fn alternation(&mut self) -> Result<Ast, Error> {
        let mut branches = vec![self.branch()?];
        while self.at_operator('|') {
            self.skip_operator();
            branches.push(self.branch()?);
        }
        Ok(if branches.len() == 1 { branches.remove(0) } else { Ast::Alt(branches) })
    }

    /// Whether a branch ends at the cursor: the pattern's end, `|`, or a group's `)`.
    fn branch_ends(&self) -> bool {
        self.i >= self.p.len() || self.at_operator('|') || (self.at_operator(')') && (self.depth > 0 || !self.ere))
    }

    fn branch(&mut self) -> Result<Ast, Error> {
        let mut items: Vec<Ast> = Vec::new();
        let start = self.i;
        while !self.branch_ends() {
            let leading = items.iter().all(|a| matches!(a, Ast::Assert(Assert::Start)));
            let c = self.p[self.i];
            self.i += 1;
            let atom = match c {
                '^' if self.ere || self.i - 1 == start => Ast::Assert(Assert::Start),
                '$' if self.ere || self.branch_ends() => Ast::Assert(Assert::End),
                '.' => Ast::Any,
                '[' => self.bracket()?,
                '(' if self.ere => self.group()?,
                // A leading `*` is literal in BRE; ERE ignores a leading repeat, as GNU does.
                '*' if leading && !self.ere => Ast::Char('*'),
                '*' | '+' | '?' if leading && self.ere => continue,
                '\\' => self.escape()?,
                c => Ast::Char(c),
            };
            // In BRE a `*` right after a leading `^` is literal too.
            let anchor = !self.ere && matches!(atom, Ast::Assert(Assert::Start));
            items.push(if anchor { atom } else { self.repeats(atom)? });
        }
        Ok(match items.len() {
            0 => Ast::Empty,
            1 => items.remove(0),
            _ => Ast::Cat(items),
        })
    }

    fn group(&mut self) -> Result<Ast, Error> {
        self.depth += 1;
        let inner = self.alternation()?;
        self.depth -= 1;
        if !self.at_operator(')') {
            return Err(Error::Paren);
        }
        self.skip_operator();
        self.groups += 1;
        Ok(inner)
    }

    /// What follows a backslash.
    fn escape(&mut self) -> Result<Ast, Error> {
        let Some(c) = self.peek(0) else { return Err(Error::TrailingBackslash) };
        self.i += 1;
        let set = |sets: &mut Vec<Set>, negated: bool, f: fn(&char) -> bool| {
            sets.push(Set { negated, ranges: Vec::new(), classes: vec![f] });
            Ast::Set(sets.len() - 1)
        };
        Ok(match c {
            '(' if !self.ere => self.group()?,
            '<' => Ast::Assert(Assert::WordStart),
            '>' => Ast::Assert(Assert::WordEnd),
            'b' => Ast::Assert(Assert::Boundary),
            'B' => Ast::Assert(Assert::NotBoundary),
            'w' | 'W' => set(&mut self.sets, c == 'W', |c| is_word(*c)),
            's' | 'S' => set(&mut self.sets, c == 'S', |c| c.is_whitespace()),
            'd' | 'D' if self.perl => set(&mut self.sets, c == 'D', char::is_ascii_digit),
            '1'..='9' if c.to_digit(10).is_some_and(|n| n as usize > self.groups) => return Err(Error::InvalidBackReference),
            '1'..='9' => return Err(Error::BackReference),
            c => Ast::Char(c),
        })
    }

    /// The repeats after an atom: `*`, `+`, `?` and intervals.
    fn repeats(&mut self, mut atom: Ast) -> Result<Ast, Error> {
        loop {
            let (min, max) = match self.peek(0) {
                Some('*') => {
                    self.i += 1;
                    (0, None)
                }
                Some('+' | '?') if self.ere => {
                    self.i += 1;
                    if self.p[self.i - 1] == '+' { (1, None) } else { (0, Some(1)) }
                }
                Some('\\') if !self.ere && matches!(self.peek(1), Some('+' | '?')) => {
                    self.i += 2;
                    if self.p[self.i - 1] == '+' { (1, None) } else { (0, Some(1)) }
                }
                _ if self.at_operator('{') => {
                    let back = self.i;
                    self.skip_operator();
                    match self.interval() {
                        Some((min, max)) if max.is_some_and(|m| m < min) => return Err(Error::BraceContent),
                        Some((min, max)) if min > DUP_MAX || max.is_some_and(|m| m > DUP_MAX) => return Err(Error::TooBig),
                        Some(bounds) => bounds,
                        // In ERE a `{` that starts no interval is literal, as GNU takes it.
                        None if self.ere => {
                            self.i = back;
                            return Ok(atom);
                        }
                        None if self.p[back..].windows(2).any(|w| w == ['\\', '}']) => return Err(Error::BraceContent),
                        None => return Err(Error::Brace),
                    }
                }
                _ => return Ok(atom),
            };
            atom = Ast::Repeat(Box::new(atom), min, max);
        }
    }

    /// `N}`, `N,}`, `,M}` or `N,M}` (with `\}` in BRE) after the opening brace; `None`
    /// when the text is not one of them.
    fn interval(&mut self) -> Option<(u32, Option<u32>)> {
        let min = self.number();
        let max = if self.peek(0) == Some(',') {
            self.i += 1;
            self.number()
        } else {
            Some(min?)
        };
        if !self.at_operator('}') {
            return None;
        }
        self.skip_operator();
        Some((min.unwrap_or(0), max))
    }

    /// The digits at the cursor, if any (too large a number is `u32::MAX`).
    fn number(&mut self) -> Option<u32> {
        let from = self.i;
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let digits: String = self.p[from..self.i].iter().collect();
        (!digits.is_empty()).then(|| digits.parse::<u32>().unwrap_or(u32::MAX))
    }

    /// A bracket expression, after its `[`.
    fn bracket(&mut self) -> Result<Ast, Error> {
        let mut set = Set { negated: self.peek(0) == Some('^'), ..Set::default() };
        self.i += usize::from(set.negated);
        if self.i >= self.p.len() {
            return Err(Error::Invalid);
        }
        let mut first = true;
        loop {
            let c = self.peek(0).ok_or(Error::Bracket)?;
            self.i += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = match (c, self.peek(0)) {
                ('[', Some(kind @ (':' | '=' | '.'))) => {
                    let rest: String = self.p[self.i + 1..].iter().collect();
                    let end = rest.find(&format!("{kind}]")).ok_or(Error::Bracket)?;
                    let name = &rest[..end];
                    self.i += 1 + name.chars().count() + 2;
                    if kind == ':' {
                        set.classes.push(class(name).ok_or(Error::ClassName)?);
                        if self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']') {
                            return Err(Error::Range);
                        }
                        continue;
                    }
                    let mut chars = name.chars();
                    match (chars.next(), chars.next()) {
                        (Some(one), None) => one,
                        _ => return Err(Error::Collation),
                    }
                }
                (c, _) => c,
            };
            let hi = match (self.peek(0), self.peek(1)) {
                (Some('-'), Some(hi)) if hi != ']' => {
                    self.i += 2;
                    hi
                }
                _ => lo,
            };
            if hi < lo {
                return Err(Error::Range);
            }
            set.ranges.push((lo, hi));
        }
        self.sets.push(set);
        Ok(Ast::Set(self.sets.len() - 1))
    }
}
