//! Plugin settings as the user gives them (`--plugin-setting
//! ID.NAME=VALUE`, `[plugins.settings.ID]` in bulkhead.toml), resolved
//! against what the plugin declared: unknown names and wrong kinds are
//! refused here, with the plugin's declared settings listed; the plugin's
//! own `validate-settings` checks the rest.

use anyhow::{Result, bail};

use crate::model::{PluginInfo, SettingKind, SettingValue};

/// A setting value as the user gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserSetting {
    /// Text from the command line, converted to the declared kind
    /// (`true`/`false`, a number, a comma-separated list).
    Text(String),
    /// A typed value (from bulkhead.toml).
    Typed(SettingValue),
}

/// Parses `ID.NAME=VALUE` into (plugin id, setting name, value).
pub fn parse_cli(text: &str) -> Result<(String, String, UserSetting), String> {
    let (target, value) = text
        .split_once('=')
        .ok_or("use PLUGIN.NAME=VALUE, e.g. kubernetes.kubernetes-version=1.33")?;
    let (plugin, name) = target
        .split_once('.')
        .ok_or("use PLUGIN.NAME=VALUE, e.g. kubernetes.kubernetes-version=1.33")?;
    if plugin.is_empty() || name.is_empty() {
        return Err("use PLUGIN.NAME=VALUE".into());
    }
    Ok((
        plugin.to_string(),
        name.to_string(),
        UserSetting::Text(value.to_string()),
    ))
}

/// The plugin's settings: what the user gave, converted to the declared
/// kinds, then each declared default for the rest, in declared order.
pub fn resolve(
    info: &PluginInfo,
    given: &[(String, UserSetting)],
) -> Result<Vec<(String, SettingValue)>> {
    for (name, _) in given {
        if !info.settings.iter().any(|spec| spec.name == *name) {
            let known: Vec<&str> = info.settings.iter().map(|s| s.name.as_str()).collect();
            bail!(
                "plugin {} has no setting {name:?} (it declares {})",
                info.id,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        }
    }
    let mut resolved = Vec::new();
    for spec in &info.settings {
        let value = match given.iter().rev().find(|(name, _)| *name == spec.name) {
            Some((_, value)) => convert(&info.id, &spec.name, spec.kind, value)?,
            None => match &spec.default {
                Some(default) => default.clone(),
                None => continue,
            },
        };
        resolved.push((spec.name.clone(), value));
    }
    Ok(resolved)
}

fn convert(
    plugin: &str,
    name: &str,
    kind: SettingKind,
    value: &UserSetting,
) -> Result<SettingValue> {
    let converted = match (kind, value) {
        (_, UserSetting::Typed(typed)) if typed.kind() == kind => Some(typed.clone()),
        (SettingKind::Text, UserSetting::Text(text)) => Some(SettingValue::Text(text.clone())),
        (SettingKind::Integer, UserSetting::Text(text)) => {
            text.trim().parse().ok().map(SettingValue::Integer)
        }
        (SettingKind::Boolean, UserSetting::Text(text)) => match text.trim() {
            "true" => Some(SettingValue::Boolean(true)),
            "false" => Some(SettingValue::Boolean(false)),
            _ => None,
        },
        (SettingKind::TextList, UserSetting::Text(text)) => Some(SettingValue::TextList(
            text.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_string)
                .collect(),
        )),
        _ => None,
    };
    match converted {
        Some(value) => Ok(value),
        None => bail!(
            "setting {plugin}.{name} must be {}",
            match kind {
                SettingKind::Text => "text",
                SettingKind::Integer => "an integer",
                SettingKind::Boolean => "true or false",
                SettingKind::TextList => "a list of text (comma-separated on the command line)",
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_settings_parse() {
        let (plugin, name, value) = parse_cli("kubernetes.kubernetes-version=1.33").expect("ok");
        assert_eq!(
            (plugin.as_str(), name.as_str()),
            ("kubernetes", "kubernetes-version")
        );
        assert_eq!(value, UserSetting::Text("1.33".into()));
        assert!(parse_cli("kubernetes=1").is_err());
    }

    #[test]
    fn text_converts_to_the_declared_kind() {
        let text = |t: &str| UserSetting::Text(t.to_string());
        assert_eq!(
            convert("p", "n", SettingKind::Integer, &text("42")).ok(),
            Some(SettingValue::Integer(42))
        );
        assert!(convert("p", "n", SettingKind::Boolean, &text("yes")).is_err());
        assert_eq!(
            convert("p", "n", SettingKind::TextList, &text("a, b,,c")).ok(),
            Some(SettingValue::TextList(vec![
                "a".into(),
                "b".into(),
                "c".into()
            ]))
        );
    }
}
