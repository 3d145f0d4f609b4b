//! What WASI may open in a granted data directory: regular files and
//! directories only. A FIFO, socket or device would block the opening
//! thread or reach a kernel object the user never meant to grant, so
//! `descriptor.open-at` is shadowed by a version that checks the type
//! first (`stat-at`, following links as the open would) and answers
//! `access` for anything else, then delegates to wasmtime-wasi's own.

use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::filesystem::WasiFilesystemView;
use wasmtime_wasi::p2::bindings::filesystem::types::{
    self, Descriptor, DescriptorFlags, DescriptorType, ErrorCode, HostDescriptor, OpenFlags,
    PathFlags,
};

use super::host_api::HostState;

/// The WASI filesystem interface version wasmtime-wasi 48 defines (guests
/// importing any earlier 0.2 version link to it).
const FILESYSTEM_TYPES: &str = "wasi:filesystem/types@0.2.12";

/// Replaces `open-at` in `linker` (after WASI was added) with the guarded
/// version.
pub fn guard_open_at(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let mut instance = linker.instance(FILESYSTEM_TYPES)?;
    instance.func_wrap_async(
        "[method]descriptor.open-at",
        |mut store: StoreContextMut<'_, HostState>,
         (fd, path_flags, path, oflags, flags): (
            Resource<Descriptor>,
            PathFlags,
            String,
            OpenFlags,
            DescriptorFlags,
        )| {
            Box::new(async move {
                let mut view = store.data_mut().filesystem();
                let probe = Resource::<Descriptor>::new_borrow(fd.rep());
                if let Ok(stat) =
                    HostDescriptor::stat_at(&mut view, probe, path_flags, path.clone()).await
                    && !matches!(
                        stat.type_,
                        DescriptorType::RegularFile | DescriptorType::Directory
                    )
                {
                    return Ok((Err(ErrorCode::Access),));
                }
                match HostDescriptor::open_at(&mut view, fd, path_flags, path, oflags, flags).await
                {
                    Ok(opened) => Ok((Ok(opened),)),
                    Err(err) => Ok((Err(types::Host::convert_error_code(&mut view, err)?),)),
                }
            })
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}
