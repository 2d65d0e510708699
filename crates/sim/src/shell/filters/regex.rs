//! `grep`'s regular expressions: POSIX basic (BRE) and extended (ERE) syntax with the GNU
//! extensions both GNU grep and busybox (built on glibc's regcomp) accept (`\|`, `\+`, `\?`,
//! `\<`, `\>`, `\b`, `\B`, `\w`, `\W`, `\s`, `\S`), or fixed strings. A pattern compiles to a
//! small program that a set of threads steps through the text together (Thompson's
//! construction), so matching takes time linear in the text whatever the pattern.
//! Back-references (`\1`) are the one thing left out: they need backtracking.

mod parse;

use parse::{Assert, Ast, Parser, Set};

/// How a pattern is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Basic regular expressions (`grep`).
    Basic,
    /// Extended regular expressions (`grep -E`).
    Extended,
    /// Literal strings (`grep -F`).
    Fixed,
    /// GNU's `grep -P`, as far as it agrees with extended syntax, plus `\d` and `\D`.
    Perl,
}

/// Why a pattern does not compile; [`Error::gnu`] words it as GNU grep does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// `[` or `[^` ends the pattern.
    Invalid,
    /// A bracket expression is not closed.
    Bracket,
    /// `\(` (or `(` in ERE) is not closed.
    Paren,
    /// `\)` without its `\(`.
    CloseParen,
    /// `\{` is not closed.
    Brace,
    /// An interval that is not `{N}`, `{N,}`, `{,M}` or `{N,M}` with N <= M.
    BraceContent,
    /// A range whose end comes before its start, like `[z-a]`.
    Range,
    /// `[[:name:]]` with an unknown name.
    ClassName,
    /// `[[.xy.]]`: a collating element other than one character.
    Collation,
    /// The pattern ends with `\`.
    TrailingBackslash,
    /// A repeat count above 32767, or a program too large to run.
    TooBig,
    /// `\1`..`\9` beyond the groups before it.
    InvalidBackReference,
    /// `\1`..`\9` (valid): not simulated.
    BackReference,
}

impl Error {
    /// The message after `grep: `, as GNU grep prints it.
    pub fn gnu(self) -> &'static str {
        match self {
            Error::Invalid => "Invalid regular expression",
            Error::Bracket => "Unmatched [, [^, [:, [., or [=",
            Error::Paren => "Unmatched ( or \\(",
            Error::CloseParen => "Unmatched ) or \\)",
            Error::Brace => "Unmatched \\{",
            Error::BraceContent => "Invalid content of \\{\\}",
            Error::Range => "Invalid range end",
            Error::ClassName => "Invalid character class name",
            Error::Collation => "Invalid collation character",
            Error::TrailingBackslash => "Trailing backslash",
            Error::TooBig => "Regular expression too big",
            Error::InvalidBackReference => "Invalid back reference",
            Error::BackReference => "back-references (\\1) are not simulated",
        }
    }
}

/// The most instructions a program may have. A match costs the text's length times the
/// program's size, so this also bounds how long one line can take.
const MAX_PROGRAM: usize = 5_000;

/// How many instructions `ast` compiles to (saturating), so a pattern too big is refused
/// before it is emitted: `((){32767}){32767}` must not loop a billion times to emit nothing.
fn cost(ast: &Ast) -> usize {
    match ast {
        Ast::Empty => 0,
        Ast::Char(_) | Ast::Any | Ast::Set(_) | Ast::Assert(_) => 1,
        Ast::Cat(items) => items.iter().fold(0, |n, i| n.saturating_add(cost(i))),
        Ast::Alt(branches) => branches.iter().fold(0, |n, b| n.saturating_add(cost(b)).saturating_add(2)),
        Ast::Repeat(body, min, max) => {
            let body = cost(body);
            if body == 0 {
                return 0;
            }
            let copies = max.map_or(u64::from(*min) + 1, u64::from).max(u64::from(*min));
            usize::try_from(copies).unwrap_or(usize::MAX).saturating_mul(body.saturating_add(2))
        }
    }
}

/// Whether `c` is part of a word for `-w`, `\<`, `\>`, `\b` and `\w`.
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One step of a program.
#[derive(Clone, Copy, Debug)]
enum Inst {
    /// Consumes this character.
    Char(char),
    /// Consumes any character.
    Any,
    /// Consumes a character in the set.
    Set(usize),
    /// Goes on if the assertion holds.
    Assert(Assert),
    /// Goes on at both.
    Split(usize, usize),
    /// Goes on there.
    Jmp(usize),
    /// A match ends here.
    Match,
}

