//! File system layers and overlayfs: read-only image layers under one writable
//! upper layer. Writing a lower file copies it up first, deleting one leaves a
//! whiteout (a character device 0:0) in the upper layer, and a directory made
//! where a deleted one was is marked opaque. The lower layers never change. A
//! tmpfs is an overlay with no lower layer.

use kubeplay_lab::{LayerEntry, LayerEntryKind};
use crate::small_map::SmallMap;
use std::rc::Rc;

/// One entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A directory.
    Dir,
    /// A directory hiding everything below it (`trusted.overlay.opaque=y`).
    Opaque,
    /// A text file.
    File(String),
    /// A program or library of this many bytes.
    Binary(u64),
    /// A symbolic link and its target.
    Link(String),
    /// A whiteout: the file below is deleted.
    Whiteout,
    /// A character device (major, minor).
    Device(u32, u32),
}

/// Why a file operation failed, as `strerror` words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    /// ENOENT.
    NotFound,
    /// ENOTDIR.
    NotDir,
    /// EISDIR.
    IsDir,
    /// EEXIST.
    Exists,
    /// ENOTEMPTY.
    NotEmpty,
    /// EACCES.
    Access,
    /// EROFS.
    ReadOnly,
    /// EPERM.
    Perm,
    /// EINVAL.
    Invalid,
    /// EBUSY.
    Busy,
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotDir => "Not a directory",
            FsError::IsDir => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::Access => "Permission denied",
            FsError::ReadOnly => "Read-only file system",
            FsError::Perm => "Operation not permitted",
            FsError::Invalid => "Invalid argument",
            FsError::Busy => "Device or resource busy",
        })
    }
}

/// One layer: absolute paths (never `/` itself) to entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// Its name in the lab's drawing.
    pub name: String,
    /// Where it lives on the host (for `/proc/self/mounts`).
    pub host_dir: String,
    /// Its entries.
    pub entries: SmallMap<String, Node>,
}

/// The parent directory of an absolute path.
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The ancestors of a path below `/`, outermost first (the path itself excluded).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').skip(1).map(move |(i, _)| &path[..i])
}

impl Layer {
    /// An empty layer.
    pub fn new(name: &str, host_dir: &str) -> Self {
        Layer { name: name.into(), host_dir: host_dir.into(), entries: SmallMap::new() }
    }

    /// Adds an entry and any missing directories above it.
    pub fn add(&mut self, path: &str, node: Node) {
        for a in ancestors(path) {
            self.entries.get_or_insert_with(a.to_string(), || Node::Dir);
        }
        self.entries.insert(path.to_string(), node);
    }

    /// The paths directly inside `dir`.
    fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir == "/" { "/".to_string() } else { format!("{dir}/") };
        let len = prefix.len();
        self.entries.range_from(prefix.as_str()).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.as_str()).filter(move |k| !k[len..].contains('/'))
    }

    /// The layer as the lab draws it: at most `limit` entries, the top level
    /// first, then sorted by path; and how many were left out.
    pub fn listing(&self, limit: usize) -> (Vec<LayerEntry>, usize) {
        let mut paths: Vec<&String> = self.entries.keys().collect();
        crate::sorting::sort_by_key(&mut paths, |p| (p.matches('/').count(), p.to_string()));
        let mut entries: Vec<LayerEntry> = paths.iter().take(limit).map(|p| entry(p, &self.entries[*p])).collect();
        crate::sorting::sort_by(&mut entries, |a, b| a.path.cmp(&b.path));
        (entries, self.entries.len().saturating_sub(limit))
    }
}

