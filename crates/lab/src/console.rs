//! The console's `lab` command: `lab DEMO [ARGS]` runs a demo from the
//! console (always simulated there), and the lab view records its runs as the
//! same command, so lesson checks see one vocabulary either way.

use crate::{catalog::DEMOS, Controller, DemoRequest};

/// What `lab` prints without arguments, or with a wrong one.
pub fn usage() -> String {
    let mut text = String::from("Run a demo of the containers lab (simulated in the console; the Containers lab view uses the real kernel when kubeplay serve allows it).\n\nUsage:\n");
    for line in [
        "lab chroot",
        "lab namespaces [HOSTNAME]",
        "lab cgroups memory|cpu|pids LIMIT",
        "lab overlay",
        "lab capabilities",
        "lab oci [crun|runc]",
        "lab shell 'COMMAND'",
    ] {
        text.push_str(&format!("  {line}\n"));
    }
    text.push_str("\nDemos:\n");
    for d in DEMOS {
        text.push_str(&format!("  {:<13}{}\n", d.id, d.title));
    }
    text
}

/// Reads `lab` arguments (after the word `lab`) into a request, checked against its bounds.
pub fn parse(args: &[String]) -> Result<DemoRequest, String> {
    let Some(demo) = args.first() else { return Err(usage()) };
    let rest = &args[1..];
    let extra = |n: usize| if rest.len() > n { Err(format!("lab {demo}: unexpected argument {:?}", rest[n])) } else { Ok(()) };
    let request = match demo.as_str() {
        "chroot" => extra(0).map(|_| DemoRequest::Chroot {}),
        "namespaces" => extra(1).map(|_| DemoRequest::Namespaces { hostname: rest.first().cloned().unwrap_or_else(|| "container".into()) }),
        "cgroups" => {
            extra(2)?;
            let controller = match rest.first().map(String::as_str) {
                Some("memory") => Controller::Memory,
                Some("cpu") => Controller::Cpu,
                Some("pids") => Controller::Pids,
                _ => return Err("lab cgroups: name a controller: memory, cpu or pids".into()),
            };
            let limit = rest.get(1).ok_or("lab cgroups: give a limit (MiB for memory, percent for cpu, processes for pids)")?;
            let limit = limit.parse().map_err(|_| format!("lab cgroups: the limit must be a whole number, not {limit:?}"))?;
            Ok(DemoRequest::Cgroups { controller, limit })
        }
        "overlay" => extra(0).map(|_| DemoRequest::Overlay {}),
        "capabilities" => extra(0).map(|_| DemoRequest::Capabilities {}),
        "oci" => extra(1).map(|_| DemoRequest::Oci { runtime: rest.first().cloned() }),
        "shell" => Ok(DemoRequest::Shell { command: rest.join(" ") }),
        other => Err(format!("lab: unknown demo {other:?}\n\n{}", usage())),
    }?;
    request.validate().map_err(|e| format!("lab {demo}: {e}"))?;
    Ok(request)
}

/// The console command that runs `request` (`lab cgroups memory 16`).
pub fn command(request: &DemoRequest) -> String {
    match request {
        DemoRequest::Namespaces { hostname } => format!("lab namespaces {hostname}"),
        DemoRequest::Cgroups { controller, limit } => format!("lab cgroups {} {limit}", format!("{controller:?}").to_lowercase()),
        DemoRequest::Oci { runtime: Some(r) } => format!("lab oci {r}"),
        DemoRequest::Shell { command } => format!("lab shell {}", shell_quote(command)),
        other => format!("lab {}", other.name()),
    }
}

/// Single-quotes a command for the console (`'it'\''s'`).
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}


/// What the console prints for a finished demo: each step's title, command and
/// output, how it ended, then the one-line summary.
pub fn transcript(report: &crate::DemoReport) -> String {
    let mut text = String::new();
    for step in &report.steps {
        let o = &step.outcome;
        text.push_str(&format!("# {}\n$ {}\n{}", step.title, step.command, o.output));
        if !o.output.is_empty() && !o.output.ends_with('\n') {
            text.push('\n');
        }
        if o.output_dropped > 0 {
            text.push_str(&format!("[{} more bytes of output dropped]\n", o.output_dropped));
        }
        if o.exit_code != 0 || o.timed_out {
            let why = if o.timed_out { ", the time limit ended it" } else if o.signal == Some(9) { ", killed by SIGKILL" } else { "" };
            text.push_str(&format!("[exit code {}{why}]\n", o.exit_code));
        }
        text.push('\n');
    }
    text.push_str(&crate::summary::summary(report));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn requests_read_as_console_commands() {
        assert_eq!(command(&DemoRequest::Cgroups { controller: Controller::Pids, limit: 16 }), "lab cgroups pids 16");
        assert_eq!(command(&DemoRequest::Overlay {}), "lab overlay");
        assert_eq!(command(&DemoRequest::Shell { command: "echo it's".into() }), r"lab shell 'echo it'\''s'");
    }

    #[test]
    fn console_words_become_requests_and_back() {
        for line in ["lab chroot", "lab namespaces web", "lab cgroups memory 16", "lab cgroups cpu 20", "lab overlay", "lab capabilities", "lab oci runc"] {
            let request = parse(&words(line)[1..]).unwrap();
            assert_eq!(command(&request), line);
        }
        assert_eq!(parse(&words("shell echo hi")).unwrap(), DemoRequest::Shell { command: "echo hi".into() });
    }

    #[test]
    fn wrong_arguments_say_what_is_wrong() {
        assert!(parse(&[]).unwrap_err().starts_with("Run a demo"));
        assert!(parse(&words("docker")).unwrap_err().starts_with("lab: unknown demo \"docker\""));
        assert!(parse(&words("cgroups memory")).unwrap_err().contains("give a limit"));
        assert!(parse(&words("cgroups memory lots")).unwrap_err().contains("whole number"));
        assert!(parse(&words("cgroups memory 4")).unwrap_err().contains("8 to 256"));
        assert!(parse(&words("overlay now")).unwrap_err().contains("unexpected argument"));
        assert!(parse(&words("shell")).is_err(), "an empty command");
    }
}
