//! One image layer, streamed: the blob is read once, hashed as it goes
//! (the stored digest), decompressed by its magic bytes (gzip, zstd or
//! plain tar), hashed again (the diff id), capped in size (a gzip bomb
//! stops at the limit, per layer and across all layers of the image), and
//! its tar entries handed to a visitor with normalized, confined paths.
//! Nothing is written to disk.
//!
//! Names are bytes: an entry's path is kept as the raw bytes of its name
//! (lossy UTF-8 only for display). The metadata read for one entry (its
//! header, GNU long name and link, PAX records) is capped
//! ([`MAX_ENTRY_METADATA`]) before the tar reader can buffer it, and names
//! and link targets longer than [`MAX_NAME_BYTES`] are skipped with a
//! warning.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, anyhow, bail};
use sha2::{Digest, Sha256};

use super::Entry;
use crate::digest::hex;
use crate::text::display_bytes;

/// Longest entry name or link target kept.
pub const MAX_NAME_BYTES: usize = 64 << 10;
/// Most bytes of tar metadata (headers, long names, PAX records) read for
/// one entry.
pub const MAX_ENTRY_METADATA: u64 = 256 << 10;
/// Largest zstd window accepted (2^27 = 128 MiB of decoder memory).
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// Limits on one layer, and the image-wide totals it draws on.
#[derive(Clone, Debug)]
pub struct LayerLimits {
    /// Most bytes the layer may inflate to.
    pub max_uncompressed: u64,
    /// Most tar entries in the layer.
    pub max_entries: u64,
    /// Most bytes all layers of the image may inflate to together.
    pub max_total_uncompressed: u64,
    /// Most entries all layers of the image may hold together.
    pub max_total_entries: u64,
    /// Bytes all layers of the image may still inflate to (shared).
    pub total_bytes_left: Arc<AtomicU64>,
    /// Entries all layers of the image may still hold (shared).
    pub total_entries_left: Arc<AtomicU64>,
}

impl LayerLimits {
    /// Limits of `max_uncompressed` bytes and `max_entries` entries per
    /// layer, and of `total_bytes` and `total_entries` across the image.
    pub fn new(
        max_uncompressed: u64,
        max_entries: u64,
        total_bytes: u64,
        total_entries: u64,
    ) -> Self {
        LayerLimits {
            max_uncompressed,
            max_entries,
            max_total_uncompressed: total_bytes,
            max_total_entries: total_entries,
            total_bytes_left: Arc::new(AtomicU64::new(total_bytes)),
            total_entries_left: Arc::new(AtomicU64::new(total_entries)),
        }
    }

    /// The same limits with the image-wide totals full again (one scan).
    pub fn fresh(&self) -> Self {
        LayerLimits::new(
            self.max_uncompressed,
            self.max_entries,
            self.max_total_uncompressed,
            self.max_total_entries,
        )
    }

    /// Takes `count` from a shared total; false if it was used up.
    pub fn take(total: &AtomicU64, count: u64) -> bool {
        total
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(count)
            })
            .is_ok()
    }
}

impl Default for LayerLimits {
    fn default() -> Self {
        LayerLimits::new(16 << 30, 2_000_000, 64 << 30, 10_000_000)
    }
}

/// What a tar entry is, after whiteout interpretation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link with its target as written (raw bytes).
    Symlink(Vec<u8>),
    /// A hard link to another in-image path (normalized, raw bytes).
    Hardlink(Vec<u8>),
    /// `.wh.<name>`: deletes `<name>` from lower layers.
    Whiteout,
    /// `.wh..wh..opq`: hides everything lower layers put in this directory.
    Opaque,
    /// Devices, FIFOs and the like.
    Other,
}

/// An entry's metadata. For whiteouts `path` is the path deleted; for
/// opaque markers it is the directory made opaque.
#[derive(Clone, Debug)]
pub struct EntryMeta {
    /// Normalized in-image path, raw bytes.
    pub path: Vec<u8>,
    /// Kind.
    pub kind: EntryKind,
    /// Declared size.
    pub size: u64,
    /// Mode bits including the file type.
    pub mode: u32,
}

