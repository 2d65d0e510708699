//! Root file systems the lab runs in, prepared once under the runtime's base
//! directory: a busybox image (Debian's busybox-static with its applet links)
//! and the chroot demo's "ldd jail" (bash, ls and cat plus the libraries `ldd`
//! names). Only fixed host paths are read; nothing comes from a request.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's busybox-static installs its binary.
pub const BUSYBOX: &str = "/bin/busybox";

/// Marks a finished image so a crash half-way is redone on the next start.
const READY: &str = ".kubeplay-ready";

fn io_err(text: String) -> io::Error {
    io::Error::other(text)
}

/// One build at a time within this process.
static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Returns `dir` when it is complete; otherwise builds it in a scratch directory beside it with
/// `fill` and renames that into place, so concurrent servers never see a half-built image.
fn build_once(dir: PathBuf, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<PathBuf> {
    if dir.join(READY).exists() {
        return Ok(dir);
    }
    let _one = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    if dir.join(READY).exists() {
        return Ok(dir);
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let scratch = dir.with_file_name(format!(".{name}.building-{}", std::process::id()));
    if scratch.exists() {
        fs::remove_dir_all(&scratch)?;
    }
    fs::create_dir_all(&scratch)?;
    if let Err(e) = fill(&scratch).and_then(|_| fs::write(scratch.join(READY), "")) {
        let _ = fs::remove_dir_all(&scratch);
        return Err(e);
    }
    if dir.exists() && !dir.join(READY).exists() {
        fs::remove_dir_all(&dir)?;
    }
    if fs::rename(&scratch, &dir).is_err() {
        // Another process finished first: use its image.
        let _ = fs::remove_dir_all(&scratch);
    }
    if dir.join(READY).exists() {
        Ok(dir)
    } else {
        Err(io_err(format!("{} could not be built", dir.display())))
    }
}

/// The busybox image at `<base>/images/busybox`, built if missing. Returns its path.
pub fn busybox_image(base: &Path) -> io::Result<PathBuf> {
    if !Path::new(BUSYBOX).is_file() {
        return Err(io_err(format!("{BUSYBOX} is missing: install Debian's busybox-static")));
    }
    fs::create_dir_all(base.join("images"))?;
    build_once(base.join("images").join("busybox"), fill_busybox)
}

fn fill_busybox(dir: &Path) -> io::Result<()> {
    for d in ["bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "etc", "root", "home", "var", "run", "mnt"] {
        fs::create_dir_all(dir.join(d))?;
    }
    fs::copy(BUSYBOX, dir.join("bin/busybox"))?;
    let list = Command::new(BUSYBOX).arg("--list").output()?;
    for applet in String::from_utf8_lossy(&list.stdout).lines().map(str::trim).filter(|a| !a.is_empty() && *a != "busybox") {
        if applet.contains('/') {
            continue;
        }
        let _ = symlink("busybox", dir.join("bin").join(applet));
    }
    fs::write(dir.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")?;
    fs::write(dir.join("etc/group"), "root:x:0:\nnogroup:x:65534:\n")?;
    fs::write(dir.join("etc/hostname"), "container\n")?;
    fs::write(dir.join("etc/os-release"), "NAME=\"kubeplay busybox\"\nID=busybox\n")
}

/// Libraries `ldd` names for a binary: absolute paths, the loader included.
pub fn ldd_libraries(ldd_output: &str) -> Vec<PathBuf> {
    let mut libs = Vec::new();
    for line in ldd_output.lines() {
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
        let path = match line.split_once("=>") {
            Some((_, right)) => right.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        if let Some(p) = path.filter(|p| p.starts_with('/')) {
            libs.push(PathBuf::from(p));
        }
    }
    libs
}

/// The programs the jail holds.
pub const JAIL_PROGRAMS: [&str; 3] = ["bash", "ls", "cat"];

/// The chroot jail at `<base>/jail`, built if missing: the jail programs in `/bin`
/// and every library `ldd` names at its own path. Returns its path.
pub fn ldd_jail(base: &Path) -> io::Result<PathBuf> {
    fs::create_dir_all(base)?;
    build_once(base.join("jail"), fill_jail)
}

/// Copies a host program into the jail's `/bin` with every library `ldd` names.
fn copy_with_libraries(dir: &Path, host: &str, name: &str) -> io::Result<()> {
    fs::copy(host, dir.join("bin").join(name))?;
    let out = Command::new("ldd").arg(host).stdin(std::process::Stdio::null()).output()?;
    for lib in ldd_libraries(&String::from_utf8_lossy(&out.stdout)) {
        let target = dir.join(lib.strip_prefix("/").unwrap_or(&lib));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        if !target.exists() {
            fs::copy(&lib, &target)?;
        }
    }
    Ok(())
}

fn fill_jail(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir.join("bin"))?;
    for program in JAIL_PROGRAMS {
        let host = crate::which(program).ok_or_else(|| io_err(format!("{program} is not installed")))?;
        copy_with_libraries(dir, &host, program)?;
    }
    // `tree` is shown when the host has it (Debian's `tree` package); the jail works without.
    if let Some(tree) = crate::which("tree") {
        copy_with_libraries(dir, &tree, "tree")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_lines_give_absolute_paths() {
        let out = "\tlinux-vdso.so.1 (0x00007ffd)\n\tlibtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6 (0x00007f)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n";
        assert_eq!(
            ldd_libraries(out),
            vec![
                PathBuf::from("/lib/x86_64-linux-gnu/libtinfo.so.6"),
                PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6"),
                PathBuf::from("/lib64/ld-linux-x86-64.so.2")
            ]
        );
        assert!(ldd_libraries("\tnot a dynamic executable\n").is_empty());
    }
}