fn entry(path: &str, node: &Node) -> LayerEntry {
    let (kind, size) = match node {
        Node::Dir => (LayerEntryKind::Dir, 0),
        Node::Opaque => (LayerEntryKind::Opaque, 0),
        Node::File(text) => (LayerEntryKind::File, text.len() as u64),
        Node::Binary(size) => (LayerEntryKind::File, *size),
        Node::Link(_) => (LayerEntryKind::Link, 0),
        Node::Whiteout | Node::Device(0, 0) => (LayerEntryKind::Whiteout, 0),
        Node::Device(..) => (LayerEntryKind::File, 0),
    };
    LayerEntry { path: path.into(), kind, size }
}

/// An overlay mount: lower layers (top first, never written) under an upper layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overlay {
    /// Read-only layers, top first.
    pub lower: Vec<Rc<Layer>>,
    /// The writable layer.
    pub upper: Layer,
    /// Mounted read-only: every change fails with EROFS.
    pub read_only: bool,
}

static ROOT: Node = Node::Dir;

impl Overlay {
    /// The layers top first.
    fn layers(&self) -> impl Iterator<Item = &Layer> {
        std::iter::once(&self.upper).chain(self.lower.iter().map(|l| &**l))
    }

    /// What `path` is in the merged view (opaque directories read as directories).
    pub fn find(&self, path: &str) -> Option<&Node> {
        if path == "/" {
            return Some(&ROOT);
        }
        for layer in self.layers() {
            let mut opaque_above = false;
            for a in ancestors(path) {
                match layer.entries.get(a) {
                    Some(Node::Opaque) => opaque_above = true,
                    Some(Node::Dir) | None => {}
                    Some(_) => return None,
                }
            }
            match layer.entries.get(path) {
                Some(Node::Whiteout) => return None,
                Some(Node::Opaque) => return Some(&ROOT),
                Some(node) => return Some(node),
                None if opaque_above => return None,
                None => {}
            }
        }
        None
    }

    fn dir(&self, path: &str) -> Result<(), FsError> {
        match self.find(path) {
            Some(Node::Dir) => Ok(()),
            Some(_) => Err(FsError::NotDir),
            None => Err(FsError::NotFound),
        }
    }

    /// The names in a directory, in name order, with what each is.
    pub fn list(&self, dir: &str) -> Result<Vec<(String, Node)>, FsError> {
        self.dir(dir)?;
        let mut names: SmallMap<String, Node> = SmallMap::new();
        for layer in self.layers() {
            for child in layer.children(dir) {
                if let (false, Some(node)) = (names.contains_key(child), self.find(child)) {
                    names.insert(child.to_string(), node.clone());
                }
            }
        }
        Ok(names.into_iter().map(|(k, v)| (k[k.rfind('/').map_or(0, |i| i + 1)..].to_string(), v)).collect())
    }

    fn writable(&self, path: &str) -> Result<(), FsError> {
        if self.read_only {
            return Err(FsError::ReadOnly);
        }
        self.dir(parent(path))
    }

    /// Copies the directories above `path` into the upper layer.
    fn copy_up_parents(&mut self, path: &str) {
        for a in ancestors(path) {
            self.upper.entries.get_or_insert_with(a.to_string(), || Node::Dir);
        }
    }

    /// Writes (or appends to) a file: a lower file is copied up first.
    pub fn write(&mut self, path: &str, text: &str, append: bool) -> Result<(), FsError> {
        self.writable(path)?;
        let old = match self.find(path) {
            Some(Node::Dir) => return Err(FsError::IsDir),
            Some(Node::File(t)) if append => t.clone(),
            _ => String::new(),
        };
        self.copy_up_parents(path);
        self.upper.entries.insert(path.to_string(), Node::File(old + text));
        Ok(())
    }

    /// Puts a node at a path that does not exist yet (a device, a binary).
    pub fn create(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        self.writable(path)?;
        if self.find(path).is_some() {
            return Err(FsError::Exists);
        }
        self.copy_up_parents(path);
        self.upper.entries.insert(path.to_string(), node);
        Ok(())
    }

