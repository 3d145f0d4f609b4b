//! `bulkhead.toml`, the project configuration: read from the working
//! directory or from `--config FILE`.
//!
//! This module reads the `[[ignore]]` tables (suppressions) and the plugin
//! settings, `[plugins.settings.ID]` (a table of NAME = value per plugin,
//! checked against what each plugin declares when the plugins load). Other
//! top-level tables (`[lock]`, ...) belong to features to come and are
//! accepted here without being read, so a file written for a newer feature
//! still loads. Inside an `[[ignore]]` table every key is
//! known: a misspelt one is an error naming it, never a suppression that
//! silently matches more than meant.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::model::SettingValue;

/// The file looked for in the working directory.
pub const DEFAULT_FILE: &str = "bulkhead.toml";

/// Largest configuration file read.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// Most `[[ignore]]` tables accepted.
const MAX_IGNORES: usize = 10_000;

/// Longest string accepted in an `[[ignore]]` table.
const MAX_TEXT: usize = 4096;

/// Most path globs in one `[[ignore]]` table.
const MAX_PATHS: usize = 256;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to the month's length.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = digits(0..4)? as i32;
        let month = digits(5..7)? as u8;
        let day = digits(8..10)? as u8;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// The UTC date `seconds` after the Unix epoch.
    pub fn from_unix_seconds(seconds: i64) -> Date {
        // Howard Hinnant's days-to-civil algorithm.
        let days = seconds.div_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today in UTC by the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        Date::from_unix_seconds(seconds)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One `[[ignore]]` table: which findings it suppresses, why, and until
/// when. Every selector given must match (they are AND-ed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// Position among the `[[ignore]]` tables, from 1 (for messages).
    pub index: usize,
    /// A rule id (`secrets/aws-access-key-id`) or one of a rule's aliases
    /// (`DF-036`, `dockerfile/DF-036`).
    pub rule: Option<String>,
    /// A vulnerability id, matched against the finding's ids and aliases.
    pub vulnerability: Option<String>,
    /// A package name.
    pub package: Option<String>,
    /// Path globs; the finding's path must match one.
    pub paths: Vec<String>,
    /// One exact finding.
    pub fingerprint: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// The last day it suppresses.
    pub expires: Option<Date>,
}

/// The parts of `bulkhead.toml` this module reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// The `[[ignore]]` tables, in file order.
    pub ignores: Vec<Ignore>,
    /// `[plugins.settings.ID]`: each plugin's settings, by plugin id.
    pub settings: BTreeMap<String, Vec<(String, SettingValue)>>,
}

/// The file's top level: known tables typed, the rest kept as TOML.
#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    ignore: Vec<RawIgnore>,
    #[serde(default)]
    plugins: RawPlugins,
    #[serde(flatten)]
    _others: toml::Table,
}

/// `[plugins]`: the settings are read here; other keys (the plugin set, to
/// come) are kept as TOML.
#[derive(Default, Deserialize)]
struct RawPlugins {
    #[serde(default)]
    settings: BTreeMap<String, toml::Table>,
    #[serde(flatten)]
    _others: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Option<String>,
    vulnerability: Option<String>,
    package: Option<String>,
    #[serde(default)]
    paths: Vec<String>,
    fingerprint: Option<String>,
    reason: Option<String>,
    expires: Option<RawDate>,
}

/// `expires` as a quoted string or a bare TOML date.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
}

