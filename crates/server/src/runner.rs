//! `kubeplay run SCRIPT`: runs a script of console lines against a fresh
//! simulated cluster, headless, printing each line as `$ <line>` and its output
//! as the browser console shows it, optionally writing a trace of every store change.
//! Blocking commands (`rollout status`, `delete`, `logs -f`) advance virtual time up to
//! the wait limit; after `kubectl exec -it POD -- sh` the lines run in the container, shown
//! after its prompt, until `exit`.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{self, Files};
use kubeplay_sim::shell::{fs::FileSystem, Shell};
use std::rc::Rc;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of one run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Seed of the cluster's random source.
    pub seed: u64,
    /// Number of worker nodes.
    pub workers: u32,
    /// Where to write the trace (one JSON object per store change), if anywhere.
    pub trace: Option<PathBuf>,
    /// The longest a blocking command may advance virtual time.
    pub max_wait: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { seed: 1, workers: 3, trace: None, max_wait: kubectl::DEFAULT_MAX_WAIT }
    }
}

/// Files relative to the script's folder.
pub struct DiskFiles {
    base: PathBuf,
}

impl DiskFiles {
    fn path(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() { p.to_path_buf() } else { self.base.join(p) }
    }
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.path(path)).map_err(|_| format!("error: the path {path:?} does not exist"))
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let entries = std::fs::read_dir(self.path(path)).ok()?;
        Some(entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
    }
}

/// Writes the store changes since the last call as JSON lines.
struct Trace {
    out: Option<std::io::BufWriter<std::fs::File>>,
    since: u64,
}

impl Trace {
    fn drain(&mut self, cluster: &Cluster) -> std::io::Result<()> {
        let Some(out) = self.out.as_mut() else { return Ok(()) };
        match cluster.store().events_since(self.since) {
            Some(events) => {
                for e in events {
                    let line = serde_json::json!({"time": e.time.rfc3339(), "type": e.type_, "object": e.object});
                    writeln!(out, "{line}")?;
                }
            }
            None => eprintln!("warning: the trace lost events: more than the watch log holds happened in one step"),
        }
        self.since = cluster.store().resource_version();
        Ok(())
    }
}

/// Runs a script; returns the printed transcript and whether every command succeeded.
pub fn run_script(script: &str, base: &Path, opts: &RunOptions, mut print: impl FnMut(&str)) -> std::io::Result<bool> {
    let mut cluster = Cluster::new(ClusterSettings { seed: opts.seed, workers: opts.workers, ..Default::default() });
    // The script's folder shows through the shell's files read-only; what the script
    // writes stays in memory.
    let disk: Rc<dyn Files> = Rc::new(DiskFiles { base: PathBuf::from("/") });
    let mut shell = Shell::new(FileSystem::new().with_lower(disk));
    // A script named without a folder (`kubeplay run script.txt`) has "" as its parent: the current folder.
    let base = if base.as_os_str().is_empty() { Path::new(".") } else { base };
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    shell.set_cwd(&base.to_string_lossy());
    let mut trace = Trace { out: opts.trace.as_ref().map(|p| std::fs::File::create(p).map(std::io::BufWriter::new)).transpose()?, since: 0 };
    trace.drain(&cluster)?;
    let mut ok = true;
    let mut pending = String::new();
    for raw in script.lines() {
        if pending.is_empty() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Inside a `kubectl exec -it` session the line follows the container's prompt.
            let prompt = if shell.in_container() { shell.prompt() } else { "$ ".to_string() };
            print(&format!("{prompt}{line}\n"));
            pending.push_str(line);
        } else {
            print(&format!("> {raw}\n"));
            pending.push('\n');
            pending.push_str(raw);
        }
        // A heredoc, an open quote or a trailing pipe continues on the next lines.
        if Shell::is_incomplete(&pending) {
            continue;
        }
        let line = std::mem::take(&mut pending);
        let line = line.as_str();
        // `advance` runs step by step so the trace never outruns the watch log.
        if let Some(arg) = line.strip_prefix("advance ") {
            match Duration::parse(arg) {
                Ok(d) => {
                    let target = cluster.now() + d;
                    while cluster.now() < target {
                        cluster.step_toward(target);
                        trace.drain(&cluster)?;
                        if let Some(notice) = shell.end_session_if_gone(&cluster) {
                            print(&notice.stderr);
                            ok = false;
                        }
                    }
                    continue;
                }
                Err(e) => {
                    print(&format!("advance: {e}\n"));
                    ok = false;
                    continue;
                }
            }
        }
        let mut out = shell.run(&mut cluster, line, opts.max_wait);
        print(&out.take_warnings());
        print(&out.stdout);
        print(&out.stderr);
        ok &= out.exit_code == 0;
        trace.drain(&cluster)?;
        // A session's container that stopped while the line ran (a `sleep` in it) ends it.
        if let Some(notice) = shell.end_session_if_gone(&cluster) {
            print(&notice.stderr);
            ok = false;
        }
    }
    if !pending.is_empty() {
        // The script ended inside a heredoc or a quote: the shell says so.
        let out = shell.run(&mut cluster, &pending, opts.max_wait);
        print(&out.stderr);
        ok = false;
    }
    if let Some(out) = trace.out.as_mut() {
        out.flush()?;
    }
    Ok(ok)
}
