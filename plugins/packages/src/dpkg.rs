//! OS package databases: dpkg (`status`, distroless `status.d/*`) and apk
//! (`installed`). Both are paragraphs of `Key: value` lines; both parsers
//! take the file's text and the OS (for the ecosystem and the purl).

use bulkhead_sdk::{InstalledPackage, Package, Purl};

use crate::os::Os;

/// Paragraphs of `key: value` fields (continuation lines skipped).
fn paragraphs(text: &str, separator: char) -> Vec<Vec<(String, String)>> {
    let mut all = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                all.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            continue;
        }
        if let Some((key, value)) = line.split_once(separator) {
            current.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    if !current.is_empty() {
        all.push(current);
    }
    all
}

fn field<'a>(paragraph: &'a [(String, String)], key: &str) -> Option<&'a str> {
    paragraph
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The OSV ecosystem of an OS package: `Debian:12`, `Alpine:v3.20`,
/// `Rocky Linux:9`; `fallback` when the OS is unknown. Red Hat and SUSE
/// records name products rather than releases, so they get no release.
pub fn ecosystem(os: &Os, fallback: &str) -> String {
    let name = match os.id.as_str() {
        "ubuntu" => "Ubuntu",
        "debian" => "Debian",
        "alpine" => "Alpine",
        "rocky" => "Rocky Linux",
        "almalinux" => "AlmaLinux",
        "rhel" => "Red Hat",
        "opensuse-leap" | "opensuse-tumbleweed" => "openSUSE",
        "sles" => "SUSE",
        "mageia" => "Mageia",
        "photon" => "Photon OS",
        _ => fallback,
    };
    let major = || os.version_id.split('.').next().unwrap_or_default();
    match (name, os.version_id.as_str()) {
        (_, "") | ("Red Hat" | "openSUSE" | "SUSE", _) => name.to_string(),
        ("Alpine", version) => {
            let minor: Vec<&str> = version.split('.').take(2).collect();
            format!("Alpine:v{}", minor.join("."))
        }
        ("Rocky Linux" | "AlmaLinux", _) => format!("{name}:{}", major()),
        (name, version) => format!("{name}:{version}"),
    }
}

/// Installed packages of a dpkg status file (or a distroless `status.d`
/// entry): paragraphs whose `Status` is absent or ends in `installed`.
pub fn dpkg(text: &str, os: &Os) -> Vec<InstalledPackage> {
    let distro = if os.id.is_empty() { "debian" } else { &os.id };
    let ecosystem = ecosystem(os, "Debian");
    paragraphs(text, ':')
        .into_iter()
        .filter(|p| field(p, "Status").is_none_or(|s| s.ends_with(" installed")))
        .filter_map(|p| {
            let name = field(&p, "Package")?;
            let version = field(&p, "Version")?;
            let arch = field(&p, "Architecture").unwrap_or("all");
            let release = if os.version_id.is_empty() {
                String::new()
            } else {
                format!("{distro}-{}", os.version_id)
            };
            let purl = Purl::new("deb", name)
                .namespace(distro)
                .version(version)
                .qualifier("arch", arch)
                .qualifier("distro", &release);
            let mut package = Package::new(ecosystem.clone(), name, version).purl(&purl);
            // `Source: name (version)` when the source version differs.
            if let Some(source) = field(&p, "Source") {
                let (source_name, source_version) = match source.split_once(' ') {
                    Some((n, v)) => (n, Some(v.trim_matches(|c| c == '(' || c == ')'))),
                    None => (source, None),
                };
                package = package.source(source_name, source_version);
            }
            Some(package.build())
        })
        .collect()
}

