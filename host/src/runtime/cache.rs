//! On-disk cache of compiled components.
//!
//! Compiling a plugin with Cranelift takes hundreds of milliseconds; loading
//! a compiled artifact takes a few. But an artifact is native code that
//! wasmtime loads without checking (`Component::deserialize` is `unsafe`),
//! so the cache is treated as what it is:
//!
//! - the cache directory must belong to the user and must not be group- or
//!   world-writable, or it is refused with an error saying so;
//! - every entry carries an HMAC-SHA256 tag over the engine configuration
//!   key, the component's sha256 and the artifact, made with a 32-byte key
//!   kept outside the cache directory (`$XDG_CONFIG_HOME/bulkhead/cache.key`,
//!   mode 0600). An entry whose tag does not verify (tampered, truncated,
//!   or restored from another machine's cache, whose key differs) is
//!   deleted and the component recompiled, never loaded.
//!
//! Entries are keyed by the component's sha256 and the wasmtime version and
//! engine configuration, and written to a temporary name then renamed, so a
//! reader never sees half a file.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use wasmtime::Engine;

/// Magic bytes at the start of every cache file.
const MAGIC: &[u8; 8] = b"BHCWASM2";
/// Length of the authentication key and of a tag.
const KEY_BYTES: usize = 32;

/// Where compiled components are kept.
#[derive(Clone)]
pub struct CompileCache {
    dir: PathBuf,
    key: [u8; KEY_BYTES],
    engine_key: String,
}

impl std::fmt::Debug for CompileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompileCache")
            .field("dir", &self.dir)
            .field("engine_key", &self.engine_key)
            .finish_non_exhaustive()
    }
}

/// What a cache lookup found.
pub enum Lookup {
    /// An authenticated artifact.
    Hit(Vec<u8>),
    /// No artifact for this key.
    Miss,
    /// An artifact whose tag did not verify; it was removed.
    Rejected,
}

impl CompileCache {
    /// Opens (creating it, mode 0700, if missing) the cache in `dir`,
    /// authenticated with the key in `key_file` (created if missing).
    /// Refuses a directory or key file another user owns or others may
    /// write.
    pub fn open(dir: PathBuf, key_file: &Path) -> Result<CompileCache> {
        create_private_dir(&dir)?;
        check_private(&dir, "compile cache directory")?;
        let key = load_or_create_key(key_file)?;
        Ok(CompileCache {
            dir,
            key,
            engine_key: String::new(),
        })
    }

    /// The same cache, for components compiled by `engine`.
    pub fn for_engine(mut self, engine: &Engine) -> Self {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        self.engine_key = format!("wasmtime-{}-{:016x}", wasmtime_version(), hasher.finish());
        self
    }

    /// The default location: `$XDG_CACHE_HOME/bulkhead/compiled`, else
    /// `$HOME/.cache/bulkhead/compiled`.
    pub fn default_dir() -> Option<PathBuf> {
        Some(xdg_dir("XDG_CACHE_HOME", ".cache")?.join("compiled"))
    }

    /// The default key file: `$XDG_CONFIG_HOME/bulkhead/cache.key`, else
    /// `$HOME/.config/bulkhead/cache.key` (outside the cache directory).
    pub fn default_key_file() -> Option<PathBuf> {
        Some(xdg_dir("XDG_CONFIG_HOME", ".config")?.join("cache.key"))
    }

    /// The cache file for a component with this sha256.
    pub fn path_for(&self, component_sha256: &str) -> PathBuf {
        self.dir
            .join(&self.engine_key)
            .join(format!("{component_sha256}.cwasm"))
    }

    /// Looks up the artifact for a component.
    pub fn get(&self, component_sha256: &str) -> Lookup {
        let path = self.path_for(component_sha256);
        let Ok(bytes) = fs::read(&path) else {
            return Lookup::Miss;
        };
        match self.verify(component_sha256, &bytes) {
            Some(artifact) => Lookup::Hit(artifact.to_vec()),
            None => {
                let _ = fs::remove_file(&path);
                Lookup::Rejected
            }
        }
    }

    /// Stores an artifact atomically (temporary file, then rename).
    pub fn put(&self, component_sha256: &str, artifact: &[u8]) -> Result<()> {
        let path = self.path_for(component_sha256);
        let dir = path.parent().context("cache path has a parent")?;
        create_private_dir(dir)?;
        let temp = dir.join(format!(".{component_sha256}.{}.tmp", std::process::id()));
        let mut contents = Vec::with_capacity(MAGIC.len() + KEY_BYTES + artifact.len());
        contents.extend_from_slice(MAGIC);
        contents.extend_from_slice(&self.tag(component_sha256, artifact));
        contents.extend_from_slice(artifact);
        fs::write(&temp, contents).with_context(|| format!("writing {}", temp.display()))?;
        fs::rename(&temp, &path).with_context(|| format!("renaming into {}", path.display()))?;
        Ok(())
    }