    /// `touch`: a new empty file, or a copy-up of an existing one (its times change).
    pub fn touch(&mut self, path: &str) -> Result<(), FsError> {
        self.writable(path)?;
        let node = self.find(path).cloned().unwrap_or(Node::File(String::new()));
        if !self.upper.entries.contains_key(path) {
            self.copy_up_parents(path);
            self.upper.entries.insert(path.to_string(), if node == Node::Dir { Node::Dir } else { node });
        }
        Ok(())
    }

    /// Makes a directory; where a deleted one was, the new one is opaque.
    pub fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        self.writable(path)?;
        if self.find(path).is_some() {
            return Err(FsError::Exists);
        }
        self.copy_up_parents(path);
        let node = if self.upper.entries.get(path) == Some(&Node::Whiteout) { Node::Opaque } else { Node::Dir };
        self.upper.entries.insert(path.to_string(), node);
        Ok(())
    }

    /// Removes a file or an empty directory; what a lower layer still shows
    /// is hidden by a whiteout.
    pub fn remove(&mut self, path: &str) -> Result<(), FsError> {
        if self.read_only {
            return Err(FsError::ReadOnly);
        }
        match self.find(path) {
            None => return Err(FsError::NotFound),
            Some(Node::Dir) if path == "/" => return Err(FsError::Busy),
            Some(Node::Dir) if !self.list(path)?.is_empty() => return Err(FsError::NotEmpty),
            Some(_) => {}
        }
        let prefix = format!("{path}/");
        self.upper.entries.retain(|k, _| !k.starts_with(&prefix));
        self.upper.entries.remove(path);
        if self.find(path).is_some() {
            self.copy_up_parents(path);
            self.upper.entries.insert(path.to_string(), Node::Whiteout);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> Overlay {
        let mut app = Layer::new("app", "/layers/app");
        app.add("/app/a.txt", Node::File("first line\n".into()));
        app.add("/app/b.txt", Node::File("this file will be deleted\n".into()));
        Overlay { lower: vec![Rc::new(app)], ..Default::default() }
    }

    #[test]
    fn writes_copy_up_and_deletes_leave_whiteouts() {
        let mut fs = image();
        let before = fs.lower[0].clone();
        fs.write("/app/a.txt", "second line\n", true).unwrap();
        fs.remove("/app/b.txt").unwrap();
        fs.write("/app/c.txt", "new\n", false).unwrap();
        let names: Vec<String> = fs.list("/app").unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["a.txt", "c.txt"]);
        assert_eq!(fs.find("/app/a.txt"), Some(&Node::File("first line\nsecond line\n".into())));
        assert_eq!(fs.upper.entries.get("/app/b.txt"), Some(&Node::Whiteout));
        assert_eq!(*fs.lower[0], *before, "the image layer never changes");
        assert_eq!(fs.remove("/app/b.txt"), Err(FsError::NotFound));
    }

    #[test]
    fn a_directory_made_over_a_deleted_one_is_opaque() {
        let mut fs = image();
        for f in ["/app/a.txt", "/app/b.txt", "/app"] {
            fs.remove(f).unwrap();
        }
        assert_eq!(fs.find("/app"), None);
        fs.mkdir("/app").unwrap();
        assert_eq!(fs.upper.entries.get("/app"), Some(&Node::Opaque));
        assert!(fs.list("/app").unwrap().is_empty(), "nothing below shows through");
        assert_eq!(fs.remove("/"), Err(FsError::Busy));
        let (entries, omitted) = fs.upper.listing(10);
        assert_eq!((entries[0].kind, omitted), (LayerEntryKind::Opaque, 0));
    }

    #[test]
    fn read_only_mounts_refuse_changes() {
        let mut fs = image();
        fs.read_only = true;
        assert_eq!(fs.write("/app/x", "", false), Err(FsError::ReadOnly));
        assert_eq!(fs.mkdir("/tmp"), Err(FsError::ReadOnly));
        assert_eq!(fs.remove("/app/a.txt"), Err(FsError::ReadOnly));
    }
}
