use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// Checks for blocking process calls inside `async def` functions: `subprocess.run`,
    /// `call`, `check_call`, `check_output`, `getoutput`, `getstatusoutput`, and `os.system`,
    /// `os.popen`, `os.spawn*`, `os.posix_spawn*` and `os.wait*`.
    ///
    /// `subprocess.Popen(...)` only starts the process, so it is not reported; waiting for it
    /// is: `wait()` and `communicate()` on a `Popen` the code proves (`process =
    /// subprocess.Popen(...)`, `with subprocess.Popen(...) as process`, a parameter annotated
    /// `subprocess.Popen`, `subprocess.Popen(...).wait()`). The wait of a
    /// `with subprocess.Popen(...):` block on exit is not reported.
    ///
    /// Commands run through the shell (`shell=True`, `os.system`, `os.popen`,
    /// `subprocess.getoutput`) are pointed to `asyncio.create_subprocess_shell`, the others to
    /// `asyncio.create_subprocess_exec`.
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies directly on the event loop. Waiting
    /// for a child process holds the thread for as long as the process runs, and no other
    /// request is served in the meantime.
    ///
    /// Use `asyncio.create_subprocess_exec` (or `create_subprocess_shell`) and `await` the
    /// process, or declare the route with a plain `def` so FastAPI runs it in its
    /// threadpool.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/thumbnails")
    /// async def make_thumbnail(name: str):
    ///     subprocess.run(["convert", name, "-resize", "64x64", f"thumb-{name}"], check=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import asyncio
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/thumbnails")
    /// async def make_thumbnail(name: str):
    ///     process = await asyncio.create_subprocess_exec("convert", name, "-resize", "64x64", f"thumb-{name}")
    ///     await process.wait()
    /// ```
    ///
    /// ## Options
    /// - `lint.blocking.extra-subprocess-calls`: more qualified names to report
    ///   (`sh.git`, `plumbum.*`)
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", and 4:
    ///   "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [Python documentation: Subprocesses](https://docs.python.org/3/library/asyncio-subprocess.html)
    pub struct BlockingSubprocessInAsync;
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI105.py",
            LinterSettings::for_rules([Rule::BlockingSubprocessInAsync])
        );
    }
}