/// A compiled pattern (or several: `grep -e A -e B`).
#[derive(Clone, Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    sets: Vec<Set>,
    fold: bool,
}

/// How `-i` compares characters.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

impl Regex {
    /// Compiles `patterns` (any one matching is a match); `ignore_case` is `-i`.
    pub fn new(patterns: &[String], syntax: Syntax, ignore_case: bool) -> Result<Regex, Error> {
        Regex::compile(patterns, syntax, ignore_case, false)
    }

    /// [`Regex::new`] matching only whole words, as GNU `grep -w` does: no word character
    /// just before a match or just after it. Compiled into the program, so a line is still
    /// read once.
    pub fn whole_words(patterns: &[String], syntax: Syntax, ignore_case: bool) -> Result<Regex, Error> {
        Regex::compile(patterns, syntax, ignore_case, true)
    }

    fn compile(patterns: &[String], syntax: Syntax, ignore_case: bool, words: bool) -> Result<Regex, Error> {
        let mut parser = Parser::new(syntax);
        let mut branches = Vec::new();
        for pattern in patterns {
            branches.push(if syntax == Syntax::Fixed { Ast::Cat(pattern.chars().map(Ast::Char).collect()) } else { parser.parse(pattern)? });
        }
        let mut re = Regex { prog: Vec::new(), sets: parser.into_sets(), fold: ignore_case };
        let mut ast = Ast::Alt(branches);
        if words {
            ast = Ast::Cat(vec![Ast::Assert(Assert::NoWordBefore), ast, Ast::Assert(Assert::NoWordAfter)]);
        }
        if cost(&ast) >= MAX_PROGRAM {
            return Err(Error::TooBig);
        }
        re.emit(&ast)?;
        re.prog.push(Inst::Match);
        Ok(re)
    }

    fn push(&mut self, inst: Inst) -> Result<usize, Error> {
        if self.prog.len() >= MAX_PROGRAM {
            return Err(Error::TooBig);
        }
        self.prog.push(inst);
        Ok(self.prog.len() - 1)
    }

