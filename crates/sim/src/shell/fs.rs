//! The console's file system: directories and text files in memory. Some are read-only
//! (the workshop material and lesson files); an optional read-only lower layer (the
//! runner's disk) shows through wherever memory has nothing.

use crate::kubectl::Files;
use serde::{Deserialize, Serialize};
use crate::small_map::SmallMap;
use std::rc::Rc;

/// One entry in memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entry {
    /// A directory.
    Dir {
        /// Nothing may be created in or removed from it.
        read_only: bool,
    },
    /// A text file.
    File {
        /// The contents.
        text: String,
        /// It may not be changed or removed.
        read_only: bool,
    },
}

/// Why a file operation failed, worded as coreutils does after `cmd: path: `.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    /// The path does not exist.
    NotFound,
    /// A file was used as a directory.
    NotADirectory,
    /// A directory was used as a file.
    IsADirectory,
    /// The entry or its directory is read-only.
    ReadOnly,
    /// The path exists already.
    Exists,
    /// A directory to remove still has entries.
    NotEmpty,
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::ReadOnly => "Read-only file system",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
        })
    }
}

/// The console's files.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct FileSystem {
    /// Absolute normalized paths ("/" is always a directory).
    entries: SmallMap<String, Entry>,
    /// Read-only files underneath (absolute paths), e.g. the disk a script runs from.
    #[serde(skip)]
    lower: Option<Rc<dyn Files>>,
}

impl std::fmt::Debug for FileSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSystem").field("entries", &self.entries.len()).field("lower", &self.lower.is_some()).finish()
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved.
pub fn resolve(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

impl FileSystem {
    /// An empty file system with the usual home directory.
    pub fn new() -> Self {
        let mut fs = FileSystem::default();
        for dir in ["/home", "/home/docker", "/tmp"] {
            fs.entries.insert(dir.into(), Entry::Dir { read_only: false });
        }
        fs
    }

    /// Lets a read-only layer show through where memory has nothing.
    pub fn with_lower(mut self, lower: Rc<dyn Files>) -> Self {
        self.lower = Some(lower);
        self
    }

    /// Adds a file (and its directories), replacing what was there; `read_only` protects it
    /// and its new directories from the learner.
    pub fn add_file(&mut self, path: &str, text: &str, read_only: bool) {
        let path = resolve("/", path);
        let mut dir = parent(&path).to_string();
        let mut dirs = Vec::new();
        while dir != "/" && !self.entries.contains_key(&dir) {
            dirs.push(dir.clone());
            dir = parent(&dir).to_string();
        }
        for d in dirs {
            self.entries.insert(d, Entry::Dir { read_only });
        }
        self.entries.insert(path, Entry::File { text: text.to_string(), read_only });
    }

    /// Whether `path` (absolute) is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        match self.entries.get(path) {
            Some(e) => matches!(e, Entry::Dir { .. }),
            None => path == "/" || self.lower.as_ref().is_some_and(|l| l.list_dir(path).is_some()),
        }
    }

    /// Whether `path` (absolute) exists.
    pub fn exists(&self, path: &str) -> bool {
        self.entries.contains_key(path) || self.is_dir(path) || self.lower.as_ref().is_some_and(|l| l.read(path).is_ok())
    }

    /// Reads a file.
    pub fn read(&self, path: &str) -> Result<String, FsError> {
        match self.entries.get(path) {
            Some(Entry::File { text, .. }) => Ok(text.clone()),
            Some(Entry::Dir { .. }) => Err(FsError::IsADirectory),
            None if self.is_dir(path) => Err(FsError::IsADirectory),
            None => self.lower.as_ref().and_then(|l| l.read(path).ok()).ok_or(FsError::NotFound),
        }
    }

    /// Writes (or appends to) a file; its directory must exist.
    pub fn write(&mut self, path: &str, text: &str, append: bool) -> Result<(), FsError> {
        let dir = parent(path);
        if !self.is_dir(dir) {
            return Err(if self.exists(dir) { FsError::NotADirectory } else { FsError::NotFound });
        }
        if matches!(self.entries.get(dir), Some(Entry::Dir { read_only: true })) {
            return Err(FsError::ReadOnly);
        }
        match self.entries.get_mut(path) {
            Some(Entry::Dir { .. }) => Err(FsError::IsADirectory),
            Some(Entry::File { read_only: true, .. }) => Err(FsError::ReadOnly),
            Some(Entry::File { text: old, .. }) => {
                if !append {
                    old.clear();
                }
                old.push_str(text);
                Ok(())
            }
            None => {
                let before = if append { self.read(path).unwrap_or_default() } else { String::new() };
                if self.is_dir(path) {
                    return Err(FsError::IsADirectory);
                }
                self.entries.insert(path.to_string(), Entry::File { text: before + text, read_only: false });
                Ok(())
            }
        }
    }

    /// Creates a directory (and, with `parents`, the ones above it).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        if self.exists(path) {
            return if parents && self.is_dir(path) { Ok(()) } else { Err(FsError::Exists) };
        }
        let dir = parent(path);
        if !self.is_dir(dir) {
            if parents && !self.exists(dir) {
                self.mkdir(dir, true)?;
            } else {
                return Err(if self.exists(dir) { FsError::NotADirectory } else { FsError::NotFound });
            }
        }
        if matches!(self.entries.get(dir), Some(Entry::Dir { read_only: true })) {
            return Err(FsError::ReadOnly);
        }
        self.entries.insert(path.to_string(), Entry::Dir { read_only: false });
        Ok(())
    }

    /// Removes a file, or a directory when `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        match self.entries.get(path) {
            None if self.exists(path) => Err(FsError::ReadOnly),
            None => Err(FsError::NotFound),
            Some(Entry::File { read_only: true, .. } | Entry::Dir { read_only: true }) => Err(FsError::ReadOnly),
            Some(Entry::Dir { .. }) if !recursive => Err(FsError::IsADirectory),
            Some(_) if path == "/" => Err(FsError::ReadOnly),
            Some(_) => {
                let prefix = format!("{path}/");
                let inside: Vec<String> = self.entries.range_from(prefix.as_str()).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()).collect();
                if inside.iter().any(|k| matches!(self.entries[k], Entry::File { read_only: true, .. } | Entry::Dir { read_only: true })) {
                    return Err(FsError::ReadOnly);
                }
                for k in inside {
                    self.entries.remove(&k);
                }
                self.entries.remove(path);
                Ok(())
            }
        }
    }

    /// The names in a directory with whether each is a directory, in name order.
    pub fn list(&self, path: &str) -> Result<Vec<(String, bool)>, FsError> {
        if !self.is_dir(path) {
            return Err(if self.exists(path) { FsError::NotADirectory } else { FsError::NotFound });
        }
        let prefix = if path == "/" { "/".to_string() } else { format!("{path}/") };
        let mut names: SmallMap<String, bool> = SmallMap::new();
        for (k, e) in self.entries.range_from(prefix.as_str()).take_while(|(k, _)| k.starts_with(&prefix)) {
            let rest = &k[prefix.len()..];
            if !rest.is_empty() && !rest.contains('/') {
                names.insert(rest.to_string(), matches!(e, Entry::Dir { .. }));
            }
        }
        if let Some(lower) = &self.lower {
            for n in lower.list_dir(path).unwrap_or_default() {
                let full = format!("{prefix}{n}");
                let dir = lower.list_dir(&full).is_some();
                names.get_or_insert_with(n, || dir);
            }
        }
        Ok(names.into_iter().collect())
    }

    /// The files in memory (path, text), e.g. to save the learner's work.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|(k, e)| match e {
            Entry::File { text, .. } => Some((k.as_str(), text.as_str())),
            Entry::Dir { .. } => None,
        })
    }
}

