//! On-disk cache of compiled components.
//!
//! Compiling a plugin with Cranelift takes hundreds of milliseconds; loading
//! a compiled artifact takes a few. Artifacts are keyed by the component's
//! sha256, the wasmtime version and a hash of the engine configuration, so a
//! different engine never loads an artifact made for another.
//!
//! Loading an artifact is `unsafe` in wasmtime (it is machine code), so each
//! file carries a header with the sha256 of the artifact bytes; a file whose
//! bytes do not match its header (tampered, truncated) is deleted and the
//! component recompiled. Files are written to a temporary name and renamed,
//! so a reader never sees half a file. Anyone who can write the cache
//! directory can also rewrite the header: the cache directory must be as
//! trusted as the binary (it lives under the user's own XDG cache).

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::Engine;

/// Magic bytes at the start of every cache file.
const MAGIC: &[u8; 8] = b"BHCWASM1";

/// Where compiled components are kept.
#[derive(Clone, Debug)]
pub struct CompileCache {
    dir: PathBuf,
    engine_key: String,
}

/// What a cache lookup found.
pub enum Lookup {
    /// A verified artifact.
    Hit(Vec<u8>),
    /// No artifact for this key.
    Miss,
    /// An artifact whose checksum did not match; it was removed.
    Rejected,
}

impl CompileCache {
    /// A cache in `dir` for components compiled by `engine`.
    pub fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_key = format!("wasmtime-{}-{:016x}", wasmtime_version(), hasher.finish());
        CompileCache { dir, engine_key }
    }

    /// The default location: `$XDG_CACHE_HOME/bulkhead/compiled`, else
    /// `$HOME/.cache/bulkhead/compiled`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
        Some(base.join("bulkhead").join("compiled"))
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
        match verify(&bytes) {
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
        fs::create_dir_all(dir)
            .with_context(|| format!("creating compile cache {}", dir.display()))?;
        let temp = dir.join(format!(".{component_sha256}.{}.tmp", std::process::id()));
        let mut contents = Vec::with_capacity(MAGIC.len() + 32 + artifact.len());
        contents.extend_from_slice(MAGIC);
        contents.extend_from_slice(&Sha256::digest(artifact));
        contents.extend_from_slice(artifact);
        fs::write(&temp, contents).with_context(|| format!("writing {}", temp.display()))?;
        fs::rename(&temp, &path).with_context(|| format!("renaming into {}", path.display()))?;
        Ok(())
    }

    /// The directory holding this engine's artifacts.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The artifact inside a cache file, if its checksum matches.
fn verify(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    if rest.len() < 32 {
        return None;
    }
    let (sum, artifact) = rest.split_at(32);
    (Sha256::digest(artifact).as_slice() == sum).then_some(artifact)
}

/// The wasmtime version this binary was built with.
pub fn wasmtime_version() -> &'static str {
    "48.0.8"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampered_artifacts_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = Engine::default();
        let cache = CompileCache::new(dir.path().to_path_buf(), &engine);
        cache.put("abc", b"machine code").expect("put");
        assert!(matches!(cache.get("abc"), Lookup::Hit(bytes) if bytes == b"machine code"));

        let path = cache.path_for("abc");
        let mut bytes = fs::read(&path).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, bytes).expect("write");
        assert!(matches!(cache.get("abc"), Lookup::Rejected));
        assert!(!path.exists(), "a rejected artifact is removed");
        assert!(matches!(cache.get("abc"), Lookup::Miss));
    }
}
