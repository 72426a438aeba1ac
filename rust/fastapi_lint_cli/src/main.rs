// Only the binary chooses the allocator: the library is also linked into the Python extension,
// which sets its own.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(fastapi_lint_cli::run(std::env::args_os().collect()));
}