/// The file system as `kubectl -f` sees it from a directory, with `-` meaning standard input.
pub struct ShellFiles<'a> {
    /// The files.
    pub fs: &'a FileSystem,
    /// The working directory relative paths start from.
    pub cwd: &'a str,
    /// What `-f -` reads.
    pub stdin: &'a str,
}

impl Files for ShellFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        if path == "-" {
            return Ok(self.stdin.to_string());
        }
        self.fs.read(&resolve(self.cwd, path)).map_err(|_| format!("error: the path {path:?} does not exist"))
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        if path == "-" {
            return None;
        }
        self.fs.list(&resolve(self.cwd, path)).ok().map(|names| names.into_iter().map(|(n, _)| n).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_like_a_shell() {
        assert_eq!(resolve("/home/docker", "a/../b/./c.yaml"), "/home/docker/b/c.yaml");
        assert_eq!(resolve("/home/docker", "/etc/../tmp"), "/tmp");
        assert_eq!(resolve("/", "../.."), "/");
    }

    #[test]
    fn read_only_material_cannot_be_changed_but_copies_can() {
        let mut fs = FileSystem::new();
        fs.add_file("/workshop/class_1/deployment.yaml", "kind: Deployment\n", true);
        assert_eq!(fs.write("/workshop/class_1/deployment.yaml", "x", false), Err(FsError::ReadOnly));
        assert_eq!(fs.write("/workshop/class_1/new.yaml", "x", false), Err(FsError::ReadOnly));
        assert_eq!(fs.remove("/workshop/class_1", true), Err(FsError::ReadOnly));
        let text = fs.read("/workshop/class_1/deployment.yaml").unwrap();
        fs.write("/home/docker/deployment.yaml", &text, false).unwrap();
        fs.write("/home/docker/deployment.yaml", "# mine\n", true).unwrap();
        assert_eq!(fs.read("/home/docker/deployment.yaml").unwrap(), "kind: Deployment\n# mine\n");
        assert_eq!(fs.list("/workshop").unwrap(), vec![("class_1".to_string(), true)]);
    }

    #[test]
    fn directories_are_made_and_removed_as_coreutils_does() {
        let mut fs = FileSystem::new();
        assert_eq!(fs.mkdir("/home/docker/a/b", false), Err(FsError::NotFound));
        fs.mkdir("/home/docker/a/b", true).unwrap();
        assert_eq!(fs.mkdir("/home/docker/a", false), Err(FsError::Exists));
        fs.write("/home/docker/a/b/f.txt", "hi", false).unwrap();
        assert_eq!(fs.remove("/home/docker/a", false), Err(FsError::IsADirectory));
        fs.remove("/home/docker/a", true).unwrap();
        assert!(!fs.exists("/home/docker/a/b/f.txt"));
        assert_eq!(fs.read("/home/docker/nothing"), Err(FsError::NotFound));
        assert_eq!(fs.read("/home"), Err(FsError::IsADirectory));
    }
}
