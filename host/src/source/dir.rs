//! File-tree targets: a directory (a repository, an unpacked root
//! filesystem), walked through `cap-std` and confined to it, or one file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::walk::{self, Entry, FileData, Snapshot, WalkLimits, WalkStats};

use super::TargetKind;

/// An opened directory or file.
pub struct FileTree {
    /// What the user named, as given.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// The directory every path is confined to.
    root: Arc<Dir>,
    /// For a single-file target, its name inside `root`.
    single: Option<String>,
}

impl FileTree {
    /// Opens `path` (whose metadata the caller read) as a directory or a
    /// single file.
    pub fn open(path: &Path, meta: &std::fs::Metadata) -> Result<FileTree> {
        let name = path.display().to_string();
        if meta.is_dir() {
            let root = Dir::open_ambient_dir(path, ambient_authority())
                .with_context(|| format!("cannot open directory {name}"))?;
            return Ok(FileTree {
                name,
                kind: TargetKind::Directory,
                root: Arc::new(root),
                single: None,
            });
        }
        if !meta.is_file() {
            bail!("cannot scan {name}: not a regular file or directory");
        }
        let parent: PathBuf = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = path
            .file_name()
            .with_context(|| format!("cannot scan {name}: no file name"))?
            .to_string_lossy()
            .into_owned();
        let root = Dir::open_ambient_dir(&parent, ambient_authority())
            .with_context(|| format!("cannot open the directory of {name}"))?;
        Ok(FileTree {
            name,
            kind: TargetKind::File,
            root: Arc::new(root),
            single: Some(file_name),
        })
    }

    /// Calls `visit` for every regular file of the target.
    pub fn walk(
        &self,
        limits: &WalkLimits,
        skip_dir: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&mut dyn Entry),
    ) -> WalkStats {
        match &self.single {
            None => walk::walk_dir(&self.root, limits, skip_dir, visit),
            Some(file_name) => {
                let mut stats = WalkStats::default();
                match SingleFile::new(&self.root, file_name) {
                    Ok(mut file) => {
                        stats.files = 1;
                        visit(&mut file);
                    }
                    Err(err) => stats.errors.push(format!("{file_name}: {err:#}")),
                }
                stats
            }
        }
    }

    /// The snapshot plugins may open files in.
    pub fn snapshot(&self) -> Arc<dyn Snapshot> {
        Arc::new(DirSnapshot {
            root: Arc::clone(&self.root),
            only: self.single.clone(),
        })
    }
}

/// A single-file target's one entry.
struct SingleFile<'a> {
    root: &'a Dir,
    name: String,
    size: u64,
    mode: u32,
}

impl<'a> SingleFile<'a> {
    fn new(root: &'a Dir, name: &str) -> Result<Self> {
        let meta = root.metadata(name)?;
        anyhow::ensure!(meta.is_file(), "not a regular file");
        Ok(SingleFile {
            root,
            name: name.to_string(),
            size: meta.len(),
            mode: walk::unix_mode(&meta),
        })
    }
}

impl Entry for SingleFile<'_> {
    fn path(&self) -> &str {
        &self.name
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn mode(&self) -> u32 {
        self.mode
    }

    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>> {
        walk::read_confined(self.root, Path::new(&self.name), max_bytes)
    }
}

/// Files of a directory target, opened by path through `cap-std`: a path
/// with `..`, or a symlink pointing outside the directory, fails.
struct DirSnapshot {
    root: Arc<Dir>,
    /// For a single-file target, the only file that may be opened.
    only: Option<String>,
}

impl Snapshot for DirSnapshot {
    fn open(&self, path: &str, max_bytes: u64) -> Option<Arc<FileData>> {
        let path = walk::normalize(path)?;
        if self.only.as_ref().is_some_and(|only| *only != path) {
            return None;
        }
        let meta = self.root.metadata(&path).ok()?;
        let bytes = walk::read_confined(&self.root, Path::new(&path), max_bytes).ok()?;
        Some(Arc::new(FileData {
            path,
            mode: walk::unix_mode(&meta),
            layer: None,
            bytes,
        }))
    }

    fn list_dir(&self, path: &str, max_names: usize) -> Vec<String> {
        let dir = walk::normalize(path).unwrap_or_default();
        if let Some(only) = &self.only {
            return if dir.is_empty() {
                vec![only.clone()]
            } else {
                Vec::new()
            };
        }
        let entries = if dir.is_empty() {
            self.root.entries()
        } else {
            self.root.read_dir(&dir)
        };
        let Ok(entries) = entries else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .take(max_names)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}