/// What streaming a layer found out.
#[derive(Clone, Debug, Default)]
pub struct LayerSummary {
    /// sha256 of the blob as stored.
    pub blob_digest: String,
    /// Bytes of the blob read.
    pub blob_bytes: u64,
    /// sha256 of the uncompressed tar (the diff id).
    pub diff_id: String,
    /// Uncompressed bytes.
    pub uncompressed_bytes: u64,
    /// `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    /// Entries seen.
    pub entries: u64,
    /// Entries skipped, with why (unsafe paths and the like).
    pub warnings: Vec<String>,
}

/// Most warnings kept per layer.
const MAX_WARNINGS: usize = 20;

/// Hashes and counts what passes through.
/// `hasher` is `None` where another `Hashing` already sees the same bytes.
struct Hashing<'a, R> {
    inner: R,
    hasher: Option<&'a mut Sha256>,
    count: &'a mut u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(&buf[..read]);
        }
        *self.count += read as u64;
        Ok(read)
    }
}

/// Fails once more than `limit` bytes came through, or once the image's
/// shared total is used up.
struct Capped<'a, R> {
    inner: R,
    seen: u64,
    limit: u64,
    total: &'a AtomicU64,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.seen += read as u64;
        if self.seen > self.limit {
            return Err(io::Error::other(format!(
                "the layer inflates past the {} byte limit (a decompression bomb?)",
                self.limit
            )));
        }
        if !LayerLimits::take(self.total, read as u64) {
            return Err(io::Error::other(
                "the image's layers together inflate past the image's byte limit (a decompression bomb?)",
            ));
        }
        Ok(read)
    }
}

/// Caps the bytes the tar reader consumes while it reads one entry's
/// metadata: armed before each `next()`, disarmed after.
struct MetaGuard<R> {
    inner: R,
    left: Rc<Cell<Option<u64>>>,
}

impl<R: Read> Read for MetaGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Some(left) = self.left.get() {
            match left.checked_sub(read as u64) {
                Some(rest) => self.left.set(Some(rest)),
                None => {
                    return Err(io::Error::other(format!(
                        "an entry's name, link or PAX records are over {MAX_ENTRY_METADATA} bytes"
                    )));
                }
            }
        }
        Ok(read)
    }
}

/// A regular file entry being streamed, readable once.
struct TarFileEntry<'e, R> {
    meta: &'e EntryMeta,
    display: String,
    entry: &'e mut R,
}

impl<R: Read> Entry for TarFileEntry<'_, R> {
    fn path(&self) -> &str {
        &self.display
    }

    fn size(&self) -> u64 {
        self.meta.size
    }

    fn mode(&self) -> u32 {
        self.meta.mode
    }

    fn read(&mut self, max_bytes: u64) -> Result<Vec<u8>> {
        if self.meta.size > max_bytes {
            bail!(
                "{} bytes is over the {max_bytes} byte limit",
                self.meta.size
            );
        }
        let mut bytes = Vec::with_capacity(self.meta.size.min(max_bytes) as usize);
        (&mut *self.entry).take(max_bytes).read_to_end(&mut bytes)?;
        if (bytes.len() as u64) < self.meta.size {
            bail!(
                "{}: the layer ends inside this file (truncated tar)",
                self.display
            );
        }
        Ok(bytes)
    }
}

/// Normalizes a tar entry path to an in-image path: leading `/` and `./`
/// dropped; a `..` component is refused (it would leave the image root).
/// Works on the raw bytes of the name.
pub fn entry_path(raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut path: Vec<u8> = Vec::with_capacity(raw.len());
    for part in raw.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                return Err(format!(
                    "{:?}: path leaves the image root; entry skipped",
                    display_bytes(raw, 200)
                ));
            }
            other => {
                if !path.is_empty() {
                    path.push(b'/');
                }
                path.extend_from_slice(other);
            }
        }
    }
    Ok(path)
}

/// Splits a normalized path into (directory, name).
fn split_name(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|b| *b == b'/') {
        Some(at) => (&path[..at], &path[at + 1..]),
        None => (&[], path),
    }
}

