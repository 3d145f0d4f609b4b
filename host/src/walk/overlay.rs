//! The final filesystem of an image: layers applied in order, whiteouts
//! and opaque directories honoured, later files replacing earlier ones.
//!
//! Paths are keyed by the raw bytes of the entry names: two names that
//! differ only in bytes that are not UTF-8 are two files (a whiteout that
//! would decode to the same replacement character hides nothing else).
//! Lossy UTF-8 is for display only.
//!
//! Building is linear in the entries: each node is removed at most once,
//! and a removal scans only the nodes it removes. Resolving a path is
//! linear in its length, with the path capped in bytes and components and
//! links followed at most [`MAX_LINK_HOPS`] times.
//!
//! The overlay also remembers, for the file versions the scan kept, which
//! later layer removed or replaced them: those bytes are no longer in the
//! running container but still in the image's layer blobs. Symlinks and
//! hard links are resolved inside the image only (`..` stops at the image
//! root, an absolute target starts from it).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::layer::{EntryKind, EntryMeta};
use super::{FileData, Snapshot};

/// Links followed while resolving one path.
const MAX_LINK_HOPS: usize = 40;
/// Longest path resolved, links expanded (Linux's PATH_MAX is 4 KiB).
pub const MAX_RESOLVED_BYTES: usize = 4 << 10;
/// Most components of a path resolved, links expanded.
pub const MAX_RESOLVED_COMPONENTS: usize = 256;

/// A raw in-image path: `/`-separated bytes, no leading slash.
pub type RawPath = Vec<u8>;

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
    nodes: BTreeMap<RawPath, Node>,
    removed: HashMap<(usize, RawPath), usize>,
}

/// `dir/` (empty for the root): the prefix of everything below `dir`.
fn below(dir: &[u8]) -> RawPath {
    if dir.is_empty() {
        return Vec::new();
    }
    let mut prefix = dir.to_vec();
    prefix.push(b'/');
    prefix
}

