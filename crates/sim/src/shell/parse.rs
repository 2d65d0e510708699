//! The console shell's grammar: the part of POSIX sh a workshop types. Lists joined by
//! `;`, `&&`, `||` and newlines; pipelines; words with single and double quotes,
//! backslashes, `$VAR`, `${VAR}`, `$?`, `$(...)` and backticks; assignments; redirections
//! (`>`, `>>`, `<`, `2>`, `2>&1`, `&>`) and heredocs (`<<EOF`, `<<-EOF`, `<<'EOF'`).
//! Parsing never panics; an unfinished input says so, so the console can ask for more.

/// One piece of a word.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text; `quoted` text is never split or globbed.
    Text { text: String, quoted: bool },
    /// `$NAME` / `${NAME}`; split into fields unless quoted.
    Var { name: String, quoted: bool },
    /// `$(...)` or backticks; split into fields unless quoted.
    Command { script: Script, quoted: bool },
}

/// A word: pieces expanded and joined.
pub type Word = Vec<Part>;

/// Where a redirection sends or takes a stream.
#[derive(Clone, Debug, PartialEq)]
pub enum Redirect {
    /// `> FILE` (or `>> FILE` with `append`) for file descriptor `fd` (1 or 2; `&>` is both).
    Out { fd: u8, target: Word, append: bool },
    /// `2>&1`: standard error goes where standard output goes.
    ErrToOut,
    /// `< FILE`.
    In(Word),
    /// A heredoc's body: literal when the delimiter was quoted, else expanded like double quotes.
    Heredoc(Word),
}

/// A simple command: assignments, words and redirections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Command {
    /// `NAME=value` before the command name.
    pub assignments: Vec<(String, Word)>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// Redirections, in order.
    pub redirects: Vec<Redirect>,
}

/// Commands joined by `|`, optionally negated with `!`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pipeline {
    /// The commands, left to right.
    pub commands: Vec<Command>,
    /// `! pipeline` inverts the exit status.
    pub negated: bool,
}

/// How a pipeline joins the one before it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Join {
    /// `;`, `&` or a newline: always run.
    Always,
    /// `&&`: only after success.
    And,
    /// `||`: only after failure.
    Or,
}

/// A whole input: pipelines in order with how each joins the previous one.
pub type Script = Vec<(Join, Pipeline)>;

/// Why a script could not be parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseError {
    /// The input stops inside a quote, a heredoc, `$(`, or after `|`, `&&` or `\`:
    /// more lines would complete it.
    Incomplete(String),
    /// A syntax error, worded as bash does.
    Syntax(String),
}

/// Parses a script (one or more lines).
pub fn parse(input: &str) -> Result<Script, ParseError> {
    let mut p = Parser { chars: input.chars().collect(), pos: 0, heredocs: Vec::new(), bodies: Vec::new(), depth: 0 };
    let mut script = p.script(None)?;
    fill_heredocs(&mut script, &mut p.bodies.into_iter());
    Ok(script)
}

/// Puts heredoc bodies (read in source order) into their placeholders, in source order.
fn fill_heredocs(script: &mut Script, bodies: &mut impl Iterator<Item = Word>) {
    for (_, pipeline) in script.iter_mut() {
        for command in &mut pipeline.commands {
            let words = command.words.iter_mut().chain(command.assignments.iter_mut().map(|(_, w)| w));
            for part in words.flatten() {
                if let Part::Command { script, .. } = part {
                    fill_heredocs(script, bodies);
                }
            }
            for r in &mut command.redirects {
                if let Redirect::Heredoc(w) = r {
                    if w.is_empty() {
                        *w = bodies.next().unwrap_or_default();
                    }
                }
            }
        }
    }
}

/// Whether the input needs more lines to form a command.
pub fn is_incomplete(input: &str) -> bool {
    matches!(parse(input), Err(ParseError::Incomplete(_)))
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// Heredocs whose bodies start after the current line: (delimiter, quoted, strip tabs).
    heredocs: Vec<(String, bool, bool)>,
    /// Heredoc bodies read so far, in source order.
    bodies: Vec<Word>,
    depth: usize,
}

fn incomplete(what: &str) -> ParseError {
    ParseError::Incomplete(what.to_string())
}

