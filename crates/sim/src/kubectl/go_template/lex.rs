//! The lexer of Go's text/template (Go 1.20, as kubectl 1.28 is built with): text,
//! `{{`/`}}` with their `-` trim markers, comments, and the tokens inside actions,
//! with the lexer's error messages.

/// What kind of token an [`Item`] is (Go's `itemType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ItemType {
    /// A lexing error; the item's text is the message.
    Error,
    /// `true` or `false`.
    Bool,
    /// A printable ASCII character that is no other token (`,` in `$i, $v`).
    Char,
    /// `'a'`.
    CharConstant,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// The end of the input.
    Eof,
    /// `.name`.
    Field,
    /// A function name.
    Identifier,
    /// `{{`.
    LeftDelim,
    /// `(`.
    LeftParen,
    /// A number literal.
    Number,
    /// `|`.
    Pipe,
    /// A raw string in backquotes.
    RawString,
    /// `}}`.
    RightDelim,
    /// `)`.
    RightParen,
    /// A run of spaces inside an action.
    Space,
    /// A double-quoted string, quotes and escapes included.
    String,
    /// Text outside actions.
    Text,
    /// `$` or `$name`.
    Variable,
    /// Keywords, printed as `<word>` in messages (`.` among them, as in Go).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    fn is_keyword(self) -> bool {
        use ItemType::*;
        matches!(self, Block | Break | Continue | Dot | Define | Else | End | If | Nil | Range | Template | With)
    }
}

/// One token: its kind, its text, its byte offset and the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Item {
    pub typ: ItemType,
    pub val: String,
    pub pos: usize,
    pub line: usize,
}

impl std::fmt::Display for Item {
    /// As Go's `item.String()` shows a token in "unexpected ..." messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.typ {
            ItemType::Eof => f.write_str("EOF"),
            ItemType::Error => f.write_str(&self.val),
            t if t.is_keyword() => write!(f, "<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                let quoted = super::fmt::quote(&head);
                write!(f, "{quoted}...")
            }
            _ => f.write_str(&super::fmt::quote(&self.val)),
        }
    }
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

/// Go's `isSpace`: the spaces that separate words inside an action.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`.
fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn keyword(word: &str) -> Option<ItemType> {
    use ItemType::*;
    Some(match word {
        "block" => Block,
        "break" => Break,
        "continue" => Continue,
        "define" => Define,
        "else" => Else,
        "end" => End,
        "if" => If,
        "nil" => Nil,
        "range" => Range,
        "template" => Template,
        "with" => With,
        _ => return None,
    })
}

/// Splits a template into tokens; the last is `Eof` or an `Error`.
pub(super) fn lex(input: &str) -> Vec<Item> {
    let mut l = Lexer { input, pos: 0, start: 0, items: Vec::new(), paren_depth: 0, line_cache: (0, 1) };
    l.run();
    l.items
}

