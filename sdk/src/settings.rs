//! Plugin settings (contract 0.2.0): a plugin declares what it accepts
//! with [`SettingSpec`]s in its [`crate::PluginInfo`]; the user gives values
//! per plugin in `bulkhead.toml` or with `--plugin-setting ID.NAME=VALUE`;
//! the host checks names and kinds, then calls
//! [`crate::Plugin::validate_settings`] once before the scan; calls read the
//! values with [`get`] (or the typed helpers).

use crate::bindings::bulkhead::plugin::{host, types as wit};

pub use wit::{SettingKind, SettingValue};

/// One setting a plugin accepts.
#[derive(Clone, Debug)]
pub struct SettingSpec {
    /// Name: lower-case letters, digits and `-`.
    pub name: String,
    /// The type of its value.
    pub kind: SettingKind,
    /// What it changes.
    pub description: String,
    /// The value used when the user gives none.
    pub default: Option<SettingValue>,
}

impl SettingSpec {
    /// A text setting.
    pub fn text(name: &str, description: &str) -> Self {
        SettingSpec::new(name, SettingKind::Text, description)
    }

    /// An integer setting.
    pub fn integer(name: &str, description: &str) -> Self {
        SettingSpec::new(name, SettingKind::Integer, description)
    }

    /// A boolean setting.
    pub fn boolean(name: &str, description: &str) -> Self {
        SettingSpec::new(name, SettingKind::Boolean, description)
    }

    /// A list-of-text setting.
    pub fn text_list(name: &str, description: &str) -> Self {
        SettingSpec::new(name, SettingKind::TextList, description)
    }

    fn new(name: &str, kind: SettingKind, description: &str) -> Self {
        SettingSpec {
            name: name.to_string(),
            kind,
            description: description.to_string(),
            default: None,
        }
    }

    /// Sets the default value.
    pub fn default_value(mut self, value: SettingValue) -> Self {
        self.default = Some(value);
        self
    }

    pub(crate) fn into_wit(self) -> wit::SettingSpec {
        wit::SettingSpec {
            name: self.name,
            kind: self.kind,
            description: self.description,
            default_value: self.default,
        }
    }
}

/// The settings handed to [`crate::Plugin::validate_settings`].
#[derive(Clone, Debug, Default)]
pub struct Settings(Vec<wit::Setting>);

impl Settings {
    pub(crate) fn new(settings: Vec<wit::Setting>) -> Self {
        Settings(settings)
    }

    /// The value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&SettingValue> {
        self.0.iter().find(|s| s.name == name).map(|s| &s.value)
    }

    /// The value of a text setting.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(SettingValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// Every setting given, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SettingValue)> {
        self.0.iter().map(|s| (s.name.as_str(), &s.value))
    }
}

/// The value of one of this plugin's settings during a call: what the user
/// gave, else the declared default.
pub fn get(name: &str) -> Option<SettingValue> {
    host::setting(name)
}

/// A text setting's value.
pub fn text(name: &str) -> Option<String> {
    match get(name) {
        Some(SettingValue::Text(text)) => Some(text),
        _ => None,
    }
}

/// A boolean setting's value.
pub fn boolean(name: &str) -> Option<bool> {
    match get(name) {
        Some(SettingValue::Boolean(value)) => Some(value),
        _ => None,
    }
}

/// An integer setting's value.
pub fn integer(name: &str) -> Option<i64> {
    match get(name) {
        Some(SettingValue::Integer(value)) => Some(value),
        _ => None,
    }
}

/// A list setting's value.
pub fn text_list(name: &str) -> Option<Vec<String>> {
    match get(name) {
        Some(SettingValue::TextList(values)) => Some(values),
        _ => None,
    }
}