fn unexpected(token: &str) -> ParseError {
    ParseError::Syntax(format!("syntax error near unexpected token `{token}'"))
}

/// Characters that end an unquoted word.
fn is_meta(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')')
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }
    fn starts(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek_at(i) == Some(c))
    }
    /// Reads up to `end` and steps over it; input that stops first is incomplete (`what`).
    fn take_until(&mut self, end: char, what: &str) -> Result<String, ParseError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != end) {
            self.pos += 1;
        }
        if self.peek().is_none() {
            return Err(incomplete(what));
        }
        let text = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(text)
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) || (self.peek() == Some('\\') && self.peek_at(1) == Some('\n')) {
            self.pos += if self.peek() == Some('\\') { 2 } else { 1 };
        }
        if self.peek() == Some('#') {
            while self.peek().is_some_and(|c| c != '\n') {
                self.pos += 1;
            }
        }
    }

    /// Reads the bodies of pending heredocs after a newline.
    fn read_heredocs(&mut self) -> Result<(), ParseError> {
        for (delim, quoted, strip) in std::mem::take(&mut self.heredocs) {
            let mut body = String::new();
            loop {
                if self.pos >= self.chars.len() {
                    return Err(incomplete("here-document"));
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let mut line: String = self.chars[start..self.pos].iter().collect();
                let ended = self.peek().is_none();
                self.pos += 1;
                if strip {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == delim {
                    break;
                }
                if ended {
                    return Err(incomplete("here-document"));
                }
                body.push_str(&line);
                body.push('\n');
            }
            let word = if quoted { vec![Part::Text { text: body, quoted: true }] } else { expand_heredoc(&body)? };
            self.bodies.push(word);
        }
        Ok(())
    }

    /// A list of pipelines up to the end (or up to `close`).
    fn script(&mut self, close: Option<char>) -> Result<Script, ParseError> {
        let mut script: Script = Vec::new();
        let mut join = Join::Always;
        loop {
            self.skip_blanks();
            match self.peek() {
                None => {
                    if close.is_some() {
                        return Err(incomplete("command substitution"));
                    }
                    if join != Join::Always {
                        return Err(incomplete("list"));
                    }
                    if !self.heredocs.is_empty() {
                        return Err(incomplete("here-document"));
                    }
                    return Ok(script);
                }
                Some(c) if Some(c) == close => {
                    self.pos += 1;
                    if join != Join::Always {
                        return Err(unexpected(&c.to_string()));
                    }
                    return Ok(script);
                }
                Some('\n') => {
                    self.pos += 1;
                    self.read_heredocs()?;
                    continue;
                }
                Some(';') => return Err(unexpected(if self.starts(";;") { ";;" } else { ";" })),
                Some('&') if self.starts("&&") => return Err(unexpected("&&")),
                Some('|') if self.starts("||") => return Err(unexpected("||")),
                Some('|') => return Err(unexpected("|")),
                Some('&') => return Err(unexpected("&")),
                Some(')') => return Err(unexpected(")")),
                _ => {}
            }
            let pipeline = self.pipeline(close)?;
            script.push((join, pipeline));
            self.skip_blanks();
            join = Join::Always;
            match self.peek() {
                Some('&') if self.starts("&&") => {
                    self.pos += 2;
                    join = Join::And;
                }
                Some('|') if self.starts("||") => {
                    self.pos += 2;
                    join = Join::Or;
                }
                Some(';') if !self.starts(";;") => self.pos += 1,
                Some('&') => self.pos += 1,
                Some('\n') => {
                    self.pos += 1;
                    self.read_heredocs()?;
                }
                _ => {}
            }
            if join != Join::Always {
                // A newline may follow `&&` / `||` before the next pipeline.
                loop {
                    self.skip_blanks();
                    if self.peek() == Some('\n') {
                        self.pos += 1;
                        self.read_heredocs()?;
                    } else {
                        break;
                    }
                }
            }
        }
    }

    fn pipeline(&mut self, close: Option<char>) -> Result<Pipeline, ParseError> {
        let mut pipeline = Pipeline::default();
        self.skip_blanks();
        if self.peek() == Some('!') && self.peek_at(1).is_some_and(|c| c == ' ' || c == '\t') {
            self.pos += 1;
            pipeline.negated = true;
        }
        loop {
            let command = self.command(close)?;
            if command.words.is_empty() && command.assignments.is_empty() && command.redirects.is_empty() {
                return match self.peek() {
                    None => Err(incomplete("pipeline")),
                    Some(c) => Err(unexpected(&c.to_string())),
                };
            }
            pipeline.commands.push(command);
            self.skip_blanks();
            if self.peek() == Some('|') && !self.starts("||") {
                self.pos += 1;
                loop {
                    self.skip_blanks();
                    if self.peek() == Some('\n') {
                        self.pos += 1;
                        self.read_heredocs()?;
                    } else {
                        break;
                    }
                }
                if self.peek().is_none() {
                    return Err(incomplete("pipeline"));
                }
                continue;
            }
            return Ok(pipeline);
        }
    }

    fn command(&mut self, close: Option<char>) -> Result<Command, ParseError> {
        let mut cmd = Command::default();
        loop {
            self.skip_blanks();
            let Some(c) = self.peek() else { break };
            if Some(c) == close || matches!(c, '\n' | ';' | '|' | ')') || (c == '&' && !self.starts("&>")) {
                break;
            }
            if let Some(r) = self.redirect()? {
                cmd.redirects.push(r);
                continue;
            }
            if c == '(' {
                return Err(ParseError::Syntax("subshells `( ... )` are not supported in this console".into()));
            }
            let before = self.pos;
            let word = self.word()?;
            if word.is_empty() {
                if self.pos == before {
                    return Err(unexpected(&c.to_string()));
                }
                continue;
            }
            if cmd.words.is_empty() {
                if let Some((name, value)) = as_assignment(&word) {
                    cmd.assignments.push((name, value));
                    continue;
                }
            }
            cmd.words.push(word);
        }
        Ok(cmd)
    }

    fn redirect(&mut self) -> Result<Option<Redirect>, ParseError> {
        let (fd, op) = if self.starts("2>&1") {
            self.pos += 4;
            return Ok(Some(Redirect::ErrToOut));
        } else if self.starts(">&2") || self.starts("1>&2") {
            // Rare in a workshop: treat as output to standard error's place, i.e. ignore.
            self.pos += if self.starts(">&2") { 3 } else { 4 };
            return Ok(None);
        } else if self.starts("&>") {
            (3, 2)
        } else if self.starts("2>>") {
            (2, 3)
        } else if self.starts("2>") {
            (2, 2)
        } else if self.starts("1>>") {
            (1, 3)
        } else if self.starts("1>") {
            (1, 2)
        } else if self.starts(">>") || self.starts(">") {
            (1, 0)
        } else if self.starts("<<") {
            self.pos += 2;
            let strip = self.peek() == Some('-');
            if strip {
                self.pos += 1;
            }
            self.skip_blanks();
            let word = self.word()?;
            if word.is_empty() {
                return Err(unexpected("newline"));
            }
            let quoted = word.iter().any(|p| matches!(p, Part::Text { quoted: true, .. }));
            let delim: String = word.iter().map(|p| if let Part::Text { text, .. } = p { text.as_str() } else { "" }).collect();
            self.heredocs.push((delim, quoted, strip));
            return Ok(Some(Redirect::Heredoc(Vec::new())));
        } else if self.starts("<") {
            self.pos += 1;
            self.skip_blanks();
            let word = self.word()?;
            if word.is_empty() {
                return Err(unexpected(&self.peek().map_or("newline".to_string(), |c| c.to_string())));
            }
            return Ok(Some(Redirect::In(word)));
        } else {
            return Ok(None);
        };
        self.pos += op;
        let append = if self.starts(">>") {
            self.pos += 2;
            true
        } else if self.starts(">") {
            self.pos += 1;
            false
        } else {
            false
        };
        let append = append || (op == 3 && fd != 3);
        self.skip_blanks();
        let target = self.word()?;
        if target.is_empty() {
            return Err(unexpected(&self.peek().map_or("newline".to_string(), |c| c.to_string())));
        }
        Ok(Some(Redirect::Out { fd, target, append }))
    }

    /// One word (possibly empty when the next character ends words).
    fn word(&mut self) -> Result<Word, ParseError> {
        let mut parts: Word = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, parts: &mut Word| {
            if !text.is_empty() {
                parts.push(Part::Text { text: std::mem::take(text), quoted: false });
            }
        };
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut text, &mut parts);
                    self.pos += 1;
                    parts.push(Part::Text { text: self.take_until('\'', "'")?, quoted: true });
                }
                '"' => {
                    flush(&mut text, &mut parts);
                    self.pos += 1;
                    let before = parts.len();
                    self.double_quoted(&mut parts, Some('"'))?;
                    if parts.len() == before {
                        parts.push(Part::Text { text: String::new(), quoted: true });
                    }
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(e) => {
                            flush(&mut text, &mut parts);
                            parts.push(Part::Text { text: e.to_string(), quoted: true });
                            self.pos += 1;
                        }
                        None => return Err(incomplete("\\")),
                    }
                }
                '$' | '`' => {
                    flush(&mut text, &mut parts);
                    match self.dollar(false)? {
                        Some(p) => parts.push(p),
                        None => text.push('$'),
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut text, &mut parts);
        Ok(parts)
    }

    /// The inside of double quotes (or of an unquoted heredoc body when `close` is None).
    fn double_quoted(&mut self, parts: &mut Word, close: Option<char>) -> Result<(), ParseError> {
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                if close.is_some() {
                    return Err(incomplete("\""));
                }
                break;
            };
            if Some(c) == close {
                self.pos += 1;
                break;
            }
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(e @ ('$' | '`' | '"' | '\\')) if close.is_some() || e != '"' => {
                            text.push(e);
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        _ => text.push('\\'),
                    }
                }
                '$' | '`' => {
                    if !text.is_empty() {
                        parts.push(Part::Text { text: std::mem::take(&mut text), quoted: true });
                    }
                    match self.dollar(true)? {
                        Some(p) => parts.push(p),
                        None => text.push('$'),
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text { text, quoted: true });
        }
        Ok(())
    }

    /// `$NAME`, `${NAME}`, `$?`, `$(...)` or a backtick substitution; `None` for a lone `$`.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, ParseError> {
        if self.peek() == Some('`') {
            self.pos += 1;
            let inner = self.take_until('`', "`")?;
            let script = parse(&inner)?;
            return Ok(Some(Part::Command { script, quoted }));
        }
        self.pos += 1; // the '$'
        match self.peek() {
            Some('(') => {
                if self.peek_at(1) == Some('(') {
                    return Err(ParseError::Syntax("arithmetic `$((...))` is not supported in this console".into()));
                }
                self.pos += 1;
                if self.depth > 16 {
                    return Err(ParseError::Syntax("command substitutions nested too deeply".into()));
                }
                self.depth += 1;
                let script = self.script(Some(')'));
                self.depth -= 1;
                Ok(Some(Part::Command { script: script?, quoted }))
            }
            Some('{') => {
                self.pos += 1;
                let name = self.take_until('}', "${")?;
                if !is_name(&name) && name != "?" {
                    return Err(ParseError::Syntax(format!("${{{name}}}: bad substitution")));
                }
                Ok(Some(Part::Var { name, quoted }))
            }
            Some(c @ ('?' | '#' | '$' | '0'..='9')) => {
                self.pos += 1;
                Ok(Some(Part::Var { name: c.to_string(), quoted }))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c == '_' || c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                Ok(Some(Part::Var { name: self.chars[start..self.pos].iter().collect(), quoted }))
            }
            _ => Ok(None),
        }
    }
}

