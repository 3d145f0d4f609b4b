//! Bridges a [`Plugin`] implementation to the generated export trait.

use std::marker::PhantomData;

use crate::bindings::bulkhead::plugin::host;
use crate::bindings::exports::bulkhead::plugin::plugin::{
    Guest, PluginInfo, PostScanInput, Setting,
};
use crate::settings::Settings;
use crate::{File, Plugin, PostScan, Reporter};

/// The exported component type for plugin `P`; made by [`crate::export_plugin!`].
pub struct Adapter<P>(PhantomData<P>);

impl<P: Plugin> Guest for Adapter<P> {
    fn info() -> PluginInfo {
        P::info().into_wit()
    }

    fn validate_settings(settings: Vec<Setting>) -> Result<(), String> {
        P::validate_settings(&Settings::new(settings))
    }

    fn analyze_file(file: &host::File) -> Result<(), String> {
        let file = File::from_borrow(file);
        P::analyze_file(&file, &mut Reporter::new())
    }

    fn analyze_config(config_json: String) -> Result<(), String> {
        P::analyze_config(&config_json, &mut Reporter::new())
    }

    fn post_scan(input: PostScanInput) -> Result<(), String> {
        let input = PostScan {
            packages: input.packages,
            os: input.os,
            notes: input.notes,
        };
        P::post_scan(&input, &mut Reporter::new())
    }
}