/// `dir/name` (or `name` at the root).
fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = dir.to_vec();
    if !path.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    path
}

fn classify(
    raw_path: &[u8],
    header: &tar::Header,
    link: Option<Vec<u8>>,
) -> Result<Option<EntryMeta>, String> {
    let shown = || display_bytes(raw_path, 200);
    if raw_path.len() > MAX_NAME_BYTES {
        return Err(format!(
            "{:?}...: name longer than {MAX_NAME_BYTES} bytes; entry skipped",
            shown()
        ));
    }
    if link.as_ref().is_some_and(|l| l.len() > MAX_NAME_BYTES) {
        return Err(format!(
            "{:?}: link target longer than {MAX_NAME_BYTES} bytes; entry skipped",
            shown()
        ));
    }
    let path = entry_path(raw_path)?;
    if path.is_empty() {
        return Ok(None);
    }
    let (dir, name) = split_name(&path);
    let size = header.size().unwrap_or(0);
    let mode = header.mode().unwrap_or(0o644) & 0o7777;
    if name == b".wh..wh..opq" {
        return Ok(Some(EntryMeta {
            path: dir.to_vec(),
            kind: EntryKind::Opaque,
            size: 0,
            mode: 0,
        }));
    }
    if let Some(hidden) = name.strip_prefix(b".wh.") {
        if hidden.is_empty() {
            return Err(format!("{:?}: empty whiteout name; entry skipped", shown()));
        }
        return Ok(Some(EntryMeta {
            path: join(dir, hidden),
            kind: EntryKind::Whiteout,
            size: 0,
            mode: 0,
        }));
    }
    let (kind, type_bits) = match header.entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => (EntryKind::File, 0o100000),
        tar::EntryType::Directory => (EntryKind::Dir, 0o040000),
        tar::EntryType::Symlink => (EntryKind::Symlink(link.unwrap_or_default()), 0o120000),
        tar::EntryType::Link => {
            let target = entry_path(&link.unwrap_or_default()).map_err(|_| {
                format!(
                    "{:?}: hard link leaves the image root; entry skipped",
                    shown()
                )
            })?;
            if target.is_empty() || target == path {
                return Err(format!("{:?}: hard link to itself; entry skipped", shown()));
            }
            (EntryKind::Hardlink(target), 0o100000)
        }
        _ => (EntryKind::Other, 0),
    };
    Ok(Some(EntryMeta {
        path,
        kind,
        size,
        mode: mode | type_bits,
    }))
}