impl Config {
    /// Reads `explicit` if given (it must exist), else `bulkhead.toml` in
    /// the working directory if there is one, else an empty configuration.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        match explicit {
            Some(path) => Config::read(path),
            None => {
                let path = Path::new(DEFAULT_FILE);
                if path.is_file() {
                    Config::read(path)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    /// Reads and checks one configuration file.
    pub fn read(path: &Path) -> Result<Config> {
        let name = path.display();
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read the configuration {name}"))?
            .len();
        if size > MAX_FILE_BYTES {
            bail!("configuration {name}: {size} bytes, over the {MAX_FILE_BYTES} byte limit");
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration {name} as UTF-8 text"))?;
        let mut config =
            Config::parse(&text).with_context(|| format!("configuration {name} is invalid"))?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses configuration text (no file name in errors; [`Config::read`]
    /// adds it).
    pub fn parse(text: &str) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| anyhow::anyhow!("{err}"))?;
        if raw.ignore.len() > MAX_IGNORES {
            bail!(
                "{} [[ignore]] tables, over the limit of {MAX_IGNORES}",
                raw.ignore.len()
            );
        }
        let ignores = raw
            .ignore
            .into_iter()
            .enumerate()
            .map(|(at, raw)| {
                let index = at + 1;
                check_ignore(index, raw).with_context(|| format!("[[ignore]] #{index}"))
            })
            .collect::<Result<Vec<_>>>()?;
        let settings = raw
            .plugins
            .settings
            .into_iter()
            .map(|(plugin, table)| {
                let values = plugin_settings(&table)
                    .with_context(|| format!("[plugins.settings.{plugin}]"))?;
                Ok((plugin, values))
            })
            .collect::<Result<BTreeMap<_, _>>>()?;
        Ok(Config {
            path: None,
            ignores,
            settings,
        })
    }
}

/// One plugin's settings table as typed values: strings, integers,
/// booleans and lists of strings (the kinds of the contract).
fn plugin_settings(table: &toml::Table) -> Result<Vec<(String, SettingValue)>> {
    table
        .iter()
        .map(|(name, value)| {
            check_text("setting name", name)?;
            let typed = match value {
                toml::Value::String(text) => SettingValue::Text(text.clone()),
                toml::Value::Integer(number) => SettingValue::Integer(*number),
                toml::Value::Boolean(flag) => SettingValue::Boolean(*flag),
                toml::Value::Array(items) => SettingValue::TextList(
                    items
                        .iter()
                        .map(|item| item.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .with_context(|| format!("`{name}`: a list setting holds strings only"))?,
                ),
                other => bail!(
                    "`{name}` is a {}: a setting is a string, integer, boolean or list of strings",
                    other.type_str()
                ),
            };
            Ok((name.clone(), typed))
        })
        .collect()
}

fn check_ignore(index: usize, raw: RawIgnore) -> Result<Ignore> {
    let reason = match raw.reason.map(|r| r.trim().to_string()) {
        Some(reason) if !reason.is_empty() => reason,
        _ => bail!("`reason` is required: say why the risk is accepted"),
    };
    if raw.rule.is_none()
        && raw.vulnerability.is_none()
        && raw.package.is_none()
        && raw.fingerprint.is_none()
    {
        bail!("names no finding: give `rule`, `vulnerability`, `package` or `fingerprint`");
    }
    if raw.paths.len() > MAX_PATHS {
        bail!("{} `paths`, over the limit of {MAX_PATHS}", raw.paths.len());
    }
    let texts = [
        ("rule", raw.rule.as_deref()),
        ("vulnerability", raw.vulnerability.as_deref()),
        ("package", raw.package.as_deref()),
        ("fingerprint", raw.fingerprint.as_deref()),
        ("reason", Some(reason.as_str())),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            check_text(key, value)?;
        }
    }
    for glob in &raw.paths {
        check_text("paths", glob)?;
        compile_glob(glob).with_context(|| format!("`paths` glob {glob:?}"))?;
    }
    if let Some(fingerprint) = &raw.fingerprint {
        let well_formed =
            fingerprint.len() == 32 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed {
            bail!("`fingerprint` {fingerprint:?} is not 32 hex digits (a finding's `fingerprint`)");
        }
    }
    let expires = match raw.expires {
        None => None,
        Some(RawDate::Text(text)) => Some(
            Date::parse(&text)
                .with_context(|| format!("`expires` {text:?} is not a date YYYY-MM-DD"))?,
        ),
        Some(RawDate::Toml(datetime)) => {
            let date = datetime
                .date
                .filter(|_| datetime.time.is_none())
                .with_context(|| format!("`expires` {datetime} is not a date YYYY-MM-DD"))?;
            Some(
                Date::parse(&format!(
                    "{:04}-{:02}-{:02}",
                    date.year, date.month, date.day
                ))
                .with_context(|| format!("`expires` {datetime} is not a valid date"))?,
            )
        }
    };
    Ok(Ignore {
        index,
        rule: raw.rule.map(|r| r.trim().to_string()),
        vulnerability: raw.vulnerability.map(|v| v.trim().to_string()),
        package: raw.package.map(|p| p.trim().to_string()),
        paths: raw.paths,
        fingerprint: raw.fingerprint.map(|f| f.to_ascii_lowercase()),
        reason,
        expires,
    })
}

/// Compiles a `paths` glob the way plugin globs are: `*` stays inside a
/// directory, `**` crosses them.
pub fn compile_glob(glob: &str) -> Result<globset::Glob> {
    Ok(globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()?)
}

fn check_text(key: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        bail!("`{key}` is empty");
    }
    if value.len() > MAX_TEXT {
        bail!("`{key}` is {} bytes, over {MAX_TEXT}", value.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_shape_parses_and_other_tables_are_left_alone() {
        let config = Config::parse(
            r#"
            [plugins]
            builtin = true
            [lock]
            file = "bulkhead.lock"

            [[ignore]]
            rule = "secrets/aws-access-key-id"
            paths = ["tests/fixtures/**"]
            reason = "documented test keys"
            expires = "2027-03-31"

            [[ignore]]
            vulnerability = "CVE-2024-1234"
            package = "openssl"
            reason = "not reachable"
            expires = 2027-01-01
            "#,
        )
        .expect("parses");
        assert_eq!(config.ignores.len(), 2);
        assert_eq!(
            config.ignores[0].expires,
            Some(Date {
                year: 2027,
                month: 3,
                day: 31
            })
        );
        assert_eq!(config.ignores[1].index, 2);
        assert_eq!(
            config.ignores[1].expires.map(|d| d.to_string()).as_deref(),
            Some("2027-01-01")
        );
    }

    #[test]
    fn bad_tables_are_errors_naming_the_problem() {
        let error = |text: &str| format!("{:#}", Config::parse(text).expect_err("rejected"));
        let unknown =
            error("[[ignore]]\nrule = \"a/b\"\nreason = \"r\"\nexpire = \"2027-01-01\"\n");
        assert!(unknown.contains("expire"), "{unknown}");
        assert!(error("[[ignore]]\nrule = \"a/b\"\n").contains("`reason` is required"));
        assert!(error("[[ignore]]\nreason = \"r\"\n").contains("names no finding"));
        assert!(
            error("[[ignore]]\nrule = \"a/b\"\nreason = \"r\"\nexpires = \"2027-02-30\"\n")
                .contains("not a date")
        );
        assert!(error("[[ignore]]\nfingerprint = \"xyz\"\nreason = \"r\"\n").contains("32 hex"));
        assert!(
            error("[[ignore]]\nrule = \"a/b\"\nreason = \"r\"\npaths = [\"[\"]\n").contains("glob")
        );
    }

    #[test]
    fn dates_parse_strictly_and_follow_the_epoch() {
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-1-01").is_none());
        assert!(Date::parse("+023-01-01").is_none());
        assert_eq!(Date::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_seconds(1_709_164_800).to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::from_unix_seconds(-1).to_string(), "1969-12-31");
    }
}
