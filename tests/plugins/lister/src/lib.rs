//! Test plugin: reports one package per line of `*.inventory` files
//! (`ecosystem<TAB>name<TAB>version`), so that the osv matcher can be run
//! through the real binary on ecosystems no curated inventory reads
//! (Red Hat products, CRAN, Packagist, Hex) or reads only from binaries.
use bulkhead_sdk::{File, Interests, Package, Plugin, PluginInfo, Reporter, export_plugin};

struct Lister;

impl Plugin for Lister {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "lister",
            "0.1.0",
            "Reports the packages of *.inventory files.",
        )
        .interests(Interests::files(["**/*.inventory"]))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        for line in file.read_text(10 << 20)?.lines() {
            let mut fields = line.split('\t');
            if let (Some(ecosystem), Some(name), Some(version)) =
                (fields.next(), fields.next(), fields.next())
                && !out.package(Package::new(ecosystem, name, version))
            {
                break;
            }
        }
        Ok(())
    }
}

export_plugin!(Lister);
