//! The offline vulnerability database: `bulkhead db update` downloads
//! osv.dev's per-ecosystem `all.zip` archives (from a base URL that can
//! point at a mirror), checks each one, and swaps it in atomically, so a
//! failed or truncated download never replaces a good archive;
//! `bulkhead db status` shows what is there and when it was fetched. The
//! `osv` plugin reads the directory when it is granted with `--db`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::digest::hex;

/// Where osv.dev publishes the archives.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// Ecosystems fetched when none are named.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Alpine",
    "Debian",
    "Ubuntu",
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
];
/// Largest archive accepted.
const MAX_ARCHIVE_BYTES: u64 = 4 << 30;
/// The status file in the database directory.
const STATUS_FILE: &str = "status.json";

/// What the database holds for one ecosystem.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Where it was fetched from.
    pub url: String,
    /// When, in seconds since the Unix epoch.
    pub fetched_at: u64,
    /// Size of the archive.
    pub bytes: u64,
    /// JSON records in it.
    pub records: usize,
    /// sha256 of the archive.
    pub sha256: String,
}

/// `status.json`: ecosystem to entry.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Status {
    /// Per ecosystem.
    pub ecosystems: BTreeMap<String, Entry>,
}

/// `$XDG_CACHE_HOME/bulkhead/osv` (else `~/.cache/bulkhead/osv`).
pub fn default_dir() -> Option<PathBuf> {
    crate::runtime::cache::CompileCache::default_dir()
        .and_then(|compiled| compiled.parent().map(|base| base.join("osv")))
}

/// Reads the status file (empty when there is none yet).
pub fn status(dir: &Path) -> Result<Status> {
    match fs::read(dir.join(STATUS_FILE)) {
        Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{} is not a bulkhead database status",
                dir.join(STATUS_FILE).display()
            )
        }),
        Err(_) => Ok(Status::default()),
    }
}

/// Downloads, checks and swaps in each ecosystem's archive. Returns one
/// result per ecosystem; a failure leaves that ecosystem as it was.
pub fn update(
    dir: &Path,
    base_url: &str,
    ecosystems: &[String],
) -> Result<Vec<(String, Result<Entry>)>> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the database directory {}", dir.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(1800)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut results = Vec::new();
    let mut current = status(dir)?;
    for ecosystem in ecosystems {
        let outcome = fetch_one(&agent, dir, base_url, ecosystem);
        if let Ok(entry) = &outcome {
            current.ecosystems.insert(ecosystem.clone(), entry.clone());
            write_atomically(
                &dir.join(STATUS_FILE),
                &serde_json::to_vec_pretty(&current)?,
            )?;
        }
        results.push((ecosystem.clone(), outcome));
    }
    Ok(results)
}

fn fetch_one(agent: &ureq::Agent, dir: &Path, base_url: &str, ecosystem: &str) -> Result<Entry> {
    ensure!(
        !ecosystem.is_empty()
            && !ecosystem.contains(['/', '\\'])
            && ecosystem != ".."
            && ecosystem != ".",
        "invalid ecosystem name {ecosystem:?}"
    );
    let url = format!("{}/{ecosystem}/all.zip", base_url.trim_end_matches('/'));
    let folder = dir.join(ecosystem);
    fs::create_dir_all(&folder)?;
    let partial = folder.join(".all.zip.partial");
    let result = download(agent, &url, &partial).and_then(|(bytes, sha256)| {
        let records =
            check_archive(&partial).with_context(|| format!("{url} is not an OSV archive"))?;
        Ok((bytes, sha256, records))
    });
    let (bytes, sha256, records) = match result {
        Ok(ok) => ok,
        Err(err) => {
            let _ = fs::remove_file(&partial);
            return Err(err);
        }
    };
    // rename() replaces the old archive atomically: a reader sees the old
    // file or the new one, never a mix.
    fs::rename(&partial, folder.join("all.zip"))
        .with_context(|| format!("cannot swap in {}", folder.join("all.zip").display()))?;
    let fetched_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(Entry {
        url,
        fetched_at,
        bytes,
        records,
        sha256,
    })
}

fn download(agent: &ureq::Agent, url: &str, to: &Path) -> Result<(u64, String)> {
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("cannot fetch {url}"))?;
    let code = response.status().as_u16();
    if code != 200 {
        bail!("{url} answered HTTP {code}");
    }
    let declared: Option<u64> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut reader = response
        .body_mut()
        .with_config()
        .limit(MAX_ARCHIVE_BYTES)
        .reader();
    let mut file =
        fs::File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let read = reader.read(&mut buffer).with_context(|| {
            format!("download of {url} is truncated: it broke off after {total} bytes")
        })?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        file.write_all(&buffer[..read])?;
        total += read as u64;
    }
    file.sync_all()?;
    if let Some(declared) = declared {
        ensure!(
            total == declared,
            "download of {url} is truncated: {total} of {declared} bytes"
        );
    }
    Ok((total, hex(&hasher.finalize())))
}

/// Opens the archive and counts its JSON records; every record must parse.
/// Public for the fuzz target, which feeds it arbitrary bytes.
pub fn check_archive(path: &Path) -> Result<usize> {
    let file = fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .context("not a readable zip archive")?;
    let mut records = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).context("corrupt zip entry")?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !name.ends_with(".json") {
            continue;
        }
        let mut text = Vec::new();
        entry
            .by_ref()
            .take(16 << 20)
            .read_to_end(&mut text)
            .context("corrupt zip entry")?;
        let value: serde_json::Value =
            serde_json::from_slice(&text).with_context(|| format!("{name} is not JSON"))?;
        ensure!(value.get("id").is_some(), "{name} is not an OSV record");
        records += 1;
    }
    ensure!(records > 0, "the archive holds no OSV record");
    Ok(records)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = path.with_extension("json.partial");
    fs::write(&temp, bytes)?;
    fs::rename(&temp, path)?;
    Ok(())
}
