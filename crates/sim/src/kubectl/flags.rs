//! kubectl's flag parsing: long and short forms, `--flag=value` and `--flag value`,
//! and kubectl's own messages for unknown flags.

use crate::api::{LabelSelector, LabelSelectorRequirement};
use crate::small_map::SmallMap;

/// Flags that take a value: (long name, short name).
const VALUED: &[(&str, Option<&str>)] = &[
    ("--namespace", Some("-n")),
    ("--output", Some("-o")),
    ("--filename", Some("-f")),
    ("--selector", Some("-l")),
    ("--replicas", Some("-r")),
    ("--image", None),
    ("--port", None),
    ("--tcp", None),
    ("--sort-by", None),
    ("--template", None),
    ("--label-columns", Some("-L")),
    ("--node-port", None),
    ("--clusterip", None),
    ("--external-name", None),
    ("--from-literal", None),
    ("--from-file", None),
    ("--from-env-file", None),
    ("--dry-run", None),
    ("--restart", None),
    ("--labels", None),
    ("--env", None),
    ("--type", None),
    ("--patch", Some("-p")),
    ("--target-port", None),
    ("--min", None),
    ("--tail", None),
    ("--container", Some("-c")),
    ("--max", None),
    ("--cpu-percent", None),
    ("--name", None),
    ("--protocol", None),
    ("--to-revision", None),
    ("--revision", None),
    ("--grace-period", None),
    ("--timeout", None),
    ("--for", None),
    ("--field-selector", None),
    ("--types", None),
    ("--from", None),
    ("--prefix", None),
    ("--keys", None),
    ("--hard", None),
    ("--limits", None),
    ("--requests", None),
    ("--context", None),
    ("--validate", None),
    ("--api-version", None),
    ("--docker-server", None),
    ("--docker-username", None),
    ("--docker-password", None),
    ("--docker-email", None),
    ("--cert", None),
    ("--api-group", None),
    ("--image-pull-policy", None),
    ("--annotations", None),
    ("--cascade", None),
    ("--current-replicas", None),
    ("--key", None),
];

/// Flags that stand alone: (long name, short name).
const BOOLEAN: &[(&str, Option<&str>)] = &[
    ("--all-namespaces", Some("-A")),
    ("--overwrite", None),
    ("--list", None),
    ("--all", None),
    ("--force", None),
    ("--now", None),
    ("--watch", Some("-w")),
    ("--show-labels", None),
    ("--no-headers", None),
    ("--recursive", Some("-R")),
    ("--ignore-daemonsets", None),
    ("--delete-emptydir-data", None),
    ("--command", None),
    ("--record", None),
    ("--expose", None),
    ("--containers", None),
    ("--previous", None),
    ("--show-events", None),
    ("--stdin", Some("-i")),
    ("--tty", Some("-t")),
    ("--minify", None),
    ("--raw", None),
    ("--flatten", None),
    ("--current", None),
    ("--follow", None),
    ("--wait", None),
    ("--save-config", None),
    ("--client", None),
    ("--help", Some("-h")),
    ("--allow-missing-template-keys", None),
    ("--namespaced", None),
    ("--show-kind", None),
    ("--ignore-not-found", None),
    ("--show-capacity", None),
    ("--append-hash", None),
    ("--all-containers", None),
    ("--sum", None),
];

/// The integer flags kubeplay takes, by command, as kubectl 1.28 declares them: (command,
/// long name, the name pflag shows in its error).
const INTEGERS: &[(&str, &str, &str)] = &[
    ("create deployment", "--port", "--port"),
    ("create deployment", "--replicas", "-r, --replicas"),
    ("create service nodeport", "--node-port", "--node-port"),
    ("delete", "--grace-period", "--grace-period"),
    ("apply", "--grace-period", "--grace-period"),
    ("replace", "--grace-period", "--grace-period"),
    ("drain", "--grace-period", "--grace-period"),
    ("rollout history", "--revision", "--revision"),
    ("rollout status", "--revision", "--revision"),
    ("rollout undo", "--to-revision", "--to-revision"),
    ("scale", "--replicas", "--replicas"),
    ("scale", "--current-replicas", "--current-replicas"),
    ("autoscale", "--cpu-percent", "--cpu-percent"),
    ("autoscale", "--max", "--max"),
    ("autoscale", "--min", "--min"),
    ("logs", "--tail", "--tail"),
];

