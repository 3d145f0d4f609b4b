//! The `bulkhead` binary: see [`bulkhead::cli`].

fn main() -> std::process::ExitCode {
    bulkhead::cli::main()
}
