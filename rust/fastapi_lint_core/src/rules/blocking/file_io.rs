use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// Checks for blocking file-system calls inside `async def` functions: `open`, `io.open`,
    /// `pathlib.Path` reads and writes (`read_text`, `read_bytes`, `write_text`,
    /// `write_bytes`, `open`, `glob`, …), `shutil` copies, moves, archives and `rmtree`, `os`
    /// functions that create, remove, rename or list files, `glob.glob`, archives opened from
    /// disk (`zipfile.ZipFile("x.zip")`, `tarfile.open(path)`; not one in memory,
    /// `ZipFile(io.BytesIO(data))`), and `tempfile`'s files and directories.
    ///
    /// Single metadata calls (`os.path.exists`, `Path.is_file`, `Path.stat`) are not
    /// reported, unlike Ruff's ASYNC240: a stat of a local file takes microseconds, and the
    /// blind review of real applications judged such one-off metadata calls not worth
    /// changing (8 of 8 `touch`/`mkdir(exist_ok=True)` findings "debatable",
    /// `benches/apps/verdicts.csv`).
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies directly on the event loop. Disk
    /// access blocks the thread (a network file system or a large file makes it slow), and
    /// while it does no other request is served.
    ///
    /// Use `aiofiles` or `anyio.Path` / `anyio.open_file`, move the work to a thread with
    /// `await run_in_threadpool(...)`, or declare the route with a plain `def` so FastAPI
    /// runs it in its threadpool. The `shutil` functions have no async counterpart (`anyio.Path`
    /// cannot remove a tree or copy one): run them in a worker thread,
    /// `await asyncio.to_thread(shutil.rmtree, path)` or
    /// `await anyio.to_thread.run_sync(shutil.rmtree, path)`.
    ///
    /// `Path` objects are recognised from the code: `Path(...)` calls, names bound to them,
    /// `path / "name"`, `path.parent`, parameters annotated `pathlib.Path`, instance attributes
    /// (`self.root`) and what functions return (`-> Path`). A local
    /// function called `open` is not the builtin. Opening one of the kernel's virtual files
    /// (a literal path under `/proc/` or `/sys/`) is not reported: they are answered from
    /// memory.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/report")
    /// async def report():
    ///     with open("report.txt") as file:
    ///         return {"report": file.read()}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import aiofiles
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/report")
    /// async def report():
    ///     async with aiofiles.open("report.txt") as file:
    ///         return {"report": await file.read()}
    /// ```
    ///
    /// ## Options
    /// - `lint.blocking.extra-file-calls`: more qualified names to report (`mylib.load`,
    ///   `mylib.*`)
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations" (reading
    ///   from or writing to a file is blocking), and 4: "Follow the same rules in FastAPI
    ///   dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [AnyIO: Asynchronous file I/O support](https://anyio.readthedocs.io/en/stable/fileio.html)
    pub struct BlockingFileIoInAsync;
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI103.py",
            LinterSettings::for_rules([Rule::BlockingFileIoInAsync])
        );
    }
}
