//! `kubeplay`: the native binary. `serve` serves the built page and the backend
//! API on 127.0.0.1; `size-report` prints what the page costs to download.

use kubeplay_server::{lessons, runner, serve, size_report};

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "kubeplay: a Kubernetes playground that runs in the browser

Usage:
  kubeplay serve [--port N] [--dist DIR] [--lessons DIR] [--lab-dir DIR]
                                             serve the playground on http://127.0.0.1:N/ (default 8080, dist/);
                                             --lessons serves your own course instead of the built-in one;
                                             as root on Linux the containers lab runs for real, keeping its
                                             images in --lab-dir (default /var/lib/kubeplay)
  kubeplay run SCRIPT [--seed N] [--nodes N] [--trace FILE] [--max-wait 10m]
                                             run console lines against a fresh simulated cluster
  kubeplay lesson check DIR... [--verbose]   run each lesson's solutions and check every step
                                             (DIR is a lesson folder or a course with index.yaml)
  kubeplay size-report [--dist DIR] [--named-wasm FILE] [--budget-kib N]
                                             print download sizes and the wasm by crate
  kubeplay health                            print what this host offers the containers lab (JSON)
  kubeplay lab-bench [--runs N] [--lab-dir DIR]
                                             time container starts: our sandbox, crun and runc (root)
";

/// Reads `--name VALUE` or `--name=VALUE` from `args`.
fn flag(args: &[String], name: &str) -> Option<String> {
    let eq = format!("{name}=");
    args.iter().enumerate().find_map(|(i, a)| if a == name { args.get(i + 1).cloned() } else { a.strip_prefix(&eq).map(str::to_string) })
}

fn main() -> ExitCode {
    // The containers lab re-executes this binary as the sandbox's init; that must happen before any thread starts.
    #[cfg(target_os = "linux")]
    kubeplay_runtime::linux::init::main_if_requested();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let port = match flag(&args, "--port").map(|p| p.parse::<u16>()) {
                None => 8080,
                Some(Ok(p)) => p,
                Some(Err(_)) => {
                    eprintln!("error: --port needs a number between 0 and 65535");
                    return ExitCode::from(2);
                }
            };
            let dist = PathBuf::from(flag(&args, "--dist").unwrap_or_else(|| "dist".into()));
            if !dist.join("index.html").is_file() {
                eprintln!("error: {} has no index.html; build the page first (trunk build --release)", dist.display());
                return ExitCode::from(2);
            }
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let lessons = flag(&args, "--lessons").map(PathBuf::from);
            if let Some(dir) = lessons.as_ref().filter(|d| !d.is_dir()) {
                eprintln!("error: --lessons {} is not a directory", dir.display());
                return ExitCode::from(2);
            }
            let lab_dir = PathBuf::from(flag(&args, "--lab-dir").unwrap_or_else(|| "/var/lib/kubeplay".into()));
            let lab = kubeplay_server::lab::Lab::detect(&lab_dir);
            let lab_line = match lab.simulated_because() {
                None => format!("the containers lab runs for real (state in {})", lab_dir.display()),
                Some(reason) => format!("the containers lab is simulated: {reason}"),
            };
            let result = rt.block_on(serve::serve(dist, lessons, lab, port, |addr, token| {
                // A closed stdout must not stop the server (println! would panic).
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = writeln!(out, "kubeplay is serving the playground at http://{addr}/?token={token}");
                let _ = writeln!(out, "{lab_line}");
                let _ = writeln!(out, "open the address above: the token in it lets the page use this server's API");
                let _ = out.flush();
            }));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot serve on 127.0.0.1:{port}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("run") => {
            let Some(script_path) = args.get(1).filter(|a| !a.starts_with("--")) else {
                eprintln!("error: kubeplay run needs a script file\n\n{USAGE}");
                return ExitCode::from(2);
            };
            let mut opts = runner::RunOptions { trace: flag(&args, "--trace").map(PathBuf::from), ..Default::default() };
            if let Some(v) = flag(&args, "--seed") {
                match v.parse() {
                    Ok(n) => opts.seed = n,
                    Err(_) => {
                        eprintln!("error: --seed needs a number");
                        return ExitCode::from(2);
                    }
                }
            }
            if let Some(v) = flag(&args, "--nodes") {
                match v.parse() {
                    Ok(n) if n >= 1 => opts.workers = n,
                    _ => {
                        eprintln!("error: --nodes needs a number of at least 1");
                        return ExitCode::from(2);
                    }
                }
            }
            if let Some(v) = flag(&args, "--max-wait") {
                match kubeplay_sim::clock::Duration::parse(&v) {
                    Ok(d) => opts.max_wait = d,
                    Err(e) => {
                        eprintln!("error: --max-wait: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            let script = match std::fs::read_to_string(script_path) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot read {script_path}: {e}");
                    return ExitCode::from(2);
                }
            };
            let base = std::path::Path::new(script_path).parent().map(PathBuf::from).unwrap_or_default();
            let mut stdout = std::io::stdout().lock();
            match runner::run_script(&script, &base, &opts, |text| {
                use std::io::Write;
                let _ = stdout.write_all(text.as_bytes());
            }) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("size-report") => {
            let dist = PathBuf::from(flag(&args, "--dist").unwrap_or_else(|| "dist".into()));
            let named = flag(&args, "--named-wasm").map(PathBuf::from);
            let budget = flag(&args, "--budget-kib").and_then(|b| b.parse().ok());
            if let (Some(n), Some(wasm)) = (flag(&args, "--top").and_then(|n| n.parse().ok()), named.as_deref()) {
                if let Err(e) = size_report::print_top(wasm, n) {
                    eprintln!("error: {e}");
                }
            }
            match size_report::report(&dist, named.as_deref(), budget) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(3),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("lesson") => match args.get(1).map(String::as_str) {
            Some("check") => {
                let paths: Vec<PathBuf> = args[2..].iter().filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
                if paths.is_empty() {
                    eprintln!("error: kubeplay lesson check needs a lesson folder\n\n{USAGE}");
                    return ExitCode::from(2);
                }
                if lessons::check(&paths, args.iter().any(|a| a == "--verbose"), |t| print!("{t}")) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            _ => {
                eprintln!("error: unknown lesson command (try: kubeplay lesson check DIR)\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("health") => {
            println!("{}", serde_json::to_string_pretty(&kubeplay_runtime::probe()).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Some("lab-bench") => {
            let runs = flag(&args, "--runs").and_then(|r| r.parse().ok()).unwrap_or(20usize).clamp(1, 1000);
            let base = PathBuf::from(flag(&args, "--lab-dir").unwrap_or_else(|| "/var/lib/kubeplay".into()));
            if let Some(reason) = kubeplay_runtime::probe().simulated_because {
                eprintln!("error: the lab cannot run here: {reason}");
                return ExitCode::FAILURE;
            }
            #[cfg(target_os = "linux")]
            match kubeplay_server::lab::bench(&base, runs) {
                Ok(table) => {
                    print!("{table}");
                    return ExitCode::SUCCESS;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
            #[allow(unreachable_code)]
            ExitCode::FAILURE
        }
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