impl Overlay {
    /// Applies `layers` in order. `tracked` lists the (layer, path) file
    /// versions whose removal should be remembered.
    pub fn build(layers: &[Arc<Vec<EntryMeta>>], tracked: &HashSet<(usize, RawPath)>) -> Overlay {
        let mut overlay = Overlay::default();
        for (index, entries) in layers.iter().enumerate() {
            // Deletions apply to the lower layers, whatever their order in
            // the tar: at this point the map holds only lower layers.
            for entry in entries.iter() {
                match entry.kind {
                    EntryKind::Opaque => overlay.remove_below(&entry.path, index, tracked),
                    EntryKind::Whiteout => {
                        overlay.remove_node(&entry.path, index, tracked);
                        overlay.remove_below(&entry.path, index, tracked);
                    }
                    _ => {}
                }
            }
            for entry in entries.iter() {
                if matches!(entry.kind, EntryKind::Opaque | EntryKind::Whiteout) {
                    continue;
                }
                overlay.remove_node(&entry.path, index, tracked);
                if entry.kind != EntryKind::Dir {
                    // Nothing may stay below a non-directory, whichever
                    // layer put it there.
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

    fn remove_node(&mut self, path: &[u8], by_layer: usize, tracked: &HashSet<(usize, RawPath)>) {
        if let Some(node) = self.nodes.remove(path) {
            self.note_removal(node.layer, path, by_layer, tracked);
        }
    }

    /// Removes every node strictly below `dir`. Each node found is
    /// removed, so the scan costs what it removes (plus one lookup).
    fn remove_below(&mut self, dir: &[u8], by_layer: usize, tracked: &HashSet<(usize, RawPath)>) {
        let prefix = below(dir);
        let doomed: Vec<(RawPath, usize)> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .map(|(path, node)| (path.clone(), node.layer))
            .collect();
        for (path, layer) in doomed {
            self.nodes.remove(&path);
            self.note_removal(layer, &path, by_layer, tracked);
        }
    }

    fn note_removal(
        &mut self,
        layer: usize,
        path: &[u8],
        by_layer: usize,
        tracked: &HashSet<(usize, RawPath)>,
    ) {
        if layer >= by_layer {
            return;
        }
        let key = (layer, path.to_vec());
        if tracked.contains(&key) {
            self.removed.entry(key).or_insert(by_layer);
        }
    }

    /// True if the version of `path` from `layer` is in the final view.
    pub fn is_final(&self, layer: usize, path: &[u8]) -> bool {
        self.final_layer(path) == Some(layer)
    }

    /// The layer whose version of `path` is in the final view.
    pub fn final_layer(&self, path: &[u8]) -> Option<usize> {
        self.nodes.get(path).map(|node| node.layer)
    }

    /// The layer that removed or replaced a tracked file version.
    pub fn removed_in(&self, layer: usize, path: &[u8]) -> Option<usize> {
        self.removed.get(&(layer, path.to_vec())).copied()
    }

    /// Resolves `path` through symlinks and hard links, inside the image.
    /// Returns the final path and its node (`None` node for a directory
    /// that only exists implicitly, as the parent of other paths); `None`
    /// for a path that does not exist, loops, or grows past the caps.
    pub fn resolve(&self, path: &[u8]) -> Option<(RawPath, Option<&Node>)> {
        if path.len() > MAX_RESOLVED_BYTES {
            return None;
        }
        // Components still to walk, last first; and the path so far with
        // the byte offset where each of its components starts.
        let mut pending: Vec<RawPath> = Vec::new();
        push_components(&mut pending, path)?;
        let mut current: RawPath = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_slice() {
                b"" | b"." => continue,
                b".." => {
                    if let Some(start) = starts.pop() {
                        current.truncate(start.saturating_sub(1));
                    }
                    continue;
                }
                _ => {}
            }
            starts.push(if current.is_empty() {
                0
            } else {
                current.len() + 1
            });
            if !current.is_empty() {
                current.push(b'/');
            }
            current.extend_from_slice(&part);
            if current.len() > MAX_RESOLVED_BYTES {
                return None;
            }
            let target = match self.nodes.get(&current).map(|node| &node.kind) {
                Some(EntryKind::Symlink(target)) => target.clone(),
                Some(EntryKind::Hardlink(target)) => {
                    let mut absolute = b"/".to_vec();
                    absolute.extend_from_slice(target);
                    absolute
                }
                _ => continue,
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return None;
            }
            // The link itself is replaced by its target.
            if let Some(start) = starts.pop() {
                current.truncate(start.saturating_sub(1));
            }
            if target.starts_with(b"/") {
                current.clear();
                starts.clear();
            }
            push_components(&mut pending, &target)?;
        }
        match self.nodes.get(&current) {
            Some(node) => Some((current, Some(node))),
            None if current.is_empty() || self.has_children(&current) => Some((current, None)),
            None => None,
        }
    }

    fn has_children(&self, dir: &[u8]) -> bool {
        let prefix = below(dir);
        self.nodes
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(&prefix))
    }

    /// Names directly inside directory `dir` (already resolved), sorted,
    /// at most `max`. Each child directory's contents are skipped in one
    /// jump, so the cost is the number of children, not of descendants.
    pub fn children(&self, dir: &[u8], max: usize) -> Vec<RawPath> {
        use std::ops::Bound;
        let prefix = below(dir);
        let mut names: std::collections::BTreeSet<RawPath> = std::collections::BTreeSet::new();
        let mut cursor = Bound::Included(prefix.clone());
        while names.len() < max {
            let Some((path, _)) = self.nodes.range((cursor.clone(), Bound::Unbounded)).next()
            else {
                break;
            };
            let Some(rest) = path.strip_prefix(prefix.as_slice()) else {
                break;
            };
            match rest.iter().position(|b| *b == b'/') {
                Some(end) => {
                    // Inside a child directory: jump past all of it
                    // (`name/` < everything below it < `name0`).
                    let name = rest[..end].to_vec();
                    let mut next = prefix.clone();
                    next.extend_from_slice(&name);
                    next.push(b'/' + 1);
                    names.insert(name);
                    cursor = Bound::Included(next);
                }
                None => {
                    names.insert(rest.to_vec());
                    cursor = Bound::Excluded(path.clone());
                }
            }
        }
        names.into_iter().collect()
    }

    /// Regular files of the final view whose mode has any bit of `mask`.
    pub fn files_with_mode(&self, mask: u32) -> impl Iterator<Item = (&RawPath, &Node)> {
        self.nodes
            .iter()
            .filter(move |(_, node)| node.kind == EntryKind::File && node.mode & mask != 0)
    }
}

/// Pushes the components of `path` onto `pending` (last first), refusing
/// more than the component cap.
fn push_components(pending: &mut Vec<RawPath>, path: &[u8]) -> Option<()> {
    let before = pending.len();
    let parts: Vec<&[u8]> = path.split(|b| *b == b'/').collect();
    if before + parts.len() > MAX_RESOLVED_COMPONENTS * 4 {
        return None;
    }
    pending.extend(parts.into_iter().rev().map(<[u8]>::to_vec));
    Some(())
}

/// The final filesystem as plugins see it: paths resolve through the
/// overlay; content is there for the file versions the scan kept in memory
/// (files some plugin wanted, and small metadata files such as
/// `etc/os-release` or the package databases).
pub struct ImageSnapshot {
    overlay: Arc<Overlay>,
    contents: HashMap<RawPath, Arc<FileData>>,
}

impl ImageSnapshot {
    /// A snapshot over `overlay` with the kept final-version `contents`.
    pub fn new(overlay: Arc<Overlay>, contents: HashMap<RawPath, Arc<FileData>>) -> Self {
        ImageSnapshot { overlay, contents }
    }
}

impl Snapshot for ImageSnapshot {
    fn open(&self, path: &str, max_bytes: u64) -> Option<Arc<FileData>> {
        let (path, node) = self.overlay.resolve(path.as_bytes())?;
        let node = node?;
        if node.kind != EntryKind::File || node.size > max_bytes {
            return None;
        }
        self.contents.get(&path).cloned()
    }

    fn list_dir(&self, path: &str, max_names: usize) -> Vec<String> {
        let names = match self.overlay.resolve(path.as_bytes()) {
            Some((dir, None)) => self.overlay.children(&dir, max_names),
            Some((dir, Some(node))) if node.kind == EntryKind::Dir => {
                self.overlay.children(&dir, max_names)
            }
            _ => Vec::new(),
        };
        names
            .iter()
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> EntryMeta {
        EntryMeta {
            path: path.as_bytes().to_vec(),
            kind: EntryKind::File,
            size: 1,
            mode: 0o100644,
        }
    }

    fn marker(path: &str, kind: EntryKind) -> EntryMeta {
        EntryMeta {
            path: path.as_bytes().to_vec(),
            kind,
            size: 0,
            mode: 0,
        }
    }

    fn link(path: &str, target: &str) -> EntryMeta {
        marker(path, EntryKind::Symlink(target.as_bytes().to_vec()))
    }

    fn layers(lists: Vec<Vec<EntryMeta>>) -> Vec<Arc<Vec<EntryMeta>>> {
        lists.into_iter().map(Arc::new).collect()
    }

    fn resolved(overlay: &Overlay, path: &str) -> Option<String> {
        overlay
            .resolve(path.as_bytes())
            .map(|(path, _)| String::from_utf8_lossy(&path).into_owned())
    }

    #[test]
    fn whiteouts_opaque_dirs_and_replacements() {
        let layers = layers(vec![
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
        ]);
        let tracked: HashSet<_> = [
            (0, b"app/secret.env".to_vec()),
            (0, b"app/config".to_vec()),
            (0, b"cache/a".to_vec()),
        ]
        .into();
        let overlay = Overlay::build(&layers, &tracked);
        assert!(!overlay.is_final(0, b"app/secret.env"));
        assert_eq!(overlay.removed_in(0, b"app/secret.env"), Some(1));
        assert!(overlay.is_final(1, b"app/config"));
        assert_eq!(overlay.removed_in(0, b"app/config"), Some(1));
        assert!(overlay.resolve(b"cache/a").is_none());
        assert!(overlay.is_final(1, b"cache/c"));
        assert_eq!(overlay.children(b"cache", 10), vec![b"c".to_vec()]);
        assert_eq!(
            overlay.children(b"", 10),
            vec![b"app".to_vec(), b"cache".to_vec()]
        );
    }

    #[test]
    fn links_resolve_inside_the_image_and_loops_stop() {
        let layers = layers(vec![vec![
            file("usr/lib/os-release"),
            link("etc/os-release", "../usr/lib/os-release"),
            link("escape", "../../../../etc/shadow"),
            file("etc/shadow"),
            link("loop-a", "loop-b"),
            link("loop-b", "/loop-a"),
            link("abs", "/etc/os-release"),
        ]]);
        let overlay = Overlay::build(&layers, &HashSet::new());
        assert_eq!(
            resolved(&overlay, "etc/os-release").as_deref(),
            Some("usr/lib/os-release")
        );
        assert_eq!(
            resolved(&overlay, "abs").as_deref(),
            Some("usr/lib/os-release")
        );
        // `..` stops at the image root: this is the image's own etc/shadow.
        assert_eq!(resolved(&overlay, "escape").as_deref(), Some("etc/shadow"));
        assert!(overlay.resolve(b"loop-a").is_none());
    }

    #[test]
    fn names_are_bytes_not_lossy_text() {
        // Two names that decode to the same replacement character.
        let layers = layers(vec![
            vec![
                marker("d/\u{fffd}", EntryKind::File),
                EntryMeta {
                    path: b"d/\xff".to_vec(),
                    kind: EntryKind::File,
                    size: 1,
                    mode: 0o100644,
                },
            ],
            vec![EntryMeta {
                path: b"d/\xfe".to_vec(),
                kind: EntryKind::Whiteout,
                size: 0,
                mode: 0,
            }],
        ]);
        let overlay = Overlay::build(&layers, &HashSet::new());
        assert!(
            overlay.is_final(0, b"d/\xff"),
            "a whiteout of \\xfe hides nothing"
        );
        assert_eq!(overlay.children(b"d", 10).len(), 2);
    }

    #[test]
    fn long_and_deep_links_are_refused_quickly() {
        let target = "a/".repeat(300_000);
        let layers = layers(vec![vec![link("etc/os-release", &target)]]);
        let overlay = Overlay::build(&layers, &HashSet::new());
        let started = std::time::Instant::now();
        assert!(overlay.resolve(b"etc/os-release").is_none());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn replacing_a_big_directory_repeatedly_is_linear() {
        let mut entries: Vec<EntryMeta> = (0..200_000).map(|i| file(&format!("d/f{i}"))).collect();
        entries.extend((0..200_000).map(|_| file("d")));
        let started = std::time::Instant::now();
        let overlay = Overlay::build(&layers(vec![entries]), &HashSet::new());
        assert!(overlay.is_final(0, b"d"));
        assert!(overlay.children(b"d", 10).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
