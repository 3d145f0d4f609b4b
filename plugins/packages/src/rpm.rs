//! rpm's SQLite database (`rpmdb.sqlite`, RHEL 9, Fedora 33+, Rocky, Alma,
//! openSUSE Tumbleweed): each row of its `Packages` table is one installed
//! package's header blob. The older Berkeley DB (`Packages`) and NDB
//! (`Packages.db`) formats are not read.

use bulkhead_sdk::{InstalledPackage, Package, Purl};

use crate::dpkg::ecosystem;
use crate::os::Os;
use crate::sqlite::{Database, Value};

/// Header tags read (rpmtag.h).
const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

/// Header data types (rpmtag.h).
const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits on a header: index entries and data bytes.
const MAX_ENTRIES: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;

/// One package header: its index entries and data store.
struct Header<'a> {
    index: &'a [u8],
    data: &'a [u8],
}

impl<'a> Header<'a> {
    /// Parses a header blob as rpm stores it in the database: entry count,
    /// data length, 16-byte index entries, then the data store.
    fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let count = be32(blob, 0).ok_or("header blob shorter than 8 bytes")? as usize;
        let length = be32(blob, 4).ok_or("header blob shorter than 8 bytes")? as usize;
        if count > MAX_ENTRIES || length > MAX_DATA {
            return Err(format!(
                "header claims {count} entries and {length} data bytes"
            ));
        }
        let data_start = 8 + 16 * count;
        let index = blob
            .get(8..data_start)
            .ok_or("header index runs past the blob")?;
        let data = blob
            .get(data_start..data_start + length)
            .ok_or("header data runs past the blob")?;
        Ok(Self { index, data })
    }

    /// The (type, offset) of `tag`'s entry.
    fn entry(&self, tag: u32) -> Option<(u32, usize)> {
        self.index.chunks_exact(16).find_map(|entry| {
            (be32(entry, 0)? == tag).then(|| Some((be32(entry, 4)?, be32(entry, 8)? as usize)))?
        })
    }

    /// A string tag's value (the first string of an i18n string).
    fn string(&self, tag: u32) -> Option<String> {
        let (kind, offset) = self.entry(tag)?;
        if kind != TYPE_STRING && kind != TYPE_I18NSTRING {
            return None;
        }
        let rest = self.data.get(offset..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    /// An INT32 tag's first value.
    fn int32(&self, tag: u32) -> Option<u32> {
        let (kind, offset) = self.entry(tag)?;
        (kind == TYPE_INT32).then(|| be32(self.data, offset))?
    }
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// `name-version-release.src.rpm` split into name and `version-release`.
pub fn source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    let version_release = &stem[name.len() + 1..];
    (!name.is_empty() && !version.is_empty() && !release.is_empty())
        .then_some((name, version_release))
}

/// The purl namespace of a distribution (`rhel` is `redhat` in purls).
fn vendor(os: &Os) -> &str {
    match os.id.as_str() {
        "" | "rhel" => "redhat",
        id => id,
    }
}

/// The installed packages of an `rpmdb.sqlite` file, and what was wrong
/// with it if it is damaged: the packages read before the damage are kept.
/// `gpg-pubkey` pseudo-packages (imported signing keys) are skipped.
pub fn rpmdb(bytes: &[u8], os: &Os) -> (Vec<InstalledPackage>, Option<String>) {
    let mut found = Vec::new();
    let mut problem = None;
    let walk = Database::open(bytes).and_then(|database| {
        let root = database.table_root("Packages")?;
        database.rows(root, |rowid, columns| {
            match columns.get(1) {
                Some(Value::Blob(blob)) => match Header::parse(blob) {
                    Ok(header) => found.extend(package_of(&header, os)),
                    Err(message) => problem = Some(format!("row {rowid}: {message}")),
                },
                _ => problem = Some(format!("row {rowid} of Packages has no header blob")),
            }
            true
        })
    });
    if let Err(message) = walk {
        problem = Some(message);
    }
    (found, problem.map(|p| format!("rpm database: {p}")))
}

/// The inventory record of one header.
fn package_of(header: &Header, os: &Os) -> Option<InstalledPackage> {
    let name = header.string(TAG_NAME)?;
    if name == "gpg-pubkey" {
        return None;
    }
    let version = header.string(TAG_VERSION)?;
    let release = header.string(TAG_RELEASE)?;
    let epoch = header.int32(TAG_EPOCH).filter(|&e| e > 0);
    let arch = header.string(TAG_ARCH).unwrap_or_else(|| "noarch".into());
    let epoch_prefix = epoch.map(|e| format!("{e}:")).unwrap_or_default();
    let full_version = format!("{epoch_prefix}{version}-{release}");

    let release_of_os = if os.version_id.is_empty() {
        String::new()
    } else {
        format!("{}-{}", vendor(os), os.version_id)
    };
    let purl = Purl::new("rpm", &name)
        .namespace(vendor(os))
        .version(&format!("{version}-{release}"))
        .qualifier("arch", &arch)
        .qualifier("distro", &release_of_os)
        .qualifier("epoch", &epoch.map(|e| e.to_string()).unwrap_or_default());
    let mut package = Package::new(ecosystem(os, "Red Hat"), &name, &full_version).purl(&purl);
    if let Some(source) = header.string(TAG_SOURCERPM)
        && let Some((source_name, source_version)) = source_rpm(&source)
    {
        package = package.source(
            source_name,
            Some(&format!("{epoch_prefix}{source_version}")),
        );
    }
    Some(package.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by the real `rpm` 4.18 (tests/fixtures/rpm/build-rpmdb.sh).
    const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/rpm/rpmdb.sqlite");
    const EXPECTED: &str = include_str!("../../../tests/fixtures/rpm/expected.txt");

    fn rocky() -> Os {
        Os {
            id: "rocky".into(),
            version_id: "9.3".into(),
        }
    }

    #[test]
    fn reads_every_package_rpm_lists() {
        let (packages, problem) = rpmdb(FIXTURE, &rocky());
        assert_eq!(problem, None);
        let mut got: Vec<String> = packages
            .iter()
            .map(|p| format!("{}|{}", p.name, p.version))
            .collect();
        got.sort();
        // expected.txt is `rpm -qa --qf 'NAME|EPOCH|VERSION|RELEASE|ARCH|SOURCERPM'`.
        let mut want: Vec<String> = EXPECTED
            .lines()
            .map(|line| {
                let f: Vec<&str> = line.split('|').collect();
                let epoch = if f[1] == "(none)" {
                    String::new()
                } else {
                    format!("{}:", f[1])
                };
                format!("{}|{epoch}{}-{}", f[0], f[2], f[3])
            })
            .collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn carries_epoch_source_and_purl() {
        let (packages, problem) = rpmdb(FIXTURE, &rocky());
        assert_eq!(problem, None);
        let libs = packages
            .iter()
            .find(|p| p.name == "openssl-libs")
            .expect("openssl-libs");
        assert_eq!(libs.version, "1:3.0.7-25.el9_3");
        assert_eq!(libs.ecosystem, "Rocky Linux:9");
        assert_eq!(
            libs.purl,
            "pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rocky-9.3&epoch=1"
        );
        assert_eq!(libs.source_name.as_deref(), Some("openssl"));
        assert_eq!(
            libs.source_version, None,
            "the source version equals the package's"
        );
        let requests = packages
            .iter()
            .find(|p| p.name == "python3-requests")
            .expect("requests");
        assert_eq!(
            requests.purl,
            "pkg:rpm/rocky/python3-requests@2.25.1-7.el9?arch=noarch&distro=rocky-9.3"
        );
        assert_eq!(requests.source_name.as_deref(), Some("python-requests"));
    }

    #[test]
    fn splits_source_rpm_names() {
        assert_eq!(
            source_rpm("glibc-2.34-83.el9.7.src.rpm"),
            Some(("glibc", "2.34-83.el9.7"))
        );
        assert_eq!(
            source_rpm("python-urllib3-1.26.5-3.el9.src.rpm"),
            Some(("python-urllib3", "1.26.5-3.el9"))
        );
        assert_eq!(source_rpm("not-a-source"), None);
        assert_eq!(source_rpm("x.src.rpm"), None);
    }

    #[test]
    fn damaged_databases_give_errors_not_panics() {
        // Truncations of the real file, every byte of its first pages and
        // every 13th byte after them flipped: each reads or fails with a message.
        for cut in (0..FIXTURE.len()).step_by(997) {
            let _ = rpmdb(&FIXTURE[..cut], &rocky());
        }
        let first_pages = 0..3 * 4096;
        for at in first_pages.chain((3 * 4096..FIXTURE.len()).step_by(13)) {
            let mut copy = FIXTURE.to_vec();
            copy[at] ^= 0xff;
            let _ = rpmdb(&copy, &rocky());
        }
        assert!(rpmdb(b"SQLite format 3\0", &rocky()).1.is_some());
        assert!(rpmdb(&[0u8; 8192], &rocky()).1.is_some());
    }

    #[test]
    fn a_page_loop_is_an_error() {
        // Point the Packages root's right-most child back at the root.
        let database = Database::open(FIXTURE).expect("open");
        let root = database.table_root("Packages").expect("root") as usize;
        let mut copy = FIXTURE.to_vec();
        let page = (root - 1) * 4096;
        assert_eq!(
            copy[page], 0x05,
            "the fixture's Packages root is an interior page"
        );
        copy[page + 8..page + 12].copy_from_slice(&(root as u32).to_be_bytes());
        let (packages, problem) = rpmdb(&copy, &rocky());
        let problem = problem.expect("the loop is reported");
        assert!(problem.contains("referenced twice"), "{problem}");
        // The packages of the leaves read before the loop are kept.
        assert!(
            !packages.is_empty() && packages.len() < 12,
            "{}",
            packages.len()
        );
    }
}
