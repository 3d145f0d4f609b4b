//! The final filesystem of an image: layers applied in order, whiteouts
//! and opaque directories honoured, later files replacing earlier ones.
//!
//! It also remembers, for the file versions the scan kept, which later
//! layer removed or replaced them: those bytes are no longer in the running
//! container but still in the image's layer blobs. Symlinks and hard links
//! are resolved inside the image only (`..` stops at the image root, an
//! absolute target starts from it), with a hop limit against loops.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::layer::{EntryKind, EntryMeta};
use super::{FileData, Snapshot};

/// Links followed while resolving one path.
const MAX_LINK_HOPS: usize = 40;

/// A path of the final filesystem.
#[derive(Clone, Debug)]
pub struct Node {
    /// The layer that put it there.
    pub layer: usize,
    /// What it is.
    pub kind: EntryKind,
    /// Mode bits.
    pub mode: u32,
    /// Size.
    pub size: u64,
}

/// The final view plus the fate of tracked file versions.
#[derive(Debug, Default)]
pub struct Overlay {
    nodes: BTreeMap<String, Node>,
    removed: HashMap<(usize, String), usize>,
}

impl Overlay {
    /// Applies `layers` in order. `tracked` lists the (layer, path) file
    /// versions whose removal should be remembered.
    pub fn build(layers: &[Vec<EntryMeta>], tracked: &HashSet<(usize, String)>) -> Overlay {
        let mut overlay = Overlay::default();
        for (index, entries) in layers.iter().enumerate() {
            // Deletions apply to the lower layers, whatever their order in
            // the tar.
            for entry in entries {
                match entry.kind {
                    EntryKind::Opaque => overlay.remove_below(&entry.path, index, tracked),
                    EntryKind::Whiteout => {
                        overlay.remove_node(&entry.path, index, tracked);
                        overlay.remove_below(&entry.path, index, tracked);
                    }
                    _ => {}
                }
            }
            for entry in entries {
                if matches!(entry.kind, EntryKind::Opaque | EntryKind::Whiteout) {
                    continue;
                }
                overlay.remove_node(&entry.path, index, tracked);
                if entry.kind != EntryKind::Dir {
                    overlay.remove_below(&entry.path, index, tracked);
                }
                overlay.nodes.insert(
                    entry.path.clone(),
                    Node {
                        layer: index,
                        kind: entry.kind.clone(),
                        mode: entry.mode,
                        size: entry.size,
                    },
                );
            }
        }
        overlay
    }

    fn remove_node(&mut self, path: &str, by_layer: usize, tracked: &HashSet<(usize, String)>) {
        if let Some(node) = self.nodes.remove(path) {
            self.note_removal(node.layer, path, by_layer, tracked);
        }
    }

    /// Removes everything strictly below `dir` put there by lower layers.
    fn remove_below(&mut self, dir: &str, by_layer: usize, tracked: &HashSet<(usize, String)>) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let doomed: Vec<String> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .filter(|(_, node)| node.layer < by_layer)
            .map(|(path, _)| path.clone())
            .collect();
        for path in doomed {
            self.remove_node(&path, by_layer, tracked);
        }
    }

    fn note_removal(
        &mut self,
        layer: usize,
        path: &str,
        by_layer: usize,
        tracked: &HashSet<(usize, String)>,
    ) {
        let key = (layer, path.to_string());
        if layer < by_layer && tracked.contains(&key) {
            self.removed.entry(key).or_insert(by_layer);
        }
    }

    /// True if the version of `path` from `layer` is in the final view.
    pub fn is_final(&self, layer: usize, path: &str) -> bool {
        self.nodes.get(path).is_some_and(|node| node.layer == layer)
    }

    /// The layer that removed or replaced a tracked file version.
    pub fn removed_in(&self, layer: usize, path: &str) -> Option<usize> {
        self.removed.get(&(layer, path.to_string())).copied()
    }

    /// Resolves `path` through symlinks and hard links, inside the image.
    /// Returns the final path and its node (`None` node for a directory
    /// that only exists implicitly, as the parent of other paths).
    pub fn resolve(&self, path: &str) -> Option<(String, Option<&Node>)> {
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            resolved.push(part);
            let current = resolved.join("/");
            let target = match self.nodes.get(&current).map(|node| &node.kind) {
                Some(EntryKind::Symlink(target)) => target.clone(),
                Some(EntryKind::Hardlink(target)) => format!("/{target}"),
                _ => continue,
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return None;
            }
            resolved.pop();
            if target.starts_with('/') {
                resolved.clear();
            }
            pending.extend(target.split('/').rev().map(str::to_string));
        }
        let path = resolved.join("/");
        match self.nodes.get(&path) {
            Some(node) => Some((path, Some(node))),
            None if path.is_empty() || self.has_children(&path) => Some((path, None)),
            None => None,
        }
    }

    fn has_children(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.nodes
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(&prefix))
    }

    /// Names directly inside directory `dir` (already resolved), sorted.
    pub fn children(&self, dir: &str, max: usize) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: Vec<String> = Vec::new();
        for (path, _) in self.nodes.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            let name = rest.split('/').next().unwrap_or(rest);
            if names.last().map(String::as_str) != Some(name) {
                names.push(name.to_string());
                if names.len() >= max {
                    break;
                }
            }
        }
        names
    }

    /// Regular files of the final view whose mode has any bit of `mask`.
    pub fn files_with_mode(&self, mask: u32) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes
            .iter()
            .filter(move |(_, node)| node.kind == EntryKind::File && node.mode & mask != 0)
    }
}