    fn emit(&mut self, ast: &Ast) -> Result<(), Error> {
        match ast {
            Ast::Empty => {}
            Ast::Char(c) => {
                self.push(Inst::Char(if self.fold { fold(*c) } else { *c }))?;
            }
            Ast::Any => {
                self.push(Inst::Any)?;
            }
            Ast::Set(i) => {
                self.push(Inst::Set(*i))?;
            }
            Ast::Assert(a) => {
                self.push(Inst::Assert(*a))?;
            }
            Ast::Cat(items) => {
                for item in items {
                    self.emit(item)?;
                }
            }
            Ast::Alt(branches) => {
                let Some((last, rest)) = branches.split_last() else { return Ok(()) };
                let mut jumps = Vec::new();
                for branch in rest {
                    let split = self.push(Inst::Split(0, 0))?;
                    self.emit(branch)?;
                    jumps.push(self.push(Inst::Jmp(0))?);
                    self.prog[split] = Inst::Split(split + 1, self.prog.len());
                }
                self.emit(last)?;
                for j in jumps {
                    self.prog[j] = Inst::Jmp(self.prog.len());
                }
            }
            Ast::Repeat(body, _, _) if cost(body) == 0 => {}
            Ast::Repeat(body, min, max) => {
                for _ in 0..*min {
                    self.emit(body)?;
                }
                match max {
                    None => {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(body)?;
                        self.push(Inst::Jmp(split))?;
                        self.prog[split] = Inst::Split(split + 1, self.prog.len());
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Split(0, 0))?);
                            self.emit(body)?;
                        }
                        for s in splits {
                            self.prog[s] = Inst::Split(s + 1, self.prog.len());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the instruction at `pc` consumes the character at `pos`.
    fn consumes(&self, pc: usize, text: &[char], pos: usize) -> bool {
        let Some(&c) = text.get(pos) else { return false };
        match self.prog[pc] {
            Inst::Char(want) => want == if self.fold { fold(c) } else { c },
            Inst::Any => true,
            Inst::Set(i) => self.sets[i].matches(c, self.fold),
            _ => false,
        }
    }

    /// Runs the program from `from`, starting a thread at each position (at `from` only
    /// when `anchored`). `hit(start, end)` is told of each match and answers the latest
    /// start still of interest (threads that started later are dropped), or `None` to stop.
    /// Threads are kept in order of their start, earliest first.
    fn run(&self, text: &[char], from: usize, anchored: bool, mut hit: impl FnMut(usize, usize) -> Option<usize>) {
        let mut scan = Scan { re: self, text, marks: vec![usize::MAX; self.prog.len()], stack: Vec::new() };
        let (mut cur, mut next) = (Vec::new(), Vec::new());
        let mut latest = usize::MAX;
        for pos in from..=text.len() {
            if (pos == from || !anchored) && pos <= latest {
                scan.add(&mut cur, 0, pos, pos);
            }
            next.clear();
            for &(pc, start) in &cur {
                if start > latest {
                    continue;
                }
                if matches!(self.prog[pc], Inst::Match) {
                    match hit(start, pos) {
                        Some(l) => latest = l,
                        None => return,
                    }
                } else if self.consumes(pc, text, pos) {
                    scan.add(&mut next, pc + 1, start, pos + 1);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            if cur.is_empty() && (anchored || latest <= pos) {
                return;
            }
        }
    }

    /// Whether the pattern matches somewhere in `line`.
    pub fn is_match(&self, line: &str) -> bool {
        let text: Vec<char> = line.chars().collect();
        let mut found = false;
        self.run(&text, 0, false, |_, _| {
            found = true;
            None
        });
        found
    }

    /// The leftmost-longest match starting at or after `from`, as character positions.
    pub fn find(&self, text: &[char], from: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        self.run(text, from, false, |start, end| {
            if best.is_none_or(|(s, e)| start < s || (start == s && end > e)) {
                best = Some((start, end));
            }
            best.map(|(s, _)| s)
        });
        best
    }

    /// Where the matches starting at `start` end, shortest first.
    pub fn ends(&self, text: &[char], start: usize) -> Vec<usize> {
        let mut ends = Vec::new();
        self.run(text, start, true, |_, end| {
            ends.push(end);
            Some(usize::MAX)
        });
        ends
    }
}

/// A run's threads being followed through jumps, splits and assertions.
struct Scan<'a> {
    re: &'a Regex,
    text: &'a [char],
    /// The position each instruction was last added to a list for (each is in a list once).
    marks: Vec<usize>,
    stack: Vec<usize>,
}

impl Scan<'_> {
    /// Adds the thread at `pc` (started at `start`) to `list`, the threads at `pos`.
    fn add(&mut self, list: &mut Vec<(usize, usize)>, pc: usize, start: usize, pos: usize) {
        self.stack.push(pc);
        while let Some(pc) = self.stack.pop() {
            if self.marks[pc] == pos {
                continue;
            }
            self.marks[pc] = pos;
            match self.re.prog[pc] {
                Inst::Jmp(to) => self.stack.push(to),
                Inst::Split(a, b) => self.stack.extend([b, a]),
                Inst::Assert(a) if holds(a, self.text, pos) => self.stack.push(pc + 1),
                Inst::Assert(_) => {}
                _ => list.push((pc, start)),
            }
        }
    }
}

/// Whether an assertion holds at `pos`.
fn holds(a: Assert, text: &[char], pos: usize) -> bool {
    let before = pos > 0 && is_word(text[pos - 1]);
    let after = text.get(pos).is_some_and(|c| is_word(*c));
    match a {
        Assert::Start => pos == 0,
        Assert::End => pos == text.len(),
        Assert::WordStart => !before && after,
        Assert::WordEnd => before && !after,
        Assert::Boundary => before != after,
        Assert::NotBoundary => before == after,
        Assert::NoWordBefore => !before,
        Assert::NoWordAfter => !after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str, syntax: Syntax) -> Regex {
        Regex::new(&[p.to_string()], syntax, false).unwrap_or_else(|e| panic!("{p}: {e:?}"))
    }

    fn matches(p: &str, text: &str) -> bool {
        re(p, Syntax::Basic).is_match(text)
    }

    #[test]
    fn basic_regular_expressions() {
        assert!(matches("CapEff", "CapEff:\t00000000a00425fb"));
        assert!(matches(":80 ", "tcp        0      0 :::80                   :::*"));
        assert!(matches("^Cap.*fb$", "CapEff:\t00000000a00425fb"));
        assert!(!matches("^Eff", "CapEff"));
        assert!(matches("a*b", "b") && !matches("x", ""));
        assert!(!matches(&format!("{}b", "a*".repeat(500)), &"a".repeat(5000)), "linear, not exponential");
    }

    #[test]
    fn basic_syntax_in_detail() {
        assert!(matches("ng.nx", "nginx") && !matches("ng\\.nx", "nginx") && matches("a\\.b", "a.b"));
        assert!(matches("*a", "x*a") && matches("^*", "*x") && !matches("^*", "x"), "a leading * is literal");
        assert!(matches("a^b$c", "a^b$c"), "^ and $ are literal inside");
        assert!(matches("x\\|re", "redis") && matches("n\\+g", "nng") && matches("^x\\?n", "nginx"));
        assert!(matches("r\\(e\\)*d", "rd") && matches("\\(ab\\)\\{2\\}", "abab") && !matches("^\\(ab\\)\\{2\\}$", "ab"));
        assert!(matches("a|b", "a|b") && !matches("a|b", "a"), "| is literal in BRE");
        assert!(matches("[[:digit:]]\\{3\\}", "port 443") && !matches("[[:digit:]]\\{3\\}", "port 80"));
        assert!(matches("[^a-z]", "NGINX") && !matches("[^a-z]", "nginx") && matches("[]a]", "]"));
        assert!(matches("\\<web\\>", "a web b") && !matches("\\<web\\>", "webs") && matches("\\bdb\\b", "db-1"));
        assert!(matches("\\w\\s\\w", "a b") && !matches("\\W", "ab_1"));
    }

    #[test]
    fn extended_syntax_and_fixed_strings() {
        let ere = |p: &str, t: &str| re(p, Syntax::Extended).is_match(t);
        assert!(ere("(ng|di)+", "redis") && ere("^a{2,3}$", "aaa") && !ere("^a{2,3}$", "aaaa"));
        assert!(ere("a{x}", "a{x}") && ere("a{", "a{"), "a brace that starts no interval is literal");
        assert!(ere("x?nginx", "nginx") && ere("+a", "xa") && ere("a)", "a)"));
        assert!(re("n.", Syntax::Fixed).is_match("n.x") && !re("n.", Syntax::Fixed).is_match("nx"));
        let either = Regex::new(&["web".into(), "DB".into()], Syntax::Basic, true).unwrap();
        assert!(either.is_match("db-1") && either.is_match("WEB") && !either.is_match("cache"));
    }

    #[test]
    fn leftmost_longest_matches() {
        let text: Vec<char> = "xx nginx ngx".chars().collect();
        let r = re("ng[a-z]*", Syntax::Basic);
        assert_eq!(r.find(&text, 0), Some((3, 8)));
        assert_eq!(r.find(&text, 8), Some((9, 12)));
        assert_eq!(re("a\\|ab", Syntax::Basic).find(&['a', 'b'], 0), Some((0, 2)));
        assert_eq!(re("x*", Syntax::Basic).ends(&['x', 'x'], 0), vec![0, 1, 2]);
    }

    #[test]
    fn errors_are_worded_as_gnu_grep_words_them() {
        let err = |p: &str, syntax| Regex::new(&[p.to_string()], syntax, false).unwrap_err();
        assert_eq!(err("[", Syntax::Basic), Error::Invalid);
        assert_eq!(err("[a", Syntax::Basic).gnu(), "Unmatched [, [^, [:, [., or [=");
        assert_eq!(err("a\\(", Syntax::Basic), Error::Paren);
        assert_eq!(err("a(", Syntax::Extended), Error::Paren);
        assert_eq!(err("a\\)", Syntax::Basic), Error::CloseParen);
        assert_eq!(err("a\\{1", Syntax::Basic), Error::Brace);
        assert_eq!(err("a\\{x\\}", Syntax::Basic), Error::BraceContent);
        assert_eq!(err("a{2,1}", Syntax::Extended), Error::BraceContent);
        assert_eq!(err("[z-a]", Syntax::Basic), Error::Range);
        assert_eq!(err("[[:foo:]]", Syntax::Basic), Error::ClassName);
        assert_eq!(err("a\\", Syntax::Basic), Error::TrailingBackslash);
        assert_eq!(err("x\\{99999\\}", Syntax::Basic), Error::TooBig);
        assert!(Regex::new(&["a\\{1000\\}".into()], Syntax::Basic, false).is_ok());
        // Sizes are counted before emitting: nested repeats of nothing compile to nothing at
        // once, and a program that would make every line slow is refused.
        let nothing = Regex::new(&["((){32767}){32767}".into()], Syntax::Extended, false).expect("an empty repeat is empty");
        assert!(nothing.prog.len() < 8, "{}", nothing.prog.len());
        assert_eq!(err("(((a){100}){100}){100}", Syntax::Extended), Error::TooBig);
        assert_eq!(err(".\\{0,20000\\}x", Syntax::Basic), Error::TooBig);
    }
}