    /// The directory holding this engine's artifacts.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn mac(&self, component_sha256: &str) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(self.engine_key.as_bytes());
        mac.update(&[0]);
        mac.update(component_sha256.as_bytes());
        mac.update(&[0]);
        mac
    }

    fn tag(&self, component_sha256: &str, artifact: &[u8]) -> [u8; KEY_BYTES] {
        let mut mac = self.mac(component_sha256);
        mac.update(artifact);
        mac.finalize().into_bytes().into()
    }

    /// The artifact inside a cache file, if its tag verifies.
    fn verify<'a>(&self, component_sha256: &str, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        if rest.len() < KEY_BYTES {
            return None;
        }
        let (tag, artifact) = rest.split_at(KEY_BYTES);
        let mut mac = self.mac(component_sha256);
        mac.update(artifact);
        mac.verify_slice(tag).ok().map(|()| artifact)
    }
}

/// `$VAR/bulkhead`, else `$HOME/<fallback>/bulkhead`.
fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    let base = std::env::var_os(var)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(fallback)))?;
    Some(base.join("bulkhead"))
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Refuses `path` unless the current user owns it and no one else may
/// write it.
fn check_private(path: &Path, what: &str) -> Result<()> {
    let meta = fs::symlink_metadata(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    let uid = current_uid();
    ensure!(
        meta.uid() == uid,
        "refusing the {what} {}: it belongs to uid {}, not to this user (uid {uid}); \
         compiled plugins are native code, so only a directory of your own is used",
        path.display(),
        meta.uid()
    );
    ensure!(
        meta.mode() & 0o022 == 0,
        "refusing the {what} {}: it is writable by group or others (mode {:o}); \
         run `chmod go-w {}`",
        path.display(),
        meta.mode() & 0o777,
        path.display()
    );
    Ok(())
}

fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Reads the key, or creates it (32 random bytes, mode 0600).
fn load_or_create_key(path: &Path) -> Result<[u8; KEY_BYTES]> {
    if let Ok(bytes) = fs::read(path) {
        check_private(path, "cache key file")?;
        let key: [u8; KEY_BYTES] = bytes.as_slice().try_into().map_err(|_| {
            anyhow::anyhow!(
                "the cache key file {} is not {KEY_BYTES} bytes; delete it to make a new one",
                path.display()
            )
        })?;
        return Ok(key);
    }
    if let Some(parent) = path.parent() {
        create_private_dir(parent)?;
    }
    let mut key = [0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|err| anyhow::anyhow!("no randomness for the key: {err}"))?;
    // Written whole under a private name, then linked into place: another
    // process never reads a key file that is still being written.
    let nonce: String = key[..8].iter().map(|b| format!("{b:02x}")).collect();
    let temp = path.with_extension(format!("tmp.{}.{nonce}", std::process::id()));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .with_context(|| format!("cannot create the cache key {}", temp.display()))?;
    file.write_all(&key)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", temp.display()))?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(key),
        // Another process made it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_key(path),
        Err(err) => bail!("cannot create the cache key {}: {err}", path.display()),
    }
}

/// The wasmtime version this binary was built with.
pub fn wasmtime_version() -> &'static str {
    "48.0.8"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_in(dir: &Path, key: &str) -> CompileCache {
        CompileCache::open(dir.join("cache"), &dir.join(key))
            .expect("open")
            .for_engine(&Engine::default())
    }

    #[test]
    fn tampered_or_foreign_artifacts_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = cache_in(dir.path(), "key-a");
        cache.put("abc", b"machine code").expect("put");
        assert!(matches!(cache.get("abc"), Lookup::Hit(bytes) if bytes == b"machine code"));

        // Written under another key (another machine's cache): rejected.
        let foreign = cache_in(dir.path(), "key-b");
        assert!(matches!(foreign.get("abc"), Lookup::Rejected));
        assert!(matches!(cache.get("abc"), Lookup::Miss), "removed");

        cache.put("abc", b"machine code").expect("put");
        let path = cache.path_for("abc");
        let mut bytes = fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, bytes).expect("write");
        assert!(matches!(cache.get("abc"), Lookup::Rejected));
        assert!(!path.exists(), "a rejected artifact is removed");
    }

    #[test]
    fn processes_racing_to_make_the_key_all_get_the_same_whole_key() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("config/cache.key");
            let keys: Vec<[u8; KEY_BYTES]> = std::thread::scope(|scope| {
                let racers: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| load_or_create_key(&path).expect("a whole key")))
                    .collect();
                racers
                    .into_iter()
                    .map(|r| r.join().expect("join"))
                    .collect()
            });
            assert!(keys.iter().all(|key| *key == keys[0]));
        }
    }

    #[test]
    fn shared_writable_directories_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let shared = dir.path().join("shared");
        fs::create_dir(&shared).expect("mkdir");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).expect("chmod");
        let err = CompileCache::open(shared, &dir.path().join("key")).expect_err("refused");
        assert!(
            format!("{err:#}").contains("writable by group or others"),
            "{err:#}"
        );
    }
}