/// Streams one layer blob. `visit` gets every entry's metadata, and for
/// regular files a readable entry (read it or not; unread data is skipped).
/// Errors name what was wrong; the caller names the layer.
pub fn stream_layer(
    blob: Box<dyn Read + Send>,
    limits: &LayerLimits,
    visit: &mut dyn FnMut(&EntryMeta, Option<&mut dyn Entry>),
) -> Result<LayerSummary> {
    let mut blob_hasher = Sha256::new();
    let mut diff_hasher = Sha256::new();
    let mut blob_bytes = 0u64;
    let mut uncompressed = 0u64;
    let mut summary = LayerSummary::default();
    {
        let hashed = Hashing {
            inner: blob,
            hasher: Some(&mut blob_hasher),
            count: &mut blob_bytes,
        };
        let mut buffered = BufReader::with_capacity(256 << 10, hashed);
        let magic = buffered
            .fill_buf()
            .map_err(|err| anyhow!("cannot read the layer: {err}"))?;
        let (decoder, compression): (Box<dyn Read + '_>, &'static str) =
            if magic.starts_with(&[0x1f, 0x8b]) {
                (
                    Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
                    "gzip",
                )
            } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                let mut decoder = zstd::stream::read::Decoder::with_buffer(buffered)
                    .map_err(|err| anyhow!("cannot start zstd decompression: {err}"))?;
                decoder
                    .window_log_max(ZSTD_WINDOW_LOG_MAX)
                    .map_err(|err| anyhow!("cannot limit the zstd window: {err}"))?;
                (Box::new(decoder), "zstd")
            } else {
                (Box::new(buffered), "none")
            };
        summary.compression = compression;
        let capped = Capped {
            inner: decoder,
            seen: 0,
            limit: limits.max_uncompressed,
            total: &limits.total_bytes_left,
        };
        // An uncompressed blob is its own tar: its digest is the diff id,
        // so it is hashed once.
        let hashed_tar = Hashing {
            inner: capped,
            hasher: (compression != "none").then_some(&mut diff_hasher),
            count: &mut uncompressed,
        };
        let meta_left = Rc::new(Cell::new(None));
        let guarded: Box<dyn Read + '_> = Box::new(MetaGuard {
            inner: hashed_tar,
            left: Rc::clone(&meta_left),
        });
        let mut archive = tar::Archive::new(guarded);
        let mut entries = archive
            .entries()
            .map_err(|err| describe(err, compression))?;
        loop {
            meta_left.set(Some(MAX_ENTRY_METADATA));
            let next = entries.next();
            meta_left.set(None);
            let Some(entry) = next else {
                break;
            };
            let mut entry = entry.map_err(|err| describe(err, compression))?;
            summary.entries += 1;
            if summary.entries > limits.max_entries {
                bail!("the layer has more than {} entries", limits.max_entries);
            }
            if !LayerLimits::take(&limits.total_entries_left, 1) {
                bail!("the image's layers together hold more entries than the image limit");
            }
            visit_entry(&mut entry, &mut summary, visit);
            // Drain what the visitor left, so that only metadata is read
            // while the guard is armed.
            io::copy(&mut entry, &mut io::sink()).map_err(|err| describe(err, compression))?;
        }
        // Read what follows the end-of-archive marker so both digests
        // cover the whole stream.
        let mut rest = archive.into_inner();
        io::copy(&mut rest, &mut io::sink()).map_err(|err| describe(err, compression))?;
    }
    summary.blob_digest = format!("sha256:{}", hex(&blob_hasher.finalize()));
    summary.blob_bytes = blob_bytes;
    summary.diff_id = if summary.compression == "none" {
        summary.blob_digest.clone()
    } else {
        format!("sha256:{}", hex(&diff_hasher.finalize()))
    };
    summary.uncompressed_bytes = uncompressed;
    Ok(summary)
}

/// Classifies one tar entry and hands it to the visitor (skipped entries
/// become warnings).
fn visit_entry<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    summary: &mut LayerSummary,
    visit: &mut dyn FnMut(&EntryMeta, Option<&mut dyn Entry>),
) {
    let raw = entry.path_bytes().into_owned();
    let link = entry.link_name_bytes().map(|l| l.into_owned());
    let meta = match classify(&raw, entry.header(), link) {
        Ok(Some(meta)) => meta,
        Ok(None) => return,
        Err(warning) => {
            if summary.warnings.len() < MAX_WARNINGS {
                summary.warnings.push(warning);
            }
            return;
        }
    };
    if meta.kind == EntryKind::File {
        let mut file = TarFileEntry {
            display: String::from_utf8_lossy(&meta.path).into_owned(),
            meta: &meta,
            entry,
        };
        visit(&meta, Some(&mut file));
    } else {
        visit(&meta, None);
    }
}

fn describe(err: io::Error, compression: &str) -> anyhow::Error {
    let what = match compression {
        "gzip" => "corrupt or truncated gzip stream",
        "zstd" => "corrupt or truncated zstd stream",
        _ => "corrupt or truncated tar stream",
    };
    let text = crate::text::sanitize(&err.to_string(), 512);
    if text.contains("inflates past") || text.contains("PAX records are over") {
        return anyhow!("{text}");
    }
    anyhow!("{what}: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_are_confined() {
        assert_eq!(
            entry_path(b"./etc/passwd").as_deref(),
            Ok(&b"etc/passwd"[..])
        );
        assert_eq!(entry_path(b"/usr//bin/").as_deref(), Ok(&b"usr/bin"[..]));
        assert!(entry_path(b"../../etc/passwd").is_err());
        assert!(entry_path(b"a/../../b").is_err());
    }
}