struct Lexer<'s> {
    input: &'s str,
    pos: usize,
    start: usize,
    items: Vec<Item>,
    paren_depth: usize,
    /// A position and the line it is on.
    line_cache: (usize, usize),
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    /// The line `pos` is on, counting on from the last position asked about (tokens
    /// come in order, so the whole input is counted once).
    fn line_at(&mut self, pos: usize) -> usize {
        let (mut at, mut line) = self.line_cache;
        if pos < at {
            (at, line) = (0, 1);
        }
        line += self.input[at..pos].matches('\n').count();
        self.line_cache = (pos, line);
        line
    }

    fn emit(&mut self, typ: ItemType) {
        let val = self.input[self.start..self.pos].to_string();
        self.emit_text(typ, val);
    }

    fn emit_text(&mut self, typ: ItemType, val: String) {
        let line = self.line_at(self.start);
        self.items.push(Item { typ, val, pos: self.start, line });
        self.start = self.pos;
    }

    fn error(&mut self, message: impl Into<String>) {
        let line = self.line_at(self.start);
        self.items.push(Item { typ: ItemType::Error, val: message.into(), pos: self.start, line });
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn run(&mut self) {
        loop {
            // Text up to the next left delimiter.
            let Some(at) = self.rest().find(LEFT) else {
                self.pos = self.input.len();
                if self.pos > self.start {
                    self.emit(ItemType::Text);
                }
                self.emit(ItemType::Eof);
                return;
            };
            let delim = self.pos + at;
            let trim = has_left_trim_marker(&self.input[delim + LEFT.len()..]);
            let text_end = if trim { self.input[..delim].trim_end_matches(is_space).len().max(self.start) } else { delim };
            if text_end > self.start {
                self.pos = text_end;
                self.emit(ItemType::Text);
            }
            self.pos = delim;
            self.start = delim;
            if !self.left_delim(trim) {
                return;
            }
        }
    }

    /// At `{{`: a comment, or an action up to its `}}`. False after an error.
    fn left_delim(&mut self, trim: bool) -> bool {
        self.pos += LEFT.len();
        let after_marker = self.pos + if trim { 2 } else { 0 };
        if self.input[after_marker..].starts_with("/*") {
            self.pos = after_marker;
            self.start = self.pos;
            return self.comment();
        }
        self.emit(ItemType::LeftDelim);
        self.pos = after_marker;
        self.start = self.pos;
        self.paren_depth = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(end) = self.rest().find("*/") else {
            self.error("unclosed comment");
            return false;
        };
        self.pos += end + 2;
        let (at_right, trim) = self.at_right_delim();
        if !at_right {
            self.error("comment ends before closing delimiter");
            return false;
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            self.skip_leading_space();
        }
        self.start = self.pos;
        true
    }

    /// Whether a right delimiter (with or without its ` -` trim marker) starts here.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest[2..].starts_with(RIGHT) {
            return (true, true);
        }
        (rest.starts_with(RIGHT), false)
    }

    fn skip_leading_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches(is_space).len();
    }

    fn right_delim(&mut self, trim: bool) {
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += RIGHT.len();
        self.emit(ItemType::RightDelim);
        if trim {
            self.skip_leading_space();
        }
        self.start = self.pos;
    }

    fn inside_action(&mut self) -> bool {
        loop {
            let (at_right, trim) = self.at_right_delim();
            if at_right {
                if self.paren_depth == 0 {
                    self.right_delim(trim);
                    return true;
                }
                self.error("unclosed left paren");
                return false;
            }
            let Some(c) = self.next() else {
                self.error("unclosed action");
                return false;
            };
            let ok = match c {
                c if is_space(c) => {
                    self.pos -= c.len_utf8();
                    self.space();
                    true
                }
                '=' => {
                    self.emit(ItemType::Assign);
                    true
                }
                ':' => {
                    if self.next() != Some('=') {
                        self.error("expected :=");
                        return false;
                    }
                    self.emit(ItemType::Declare);
                    true
                }
                '|' => {
                    self.emit(ItemType::Pipe);
                    true
                }
                '"' => self.quote(),
                '`' => self.raw_quote(),
                '$' => self.field_or_variable(ItemType::Variable),
                '\'' => self.char_constant(),
                '.' if self.peek().is_some_and(|n| !n.is_ascii_digit()) => self.field_or_variable(ItemType::Field),
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos -= 1;
                    self.number()
                }
                c if is_alphanumeric(c) => {
                    self.pos -= c.len_utf8();
                    self.identifier()
                }
                '(' => {
                    self.paren_depth += 1;
                    self.emit(ItemType::LeftParen);
                    true
                }
                ')' => {
                    if self.paren_depth == 0 {
                        self.error("unexpected right paren");
                        return false;
                    }
                    self.paren_depth -= 1;
                    self.emit(ItemType::RightParen);
                    true
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(ItemType::Char);
                    true
                }
                c => {
                    self.error(format!("unrecognized character in action: {}", super::fmt::sharp_u(c)));
                    false
                }
            };
            if !ok {
                return false;
            }
        }
    }

    fn space(&mut self) {
        let mut count = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            count += 1;
        }
        // A trim-marked right delimiter (" -}}") begins with the last space.
        let last = self.pos - 1;
        if has_right_trim_marker(&self.input[last..]) && self.input[last + 2..].starts_with(RIGHT) {
            self.pos = last;
            if count == 1 {
                return;
            }
        }
        self.emit(ItemType::Space);
    }

    /// Go's `atTerminator`: what may follow a field, variable or identifier.
    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) || matches!(c, '.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT),
        }
    }

    fn field_or_variable(&mut self, typ: ItemType) -> bool {
        if self.at_terminator() {
            self.emit(if typ == ItemType::Variable { ItemType::Variable } else { ItemType::Dot });
            return true;
        }
        if !self.word() {
            return false;
        }
        self.emit(typ);
        true
    }

    /// Reads the rest of a word, which must end at a terminator (else an error item).
    fn word(&mut self) -> bool {
        while self.peek().is_some_and(is_alphanumeric) {
            self.next();
        }
        if !self.at_terminator() {
            let bad = self.peek().unwrap_or('\u{0}');
            self.error(format!("bad character {}", super::fmt::sharp_u(bad)));
            return false;
        }
        true
    }

    fn identifier(&mut self) -> bool {
        if !self.word() {
            return false;
        }
        let word = &self.input[self.start..self.pos];
        let typ = match keyword(word) {
            Some(k) => k,
            None if word == "true" || word == "false" => ItemType::Bool,
            None => ItemType::Identifier,
        };
        self.emit(typ);
        true
    }

    fn quoted(&mut self, quote: char, unterminated: &str) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some(c) if c != '\n' => {}
                    _ => {
                        self.error(unterminated);
                        return false;
                    }
                },
                None | Some('\n') => {
                    self.error(unterminated);
                    return false;
                }
                Some(c) if c == quote => return true,
                Some(_) => {}
            }
        }
    }

    fn quote(&mut self) -> bool {
        let ok = self.quoted('"', "unterminated quoted string");
        if ok {
            self.emit(ItemType::String);
        }
        ok
    }

    fn char_constant(&mut self) -> bool {
        let ok = self.quoted('\'', "unterminated character constant");
        if ok {
            self.emit(ItemType::CharConstant);
        }
        ok
    }

    fn raw_quote(&mut self) -> bool {
        match self.rest().find('`') {
            Some(end) => {
                self.pos += end + 1;
                self.emit(ItemType::RawString);
                true
            }
            None => {
                self.error("unterminated raw quoted string");
                false
            }
        }
    }

    /// Go's `lexNumber`: a number, or a complex one (`1+2i`, which the parser refuses).
    fn number(&mut self) -> bool {
        if !self.scan_number() {
            return false;
        }
        if matches!(self.peek(), Some('+' | '-')) && (!self.scan_number() || !self.input[..self.pos].ends_with('i')) {
            let text = self.input[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", super::fmt::quote(&text)));
            return false;
        }
        self.emit(ItemType::Number);
        true
    }

    /// Go's `scanNumber`, accepting what `strconv` may then refuse (`0x`, `1__0`).
    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alphanumeric) {
            self.next();
            let text = self.input[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", super::fmt::quote(&text)));
            return false;
        }
        true
    }
}

/// Whether `s` starts with the left trim marker: a minus and a space.
fn has_left_trim_marker(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('-') && chars.next().is_some_and(is_space)
}

/// Whether `s` starts with the right trim marker: a space and a minus.
fn has_right_trim_marker(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_space) && chars.next() == Some('-')
}
