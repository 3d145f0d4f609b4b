//! Plugin sets: the curated plugins embedded in the binary plus any the
//! user adds (a file, or later an OCI artifact), each loaded, asked to
//! describe itself, checked and clamped ([`validate`]), given its settings
//! ([`settings`]) and the data directories granted to it by name, before it
//! may see a single file.

pub mod settings;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};

use crate::model::{Origin, PluginInfo, SettingValue};
use crate::runtime::host_api::InstanceEnv;
use crate::runtime::{Instance, LoadedComponent, OutputBudget, Runtime};

pub use settings::UserSetting;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));
}

/// Names of the curated plugins embedded in this binary.
pub fn builtin_names() -> Vec<&'static str> {
    builtin::BUILTIN.iter().map(|(name, _)| *name).collect()
}

/// The embedded component of a curated plugin.
pub fn builtin_component(name: &str) -> Option<&'static [u8]> {
    builtin::BUILTIN
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, wasm)| *wasm)
}

/// A loaded, validated plugin with its settings and grants.
#[derive(Clone)]
pub struct Plugin {
    /// What it declared (validated, clamped), where it came from.
    pub info: PluginInfo,
    /// The compiled component.
    pub component: LoadedComponent,
    /// Its settings, defaults filled in (validated by the plugin).
    pub settings: Arc<Vec<(String, SettingValue)>>,
    /// The data directory granted to it, if any.
    pub data_dir: Option<Arc<PathBuf>>,
}

impl Plugin {
    /// sha256 of the component bytes.
    pub fn sha256(&self) -> &str {
        self.component.sha256()
    }

    /// A fresh instance whose reports draw on `budget`.
    pub fn instantiate(&self, budget: &Arc<OutputBudget>) -> Result<Instance> {
        self.component.instantiate(&InstanceEnv {
            settings: Arc::clone(&self.settings),
            budget: Arc::clone(budget),
            data_dir: self.data_dir.clone(),
        })
    }
}

/// The plugins of one scan, in a stable order (by id).
pub struct PluginSet {
    /// The plugins.
    pub plugins: Vec<Plugin>,
}

/// Where a plugin's component comes from.
pub struct PluginSource {
    /// Its origin, as output reports it.
    pub origin: Origin,
    /// The component bytes.
    pub wasm: std::borrow::Cow<'static, [u8]>,
}

impl PluginSource {
    /// Every curated plugin embedded in the binary.
    pub fn builtins() -> Vec<PluginSource> {
        builtin::BUILTIN
            .iter()
            .map(|(_, wasm)| PluginSource {
                origin: Origin::Builtin,
                wasm: std::borrow::Cow::Borrowed(*wasm),
            })
            .collect()
    }

    /// A component file.
    pub fn file(path: &Path) -> Result<PluginSource> {
        let wasm = std::fs::read(path)
            .with_context(|| format!("cannot read plugin {}", path.display()))?;
        Ok(PluginSource {
            origin: Origin::File {
                path: path.to_path_buf(),
            },
            wasm: std::borrow::Cow::Owned(wasm),
        })
    }

    fn label(&self) -> String {
        match &self.origin {
            Origin::Builtin => "a curated plugin".to_string(),
            other => format!("plugin {}", other.label()),
        }
    }
}

/// A read-only directory the user grants to one plugin under a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The plugin it is granted to.
    pub plugin: String,
    /// The name the plugin asks for (`vulnerability-db`).
    pub name: String,
    /// The directory.
    pub dir: PathBuf,
}

impl Grant {
    /// Parses `PLUGIN:NAME=DIR`.
    pub fn parse(text: &str) -> Result<Grant, String> {
        let (target, dir) = text.split_once('=').ok_or("use PLUGIN:NAME=DIR")?;
        let (plugin, name) = target.split_once(':').ok_or(
            "use PLUGIN:NAME=DIR (a directory is granted to one named plugin, e.g. osv:vulnerability-db=DIR)",
        )?;
        if plugin.is_empty() || name.is_empty() || dir.is_empty() {
            return Err("use PLUGIN:NAME=DIR".into());
        }
        Ok(Grant {
            plugin: plugin.to_string(),
            name: name.to_string(),
            dir: PathBuf::from(dir),
        })
    }
}