/// Installed packages of an apk database (`lib/apk/db/installed`).
pub fn apk(text: &str, os: &Os) -> Vec<InstalledPackage> {
    let ecosystem = ecosystem(os, "Alpine");
    paragraphs(text, ':')
        .into_iter()
        .filter_map(|p| {
            let name = field(&p, "P")?;
            let version = field(&p, "V")?;
            let purl = Purl::new("apk", name)
                .namespace("alpine")
                .version(version)
                .qualifier("arch", field(&p, "A").unwrap_or("noarch"))
                .qualifier("distro", &os.version_id);
            let mut package = Package::new(ecosystem.clone(), name, version).purl(&purl);
            if let Some(origin) = field(&p, "o") {
                package = package.source(origin, None);
            }
            Some(package.build())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Name, version, purl, source name and source version.
    type Summary<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

    fn os(id: &str, version_id: &str) -> Os {
        Os {
            id: id.into(),
            version_id: version_id.into(),
        }
    }

    /// Written as dpkg writes `var/lib/dpkg/status`: continuation lines,
    /// a removed package, binNMU and epoch versions, CRLF in one place.
    const STATUS: &str = "Package: util-linux\r\nStatus: install ok installed\r\nArchitecture: amd64\r\nVersion: 2.38.1-5+b1\r\nSource: util-linux (2.38.1-5)\r\nDescription: miscellaneous system utilities\r\n This package contains a number of important utilities,\r\n .\r\n Version: 9.9 (not a field)\r\n\r\nPackage: passwd\nStatus: install ok installed\nArchitecture: amd64\nSource: shadow\nVersion: 1:4.13+dfsg1-1+b1\nConffiles:\n /etc/default/useradd 1234\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: no-version\nStatus: install ok installed\n\n";

    #[test]
    fn reads_installed_packages_with_sources_and_purls() {
        let found = dpkg(STATUS, &os("debian", "12"));
        let summary: Vec<Summary> = found
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.purl.as_str(),
                    p.source_name.as_deref(),
                    p.source_version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "util-linux",
                    "2.38.1-5+b1",
                    "pkg:deb/debian/util-linux@2.38.1-5%2Bb1?arch=amd64&distro=debian-12",
                    Some("util-linux"),
                    Some("2.38.1-5"),
                ),
                (
                    "passwd",
                    "1:4.13+dfsg1-1+b1",
                    "pkg:deb/debian/passwd@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12",
                    Some("shadow"),
                    None,
                ),
            ],
            "removed and version-less packages are left out"
        );
        assert!(found.iter().all(|p| p.ecosystem == "Debian:12"));
        // Without os-release: Debian, no distro qualifier.
        let bare = dpkg("Package: a\nVersion: 1\n", &Os::default());
        assert_eq!(bare[0].purl, "pkg:deb/debian/a@1?arch=all");
        assert_eq!(bare[0].ecosystem, "Debian");
        let ubuntu = dpkg("Package: a\nVersion: 1\n", &os("ubuntu", "22.04"));
        assert_eq!(
            (ubuntu[0].ecosystem.as_str(), ubuntu[0].purl.as_str()),
            (
                "Ubuntu:22.04",
                "pkg:deb/ubuntu/a@1?arch=all&distro=ubuntu-22.04"
            )
        );
    }

    #[test]
    fn reads_an_apk_database() {
        let installed = "C:Q1abc=\nP:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox\n\nP:libcrypto3\nV:3.3.2-r0\nA:aarch64\no:openssl\n\nP:noarch\nV:1.0_p1-r0\n";
        let found = apk(installed, &os("alpine", "3.20.3"));
        let summary: Vec<(&str, &str, &str, Option<&str>)> = found
            .iter()
            .map(|p| {
                (
                    p.ecosystem.as_str(),
                    p.name.as_str(),
                    p.purl.as_str(),
                    p.source_name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "Alpine:v3.20",
                    "busybox",
                    "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=3.20.3",
                    Some("busybox")
                ),
                (
                    "Alpine:v3.20",
                    "libcrypto3",
                    "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=aarch64&distro=3.20.3",
                    Some("openssl")
                ),
                (
                    "Alpine:v3.20",
                    "noarch",
                    "pkg:apk/alpine/noarch@1.0_p1-r0?arch=noarch&distro=3.20.3",
                    None
                ),
            ]
        );
        assert!(found.iter().all(|p| p.source_version.is_none()));
    }

    #[test]
    fn os_ecosystems() {
        let cases = [
            ("debian", "12", "Debian:12"),
            ("alpine", "3.19.1", "Alpine:v3.19"),
            ("rocky", "9.3", "Rocky Linux:9"),
            ("almalinux", "8.9", "AlmaLinux:8"),
            ("rhel", "9.3", "Red Hat"),
            ("opensuse-leap", "15.5", "openSUSE"),
            ("unknown", "1", "Debian:1"),
            ("debian", "", "Debian"),
        ];
        for (id, version, expected) in cases {
            assert_eq!(
                ecosystem(&os(id, version), "Debian"),
                expected,
                "{id} {version}"
            );
        }
    }

    #[test]
    fn hostile_text_is_read_in_one_pass_without_panics() {
        // One endless line, a flood of separators, empty keys and values,
        // a million tiny paragraphs, control bytes.
        let long = "Package: ".to_string() + &"x".repeat(1 << 20);
        assert!(dpkg(&long, &Os::default()).is_empty());
        assert!(dpkg(&":".repeat(1 << 20), &Os::default()).is_empty());
        assert!(dpkg(&"\n".repeat(1 << 20), &Os::default()).is_empty());
        let many = "P:a\nV:1\n\n".repeat(100_000);
        assert_eq!(apk(&many, &Os::default()).len(), 100_000);
        let odd = "Package:\u{0}\u{1b}[31m\nVersion: \u{7f}\nSource: (\nStatus:\n";
        let found = dpkg(odd, &Os::default());
        assert_eq!(found.len(), 0, "an empty Status is not installed");
        let found = dpkg("Package: p\nVersion: 1\nSource: s (\n", &Os::default());
        assert_eq!(found[0].source_name.as_deref(), Some("s"));
    }
}
