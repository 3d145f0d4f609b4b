//! [`Purl`]: package URLs (<https://github.com/package-url/purl-spec>),
//! encoded one way for every plugin.
//!
//! `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`: each namespace
//! segment, the name and the version are percent-encoded (everything but
//! ASCII letters, digits and `.-_~`; the purl spec keeps `:` unencoded
//! too); qualifiers are sorted by key, as the spec's canonical form asks.

use std::fmt;

/// A package URL under construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purl {
    kind: String,
    namespace: Vec<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// A purl of `kind` (`deb`, `apk`, `rpm`, `pypi`, `npm`, `cargo`,
    /// `golang`, `maven`, `gem`, `nuget`) for package `name`.
    pub fn new(kind: &str, name: &str) -> Self {
        Purl {
            kind: kind.to_ascii_lowercase(),
            namespace: Vec::new(),
            name: name.to_string(),
            version: None,
            qualifiers: Vec::new(),
        }
    }

    /// Sets the namespace (`debian`, a Maven group id, an npm scope, a Go
    /// module path's leading segments); `/` separates its segments.
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(str::to_string)
            .collect();
        self
    }

    /// Sets the version.
    pub fn version(mut self, version: &str) -> Self {
        self.version = (!version.is_empty()).then(|| version.to_string());
        self
    }

    /// Adds a qualifier (`arch`, `distro`, `epoch`); an empty value is
    /// left out, as the spec says.
    pub fn qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .push((key.to_ascii_lowercase(), value.to_string()));
        }
        self
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.kind)?;
        for segment in &self.namespace {
            write!(f, "{}/", encode(segment))?;
        }
        f.write_str(&encode(&self.name))?;
        if let Some(version) = &self.version {
            write!(f, "@{}", encode(version))?;
        }
        let mut qualifiers = self.qualifiers.clone();
        qualifiers.sort();
        for (index, (key, value)) in qualifiers.iter().enumerate() {
            let separator = if index == 0 { '?' } else { '&' };
            write!(f, "{separator}{key}={}", encode(value))?;
        }
        Ok(())
    }
}

/// Percent-encodes what a purl component must not hold raw.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded_and_qualifiers_sorted() {
        let purl = Purl::new("deb", "libssl3")
            .namespace("debian")
            .version("3.0.11-1~deb12u2")
            .qualifier("distro", "debian-12")
            .qualifier("arch", "amd64");
        assert_eq!(
            purl.to_string(),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
        );
        let scoped = Purl::new("npm", "core")
            .namespace("@angular")
            .version("1.0.0+b");
        assert_eq!(scoped.to_string(), "pkg:npm/%40angular/core@1.0.0%2Bb");
        let epoch = Purl::new("rpm", "openssl")
            .version("1:3.0.7")
            .qualifier("epoch", "");
        assert_eq!(epoch.to_string(), "pkg:rpm/openssl@1:3.0.7");
    }
}