/// The final filesystem as plugins see it: paths resolve through the
/// overlay; content is there for the file versions the scan kept in memory
/// (files some plugin wanted, and small metadata files such as
/// `etc/os-release` or the package databases).
pub struct ImageSnapshot {
    overlay: Arc<Overlay>,
    contents: HashMap<String, Arc<FileData>>,
}

impl ImageSnapshot {
    /// A snapshot over `overlay` with the kept final-version `contents`.
    pub fn new(overlay: Arc<Overlay>, contents: HashMap<String, Arc<FileData>>) -> Self {
        ImageSnapshot { overlay, contents }
    }
}

impl Snapshot for ImageSnapshot {
    fn open(&self, path: &str, max_bytes: u64) -> Option<Arc<FileData>> {
        let (path, node) = self.overlay.resolve(path)?;
        let node = node?;
        if node.kind != EntryKind::File || node.size > max_bytes {
            return None;
        }
        self.contents.get(&path).cloned()
    }

    fn list_dir(&self, path: &str, max_names: usize) -> Vec<String> {
        match self.overlay.resolve(path) {
            Some((dir, None)) => self.overlay.children(&dir, max_names),
            Some((dir, Some(node))) if node.kind == EntryKind::Dir => {
                self.overlay.children(&dir, max_names)
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> EntryMeta {
        EntryMeta {
            path: path.into(),
            kind: EntryKind::File,
            size: 1,
            mode: 0o100644,
        }
    }

    fn marker(path: &str, kind: EntryKind) -> EntryMeta {
        EntryMeta {
            path: path.into(),
            kind,
            size: 0,
            mode: 0,
        }
    }

    #[test]
    fn whiteouts_opaque_dirs_and_replacements() {
        let layers = vec![
            vec![
                file("app/secret.env"),
                file("app/config"),
                file("cache/a"),
                file("cache/b"),
            ],
            vec![
                marker("app/secret.env", EntryKind::Whiteout),
                file("app/config"),
                marker("cache", EntryKind::Opaque),
                file("cache/c"),
            ],
        ];
        let tracked: HashSet<_> = [
            (0, "app/secret.env".to_string()),
            (0, "app/config".to_string()),
            (0, "cache/a".to_string()),
        ]
        .into();
        let overlay = Overlay::build(&layers, &tracked);
        assert!(!overlay.is_final(0, "app/secret.env"));
        assert_eq!(overlay.removed_in(0, "app/secret.env"), Some(1));
        assert!(overlay.is_final(1, "app/config"));
        assert_eq!(overlay.removed_in(0, "app/config"), Some(1));
        assert!(overlay.resolve("cache/a").is_none());
        assert!(overlay.is_final(1, "cache/c"));
        assert_eq!(overlay.children("cache", 10), vec!["c"]);
        assert_eq!(overlay.children("", 10), vec!["app", "cache"]);
    }

    #[test]
    fn links_resolve_inside_the_image_and_loops_stop() {
        let layers = vec![vec![
            file("usr/lib/os-release"),
            marker(
                "etc/os-release",
                EntryKind::Symlink("../usr/lib/os-release".into()),
            ),
            marker(
                "escape",
                EntryKind::Symlink("../../../../etc/shadow".into()),
            ),
            file("etc/shadow"),
            marker("loop-a", EntryKind::Symlink("loop-b".into())),
            marker("loop-b", EntryKind::Symlink("/loop-a".into())),
            marker("abs", EntryKind::Symlink("/etc/os-release".into())),
        ]];
        let overlay = Overlay::build(&layers, &HashSet::new());
        assert_eq!(
            overlay.resolve("etc/os-release").map(|r| r.0),
            Some("usr/lib/os-release".into())
        );
        assert_eq!(
            overlay.resolve("abs").map(|r| r.0),
            Some("usr/lib/os-release".into())
        );
        // `..` stops at the image root: this is the image's own etc/shadow.
        assert_eq!(
            overlay.resolve("escape").map(|r| r.0),
            Some("etc/shadow".into())
        );
        assert!(overlay.resolve("loop-a").is_none());
    }
}
