#[global_allocator]
static GLOBAL: fastapi_lint_cli::allocator::Allocator = fastapi_lint_cli::allocator::ALLOCATOR;

fn main() {
    std::process::exit(fastapi_lint_cli::run(std::env::args_os().collect()));
}
