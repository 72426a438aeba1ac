fn main() {
    std::process::exit(fastapi_lint_cli::run(std::env::args_os().collect()));
}
