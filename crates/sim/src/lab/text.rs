//! Text applets for pipes and files: `grep` (`egrep`, `fgrep`), `wc`, `head`, `tail`,
//! `sort`, `uniq` and `cut` are the filters the console shares
//! ([`crate::shell::filters`], in busybox's dialect); `seq`, `tee`, `basename` and
//! `dirname` are the lab's own.

use super::applets::flags;
use super::sh::{Flow, Sh};
use crate::shell::filters::{self, Dialect, Io};

/// A filter's view of the shell: its standard input, the container's files, its streams.
impl Io for Sh<'_, '_> {
    fn stdin(&self) -> &str {
        &self.st.io.stdin
    }

    fn read(&mut self, path: &str) -> Result<String, String> {
        self.read_text(path).map_err(|e| e.to_string())
    }

    fn out(&mut self, text: &str) {
        Sh::out(self, text);
    }

    fn err(&mut self, text: &str) {
        Sh::err(self, text);
    }
}

impl Sh<'_, '_> {
    /// A text applet, if `name` is one.
    pub(super) fn text_applet(&mut self, name: &str, args: &[String]) -> Option<Flow> {
        if let Some(status) = filters::run(Dialect::Busybox, name, args, self) {
            return Some(Ok(status));
        }
        matches!(name, "seq" | "tee" | "basename" | "dirname").then(|| self.text_filter(name, args))
    }

    fn text_filter(&mut self, name: &str, args: &[String]) -> Flow {
        match name {
            "seq" => {
                let n: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
                let (first, step, last) = match n.as_slice() {
                    [l] => (1, 1, *l),
                    [f, l] => (*f, 1, *l),
                    [f, s, l] => (*f, *s, *l),
                    _ => return Ok(1),
                };
                let count = if step == 0 { 0 } else { ((last - first) / step + 1).clamp(0, 100_000) };
                let text: String = (0..count).map(|i| format!("{}\n", first + i * step)).collect();
                self.out(&text);
                Ok(0)
            }
            "tee" => {
                let input = self.st.io.stdin.clone();
                for f in flags(args).1 {
                    let _ = self.c.write_file(&self.path(&f), &input, false);
                }
                self.out(&input);
                Ok(0)
            }
            "basename" | "dirname" => {
                let a = args.first().map_or("", String::as_str).trim_end_matches('/');
                let text = match (name, a.rfind('/')) {
                    ("basename", Some(i)) => &a[i + 1..],
                    ("basename", None) => a,
                    (_, Some(0)) => "/",
                    (_, Some(i)) => &a[..i],
                    (_, None) => ".",
                };
                self.out(&format!("{text}\n"));
                Ok(0)
            }
            _ => Ok(127),
        }
    }
}