/// How to load a set.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Largest `max-file-size` a plugin may declare; larger ones are
    /// clamped to it.
    pub max_file_size: u64,
    /// Settings per plugin id, as the user gave them.
    pub settings: BTreeMap<String, Vec<(String, UserSetting)>>,
    /// Directories granted to named plugins.
    pub grants: Vec<Grant>,
}

impl PluginSet {
    /// Loads every source: compiles it, calls `info`, validates and clamps
    /// what it declared, resolves and validates its settings, and applies
    /// the grants. Any problem is an error naming the plugin.
    pub fn load(
        runtime: &Runtime,
        sources: Vec<PluginSource>,
        options: &LoadOptions,
    ) -> Result<PluginSet> {
        let mut plugins = Vec::with_capacity(sources.len());
        for source in sources {
            let label = source.label();
            let plugin = load_one(runtime, source, options)
                .with_context(|| format!("cannot load {label}"))?;
            plugins.push(plugin);
        }
        plugins.sort_by(|a, b| a.info.id.cmp(&b.info.id));
        if let Some(pair) = plugins
            .windows(2)
            .find(|pair| pair[0].info.id == pair[1].info.id)
        {
            bail!("two plugins declare the id {:?}", pair[0].info.id);
        }
        for id in options.settings.keys() {
            ensure!(
                plugins.iter().any(|p| p.info.id == *id),
                "settings were given for plugin {id:?}, which is not loaded"
            );
        }
        let mut set = PluginSet { plugins };
        set.grant(&options.grants)?;
        Ok(set)
    }

    /// What each plugin declared, in set order.
    pub fn infos(&self) -> Vec<PluginInfo> {
        self.plugins.iter().map(|p| p.info.clone()).collect()
    }

    /// Grants each directory to the plugin it names, which must ask for a
    /// data directory of that name. A grant to a plugin that is not loaded
    /// or does not ask for it, or of a directory that does not exist, is an
    /// error naming it.
    fn grant(&mut self, grants: &[Grant]) -> Result<()> {
        for grant in grants {
            ensure!(
                grant.dir.is_dir(),
                "cannot grant {}:{}={}: not a directory",
                grant.plugin,
                grant.name,
                grant.dir.display()
            );
            let plugin = self
                .plugins
                .iter_mut()
                .find(|p| p.info.id == grant.plugin)
                .with_context(|| {
                    format!(
                        "cannot grant {:?} to plugin {:?}: no such plugin is loaded",
                        grant.name, grant.plugin
                    )
                })?;
            ensure!(
                plugin.info.interests.data_directory.as_deref() == Some(grant.name.as_str()),
                "cannot grant {:?} to plugin {}: it asks for {}",
                grant.name,
                grant.plugin,
                plugin
                    .info
                    .interests
                    .data_directory
                    .as_deref()
                    .map_or("no data directory".to_string(), |name| format!("{name:?}"))
            );
            plugin.data_dir = Some(Arc::new(grant.dir.clone()));
        }
        Ok(())
    }
}

fn load_one(runtime: &Runtime, source: PluginSource, options: &LoadOptions) -> Result<Plugin> {
    let component = runtime.load(&source.wasm)?;
    let mut instance = component.instantiate(&InstanceEnv {
        settings: Arc::default(),
        budget: Arc::new(OutputBudget::new(0)),
        data_dir: None,
    })?;
    let declared = instance
        .info()
        .context("the plugin's info function failed")?;
    let info = validate::checked(declared, source.origin, &component, options.max_file_size)?;
    let given = options
        .settings
        .get(&info.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let settings = settings::resolve(&info, given)?;
    if !given.is_empty() || info.contract != "0.1.0" {
        instance
            .validate_settings(&settings)
            .context("the plugin's validate-settings function failed")?
            .map_err(|message| {
                anyhow::anyhow!("plugin {} refused its settings: {message}", info.id)
            })?;
    }
    Ok(Plugin {
        info,
        component,
        settings: Arc::new(settings),
        data_dir: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_name_their_plugin() {
        let grant = Grant::parse("osv:vulnerability-db=/var/lib/osv").expect("parses");
        assert_eq!(grant.plugin, "osv");
        assert_eq!(grant.name, "vulnerability-db");
        assert!(Grant::parse("vulnerability-db=/x").is_err());
        assert!(Grant::parse("osv:=/x").is_err());
    }
}