/// Parsed flags and positional arguments of one kubectl command.
#[derive(Debug, Default)]
pub struct Flags {
    values: SmallMap<&'static str, Vec<String>>,
    /// Arguments that are not flags, in order.
    pub positional: Vec<String>,
    /// Everything after `--` (a container's command or arguments).
    pub command: Vec<String>,
    /// Boolean flags given as `--flag=false`.
    off: Vec<&'static str>,
    /// The current context's namespace, the default of `-n`.
    context_namespace: Option<String>,
    /// Every flag as given, by its long name: ` --name=value` (a switch as `=true`), in order.
    given: String,
}

impl Flags {
    /// Parses everything after the verb.
    pub fn parse(args: &[String]) -> Result<Flags, String> {
        let mut f = Flags::default();
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            i += 1;
            if a == "--" {
                f.command.extend(args[i..].iter().cloned());
                break;
            }
            if !a.starts_with('-') || a == "-" {
                f.positional.push(a.to_string());
                continue;
            }
            let long = a.starts_with("--");
            // Short flags may carry their value directly: -ojson, -nkube-system, -o=yaml,
            // -ojsonpath={.a=b} (everything after the letter is the value).
            let (name, inline) = if long {
                match a.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (a, None),
                }
            } else if a.len() > 2 && a.is_char_boundary(2) {
                (&a[..2], Some(a[2..].strip_prefix('=').unwrap_or(&a[2..]).to_string()))
            } else {
                (a, None)
            };
            let find = |table: &'static [(&'static str, Option<&'static str>)]| table.iter().find(|(l, s)| *l == name || *s == Some(name)).map(|(l, _)| *l);
            // Boolean shorthands combine: `-it` is `-i -t`.
            let short_bool = |c: char| BOOLEAN.iter().find(|(_, s)| s.is_some_and(|s| s[1..].starts_with(c) && s.len() == 2)).map(|(l, _)| *l);
            if !long && a.len() > 2 && a[1..].chars().all(|c| short_bool(c).is_some()) {
                for c in a[1..].chars() {
                    let long = short_bool(c).unwrap_or_default();
                    f.given.push_str(&format!(" {long}=true"));
                    f.values.get_or_default(long);
                }
                continue;
            }
            if let Some(canonical) = find(VALUED) {
                let value = match inline {
                    // `--dry-run` alone is accepted (and deprecated) by kubectl.
                    None if canonical == "--dry-run" => "unchanged".to_string(),
                    // `--cascade` alone is `--cascade=background`.
                    None if canonical == "--cascade" => "background".to_string(),
                    // `--validate` alone is `--validate=strict`.
                    None if canonical == "--validate" => "strict".to_string(),
                    Some(v) => v,
                    None => {
                        // pflag names a shorthand by its letter: `'n' in -n`.
                        let missing = if long { format!("error: flag needs an argument: {name}") } else { format!("error: flag needs an argument: '{}' in {a}", &name[1..]) };
                        let v = args.get(i).cloned().ok_or(missing)?;
                        i += 1;
                        v
                    }
                };
                f.given.push_str(&format!(" {canonical}={value}"));
                f.values.get_or_default(canonical).push(value);
            } else if let Some(canonical) = find(BOOLEAN) {
                f.given.push_str(&format!(" {canonical}={}", inline.as_deref().unwrap_or("true")));
                let named_containers = canonical == "--containers" && inline.as_deref().is_some_and(|v| parse_bool(v).is_none());
                let raw_path = canonical == "--raw" && inline.as_deref().is_some_and(|v| v.starts_with('/'));
                let on = match inline.as_deref() {
                    None => true,
                    Some(_) if raw_path || named_containers => true,
                    // pflag's strconv.ParseBool, naming the flag with its shorthand.
                    Some(v) => parse_bool(v).ok_or_else(|| {
                        let shown = BOOLEAN.iter().find(|(l, _)| *l == canonical).and_then(|(_, s)| *s).map_or(canonical.to_string(), |s| format!("{s}, {canonical}"));
                        format!("error: invalid argument {v:?} for {shown:?} flag: strconv.ParseBool: parsing {v:?}: invalid syntax")
                    })?,
                };
                if raw_path || named_containers {
                    // `get --raw=/path` carries its path; `config view --raw` is a switch.
                    // `set env --containers=NAME` names containers; `top --containers` is a switch.
                    f.values.get_or_default(canonical).extend(inline);
                } else if on {
                    f.values.get_or_default(canonical);
                } else {
                    f.off.push(canonical);
                }
            } else if long {
                return Err(format!("error: unknown flag: {name}"));
            } else {
                // kubectl names the byte after the dash as a character (so `-é` shows 'Ã');
                // slicing the text there could cut a character in two.
                let short = name.as_bytes().get(1).map_or('-', |b| char::from(*b));
                return Err(format!("error: unknown shorthand flag: '{short}' in {a}"));
            }
        }
        Ok(f)
    }

    /// The command line as `--record` notes it in `kubernetes.io/change-cause`: `kubectl`,
    /// the verb and the words that are not flags, then every flag by its long name as
    /// `--name=value`, in the order given (kubectl's parseCommandArguments).
    pub fn recorded_command(&self, verb: &str) -> String {
        let words: Vec<&str> = std::iter::once(verb).chain(self.positional.iter().map(String::as_str)).chain(self.command.iter().map(String::as_str)).collect();
        format!("kubectl {}{}", words.join(" "), self.given)
    }

    /// pflag's error for the first integer flag of the command `path` whose value is not an
    /// integer (`error: invalid argument "x" for "-r, --replicas" flag: ...`).
    pub fn check_integers(&self, path: &str) -> Result<(), String> {
        for (_, long, shown) in INTEGERS.iter().filter(|(p, _, _)| *p == path) {
            for v in self.values(long) {
                if v.parse::<i64>().is_err() {
                    return Err(format!("error: invalid argument {v:?} for {shown:?} flag: strconv.ParseInt: parsing {v:?}: invalid syntax"));
                }
            }
        }
        Ok(())
    }

    /// The flags given, by long name.
    pub fn given(&self) -> Vec<&'static str> {
        self.values.keys().copied().collect()
    }

    /// The first given flag not in `allowed` (every command accepts `--namespace`,
    /// `--context` and `--help`).
    pub fn first_unknown(&self, allowed: &[&str]) -> Option<&'static str> {
        self.values.keys().copied().find(|k| !["--namespace", "--context", "--help"].contains(k) && !allowed.contains(k))
    }

    /// Sets the namespace used when no `-n` is given (the kubeconfig's current context's).
    pub fn set_context_namespace(&mut self, namespace: &str) {
        self.context_namespace = Some(namespace.to_string());
    }

    /// Whether a flag was given.
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// A boolean flag that defaults to `default` (`--show-events`, `--show-events=false`).
    pub fn bool_or(&self, long: &str, default: bool) -> bool {
        if self.off.contains(&long) {
            false
        } else {
            default || self.has(long)
        }
    }

    /// The last value of a valued flag.
    pub fn value(&self, long: &str) -> Option<String> {
        self.values.get(long).and_then(|v| v.last().cloned())
    }

    /// Every value of a repeatable flag (`-f a -f b`).
    pub fn values(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// `-n`, or the current context's namespace (`default` unless `kubectl config set-context` changed it).
    pub fn namespace(&self) -> String {
        self.value("--namespace").or_else(|| self.context_namespace.clone()).unwrap_or_else(|| "default".into())
    }

    /// `-A`.
    pub fn all_namespaces(&self) -> bool {
        self.has("--all-namespaces")
    }

    /// `--grace-period` as kubectl sends it: `--now` is 1, 0 without `--force` is 1.
    pub fn grace_period(&self) -> Result<Option<i64>, String> {
        let g = match self.value("--grace-period") {
            Some(v) => Some(v.parse::<i64>().map_err(|_| format!("error: invalid argument {v:?} for \"--grace-period\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax"))?),
            None => None,
        };
        if self.has("--now") && g.is_some() {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        if self.has("--force") && g.is_some_and(|g| g > 0) {
            return Err("error: --force and --grace-period greater than 0 cannot be specified together".into());
        }
        Ok(match (g, self.has("--force"), self.has("--now")) {
            (_, true, _) => Some(0),
            (_, _, true) | (Some(0), false, _) => Some(1),
            (g, _, _) => g.map(|g| if g < 0 { 30 } else { g }),
        })
    }

    /// `-l`: equality (`a=b`, `a==b`, `a!=b`) and set (`a in (x,y)`, `a`, `!a`) requirements.
    pub fn selector(&self) -> Result<Option<LabelSelector>, String> {
        let Some(text) = self.value("--selector") else { return Ok(None) };
        parse_selector(&text).map(Some)
    }
}

/// The long name kubeplay knows a flag by, given as `--name` or as a shorthand `-x`
/// (`None` when kubeplay has no such flag).
pub fn canonical(name: &str) -> Option<&'static str> {
    VALUED.iter().chain(BOOLEAN).find(|(l, s)| *l == name || *s == Some(name)).map(|(l, _)| *l)
}

