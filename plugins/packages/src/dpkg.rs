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