/// A shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic()) && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `NAME=value` as the first word of a command.
fn as_assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Text { text, quoted: false }) = word.first() else { return None };
    let (name, rest) = text.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut value: Word = Vec::new();
    if !rest.is_empty() {
        value.push(Part::Text { text: rest.to_string(), quoted: true });
    }
    value.extend(word[1..].iter().cloned().map(|p| match p {
        Part::Text { text, .. } => Part::Text { text, quoted: true },
        Part::Var { name, .. } => Part::Var { name, quoted: true },
        Part::Command { script, .. } => Part::Command { script, quoted: true },
    }));
    Some((name.to_string(), value))
}

/// An unquoted heredoc body: `$` expansions and backslashes as in double quotes.
fn expand_heredoc(body: &str) -> Result<Word, ParseError> {
    let mut p = Parser { chars: body.chars().collect(), pos: 0, heredocs: Vec::new(), bodies: Vec::new(), depth: 0 };
    let mut parts = Vec::new();
    p.double_quoted(&mut parts, None)?;
    if parts.is_empty() {
        parts.push(Part::Text { text: String::new(), quoted: true });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Part {
        Part::Text { text: s.into(), quoted: false }
    }
    fn quoted(s: &str) -> Part {
        Part::Text { text: s.into(), quoted: true }
    }
    fn words(script: &Script) -> Vec<Vec<Word>> {
        script.iter().flat_map(|(_, p)| p.commands.iter().map(|c| c.words.clone())).collect()
    }

    #[test]
    fn words_quotes_and_escapes() {
        let s = parse(r#"echo 'a b' "c $HOME" d\ e"#).unwrap();
        assert_eq!(
            words(&s),
            vec![vec![vec![text("echo")], vec![quoted("a b")], vec![quoted("c "), Part::Var { name: "HOME".into(), quoted: true }], vec![text("d"), quoted(" "), text("e")]]]
        );
    }

    #[test]
    fn lists_pipelines_and_joins() {
        let s = parse("kubectl get pods | grep web && echo ok || echo no; ls").unwrap();
        let joins: Vec<Join> = s.iter().map(|(j, _)| *j).collect();
        assert_eq!(joins, vec![Join::Always, Join::And, Join::Or, Join::Always]);
        assert_eq!(s[0].1.commands.len(), 2);
    }

    #[test]
    fn command_substitution_and_assignment() {
        let s = parse("POD=$(kubectl get pods -o name | head -1)").unwrap();
        let cmd = &s[0].1.commands[0];
        assert!(cmd.words.is_empty());
        assert_eq!(cmd.assignments[0].0, "POD");
        assert!(matches!(&cmd.assignments[0].1[0], Part::Command { script, quoted: true } if script[0].1.commands.len() == 2));
    }

    #[test]
    fn heredocs_expand_unless_the_delimiter_is_quoted() {
        let s = parse("cat > patch.yml <<EOF\nimage: $IMG\nEOF\necho done").unwrap();
        assert_eq!(s.len(), 2);
        let r = &s[0].1.commands[0].redirects;
        assert!(matches!(&r[0], Redirect::Out { fd: 1, append: false, .. }));
        assert_eq!(r[1], Redirect::Heredoc(vec![quoted("image: "), Part::Var { name: "IMG".into(), quoted: true }, quoted("\n")]));
        let s = parse("cat <<'EOF' | kubectl apply -f -\nx: $Y\nEOF").unwrap();
        assert_eq!(s[0].1.commands[0].redirects[0], Redirect::Heredoc(vec![quoted("x: $Y\n")]));
        assert_eq!(s[0].1.commands.len(), 2);
    }

    #[test]
    fn unfinished_input_asks_for_more() {
        for input in ["echo 'abc", "echo \"abc", "cat <<EOF\nline", "cat > f <<EOF", "kubectl get pods |", "true &&", "echo $(ls", "echo \\"] {
            assert!(is_incomplete(input), "{input:?}");
        }
        assert!(!is_incomplete("echo 'a'"));
    }

    #[test]
    fn syntax_errors_read_like_bash() {
        assert_eq!(parse("| grep x"), Err(ParseError::Syntax("syntax error near unexpected token `|'".into())));
        assert_eq!(parse("ls ;; ls"), Err(ParseError::Syntax("syntax error near unexpected token `;;'".into())));
        assert_eq!(parse("echo >"), Err(ParseError::Syntax("syntax error near unexpected token `newline'".into())));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let samples = ["", "$", "${", "$(", "`", "<<", "<<EOF", "2>&1", "&>", "!", "! ", "a=b=c", "\\\n", "$((1+2))", "echo ${1x}", ")", "(ls)", "\"$(\"", "'", "<", ">>", "&", "a | | b", "a && && b"];
        for s in samples {
            let _ = parse(s);
        }
        // Every prefix of a realistic script.
        let script = "N=$(kubectl get pods -o json | jq -r '.items | length'); echo \"pods: $N\" > out.txt 2>&1 && cat <<-EOF\n\tdone ${N}\n\tEOF\n";
        for i in 0..=script.len() {
            if script.is_char_boundary(i) {
                let _ = parse(&script[..i]);
            }
        }
    }
}