/// A boolean flag's value as Go's `strconv.ParseBool` reads it.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The words of `args` that are not flags nor a flag's value, for naming the subcommand
/// when the flags themselves do not parse.
pub fn positional_words(args: &[String]) -> Vec<String> {
    let mut words = Vec::new();
    let mut args = args.iter();
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        if !a.starts_with('-') || a == "-" {
            words.push(a.clone());
        } else if VALUED.iter().any(|(l, s)| l == a || s.is_some_and(|s| s == a)) {
            args.next();
        }
    }
    words
}

/// Parses a label selector as kubectl's `-l` accepts it.
pub fn parse_selector(text: &str) -> Result<LabelSelector, String> {
    let mut sel = LabelSelector::default();
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0, String::new());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let bad = || format!("error: unable to parse requirement: found '{p}', expected: '=', '!=', '==', 'in', notin'");
        let req = |key: &str, op: &str, values: Vec<String>| LabelSelectorRequirement { key: key.trim().into(), operator: op.into(), values };
        if let Some((k, v)) = p.split_once("!=") {
            sel.match_expressions.push(req(k, "NotIn", vec![v.trim().into()]));
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            sel.match_labels.insert(k.trim().into(), v.trim().into());
        } else if let Some((k, rest)) = p.split_once(" notin ").or_else(|| p.split_once(" in ")) {
            let op = if p.contains(" notin ") { "NotIn" } else { "In" };
            let inner = rest.trim().strip_prefix('(').and_then(|r| r.strip_suffix(')')).ok_or_else(bad)?;
            sel.match_expressions.push(req(k, op, inner.split(',').map(|v| v.trim().to_string()).collect()));
        } else if let Some(k) = p.strip_prefix('!') {
            sel.match_expressions.push(req(k, "DoesNotExist", vec![]));
        } else if p.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
            sel.match_expressions.push(req(p, "Exists", vec![]));
        } else {
            return Err(bad());
        }
    }
    Ok(sel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Flags, String> {
        Flags::parse(&line.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn long_short_and_inline_forms() {
        let f = parse("pods -n kube-system -owide --selector=app=web -f a.yaml -f b.yaml web").unwrap();
        assert_eq!(f.namespace(), "kube-system");
        assert_eq!(f.value("--output").as_deref(), Some("wide"));
        assert_eq!(f.values("--filename"), vec!["a.yaml", "b.yaml"]);
        assert_eq!(f.positional, vec!["pods", "web"]);
        assert_eq!(parse("pods --replicas=3").unwrap().value("--replicas").as_deref(), Some("3"));
        assert_eq!(parse("--frob").unwrap_err(), "error: unknown flag: --frob");
        assert_eq!(parse("-x").unwrap_err(), "error: unknown shorthand flag: 'x' in -x");
        assert_eq!(parse("-n").unwrap_err(), "error: flag needs an argument: 'n' in -n");
        assert_eq!(parse("--image").unwrap_err(), "error: flag needs an argument: --image");
        assert_eq!(parse("--watch=maybe").unwrap_err(), "error: invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
        assert_eq!(parse("--namespaced=yes").unwrap_err(), "error: invalid argument \"yes\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax");
        assert!(!parse("--wait=False").unwrap().bool_or("--wait", true));
        assert!(parse("--overwrite=1").unwrap().bool_or("--overwrite", false));
    }

    #[test]
    fn grace_periods_as_kubectl_sends_them() {
        assert_eq!(parse("").unwrap().grace_period(), Ok(None));
        assert_eq!(parse("--grace-period=0").unwrap().grace_period(), Ok(Some(1)));
        assert_eq!(parse("--grace-period=0 --force").unwrap().grace_period(), Ok(Some(0)));
        assert_eq!(parse("--now").unwrap().grace_period(), Ok(Some(1)));
        assert!(parse("--grace-period=5 --force").unwrap().grace_period().unwrap_err().contains("cannot be specified together"));
    }

    #[test]
    fn selectors() {
        let s = parse_selector("app=web,tier in (a, b),!canary,env!=prod").unwrap();
        assert_eq!(s.to_string(), "app=web,tier in (a,b),!canary,env notin (prod)");
        assert!(parse_selector("app web").is_err());
    }
}
