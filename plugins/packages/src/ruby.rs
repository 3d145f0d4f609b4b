//! RubyGems: `Gemfile.lock` (the gems Bundler resolved from a gem server)
//! and installed gem specifications (`specifications/*.gemspec`, which
//! `gem install` and Bundler write for every installed gem, default gems
//! under `specifications/default/`).

use bulkhead_sdk::{InstalledPackage, Package, Purl};

/// Most gems read from one lockfile.
const MAX_GEMS: usize = 100_000;

/// A gem, with its platform (`x86_64-linux`) as a purl qualifier.
fn gem(name: &str, version: &str, platform: Option<&str>) -> InstalledPackage {
    let purl = Purl::new("gem", name)
        .version(version)
        .qualifier("platform", platform.unwrap_or_default());
    Package::new("RubyGems", name, version).purl(&purl).build()
}

/// The gems of a `Gemfile.lock`: the `specs:` entries (four spaces in) of
/// its `GEM` sections. Gems from `GIT` and `PATH` sections are not
/// RubyGems packages and are left out. `name (1.15.4-x86_64-linux)` is
/// version `1.15.4` on platform `x86_64-linux`, as Bundler splits it.
pub fn gemfile_lock(text: &str) -> Vec<InstalledPackage> {
    let mut found = Vec::new();
    let mut in_gem_section = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_gem_section = line.trim_end() == "GEM";
            continue;
        }
        let Some(entry) = line.strip_prefix("    ") else {
            continue;
        };
        if !in_gem_section || entry.starts_with(' ') {
            continue; // a dependency of the gem above (six spaces in)
        }
        let Some((name, rest)) = entry.split_once(" (") else {
            continue;
        };
        let Some(full) = rest.strip_suffix(')') else {
            continue;
        };
        let (version, platform) = match full.split_once('-') {
            Some((version, platform)) => (version, Some(platform)),
            None => (full, None),
        };
        if !name.is_empty() && !version.is_empty() {
            found.push(gem(name.trim(), version, platform));
        }
        if found.len() >= MAX_GEMS {
            break;
        }
    }
    found
}

/// The gem an installed specification describes: its `name` and `version`
/// assignments (`s.name = "rack".freeze`).
pub fn gemspec(text: &str) -> Option<InstalledPackage> {
    let assigned = |field: &str| -> Option<&str> {
        text.lines().find_map(|line| {
            let (target, value) = line.split_once('=')?;
            let target = target.trim();
            if !target.ends_with(&format!(".{field}")) {
                return None;
            }
            let value = value.trim().strip_prefix('"')?;
            value.split('"').next().filter(|v| !v.is_empty())
        })
    };
    let name = assigned("name")?;
    let version = assigned("version")?;
    let platform = assigned("platform").filter(|p| *p != "ruby");
    Some(gem(name, version, platform))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "GIT\n  remote: https://github.com/example/forked.git\n  revision: abc\n  specs:\n    forked (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (7.0.8)\n      rack (~> 2.0, >= 2.2.4)\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    rack (2.2.8)\n\nPATH\n  remote: engines/local\n  specs:\n    local (0.0.1)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  actionpack (= 7.0.8)\n\nBUNDLED WITH\n   2.4.19\n";

    #[test]
    fn a_lockfile_lists_the_gems_of_its_gem_sections() {
        let found: Vec<(String, String, String)> = gemfile_lock(LOCK)
            .into_iter()
            .map(|p| (p.name, p.version, p.purl))
            .collect();
        let expected = [
            ("actionpack", "7.0.8", "pkg:gem/actionpack@7.0.8"),
            (
                "nokogiri",
                "1.15.4",
                "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux",
            ),
            ("rack", "2.2.8", "pkg:gem/rack@2.2.8"),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(
            found, expected,
            "GIT, PATH and dependency lines are not gems"
        );
        assert!(gemfile_lock("GEM\n  specs:\n    (1.0)\n    x (\n    y 1\n").is_empty());
    }

    #[test]
    fn an_installed_specification_names_its_gem() {
        let spec = "# -*- encoding: utf-8 -*-\n# stub: rack 2.2.8 ruby lib\n\nGem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.8\"\n  s.required_rubygems_version = Gem::Requirement.new(\">= 0\".freeze) if s.respond_to? :required_rubygems_version=\n  s.platform = \"ruby\".freeze\nend\n";
        let rack = gemspec(spec).expect("spec");
        assert_eq!(
            (
                rack.ecosystem.as_str(),
                rack.name.as_str(),
                rack.version.as_str(),
                rack.purl.as_str()
            ),
            ("RubyGems", "rack", "2.2.8", "pkg:gem/rack@2.2.8")
        );
        assert!(gemspec("s.name = \"x\"\n").is_none());
        assert!(gemspec("=\n\"\n.name =\n").is_none());
    }
}
