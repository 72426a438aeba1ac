"""The hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit in scratch git repositories.

pre-commit installs a hook repository the way users get it: it clones the repository at a
commit and `pip install .`s it into a virtualenv of its own, so the first test here builds this
package once more (maturin, release profile). Two things keep that cheap and hermetic:

- the build gets `CARGO_TARGET_DIR` pointing at this checkout's `target/` (unless the caller set
  one), so the dependencies compiled by `pip install .` are reused and only the workspace crates
  (freshly cloned, so newer than their last build) and the final link are built again. cargo's
  lock serialises it with any other build there; cargo's hashes of the workspace crates do not
  depend on their path, so it refreshes the checkout's release artifacts from the same sources;
- `PRE_COMMIT_HOME` is a directory of this module, so the user's pre-commit cache is neither
  read nor written, and the hook environment is built once for all the tests here.

The hook repository is a commit of this checkout's working tree (tracked files plus untracked,
non-ignored ones) in a scratch repository: pre-commit only installs committed states, and the
working tree is what the rest of the suite tests. From a clean clone it is exactly `HEAD`.
The scratch repositories name it in a `.pre-commit-config.yaml` (`repo:` its path, `rev:` the
commit), as users do, rather than through `pre-commit try-repo`: that takes no hook `args`
(`--unsafe-fixes`) and installs into a throwaway store, a fresh build for every call.
Building needs cargo, and pip fetches maturin (the build backend) from the package index
(`PIP_INDEX_URL`, `PIP_FIND_LINKS` and the pip cache of the caller apply).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from support import REPO_ROOT, SLEEP_COLUMN, SLEEP_ROW, SLEEPING_ROUTE

pytest.importorskip("pre_commit", reason="pre-commit is in the test extras: pip install '.[test]'")

pytestmark = [
    pytest.mark.skipif(not (REPO_ROOT / ".git").exists(), reason="needs a git checkout of fastapi-lint"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.skipif(shutil.which("cargo") is None, reason="pre-commit builds the package: needs cargo"),
]

# Building the hook environment compiles the workspace crates with fat LTO: minutes.
INSTALL_TIMEOUT = 3600
RUN_TIMEOUT = 300

CLEAN_ROUTE = """\
import asyncio

from fastapi import FastAPI

app = FastAPI(openapi_url=None)

@app.get("/")
async def index():
    await asyncio.sleep(1)
    return {}
"""

PreCommit = Callable[..., "subprocess.CompletedProcess[str]"]


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    identity = ["-c", "user.name=fastapi-lint tests", "-c", "user.email=tests@invalid", "-c", "commit.gpgsign=false"]
    result = subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def _hermetic_environment(pre_commit_home: Path) -> dict[str, str]:
    """The environment of pre-commit and of the scratch repositories' git: no user or system
    git configuration (templates, hooks, signing), no pre-commit settings of the caller."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key not in {"SKIP", "VIRTUAL_ENV_DISABLE_PROMPT"}
    }
    environment["PRE_COMMIT_HOME"] = str(pre_commit_home)
    environment["GIT_CONFIG_GLOBAL"] = os.devnull
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    # cargo resolves a relative target directory against its working directory, which is
    # pre-commit's clone of the hook repository during the build.
    target = os.environ.get("CARGO_TARGET_DIR")
    environment["CARGO_TARGET_DIR"] = str(Path(target).resolve() if target else REPO_ROOT / "target")
    return environment


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _hermetic_environment(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> dict[str, str]:
    """`{"repo": path, "rev": sha}` of a commit of this checkout's working tree."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO_ROOT)
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO_ROOT / name
        if not os.path.lexists(source):  # deleted in the working tree, not yet in the index
            continue
        destination = snapshot / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    _git("init", "--quiet", "--template=", ".", cwd=snapshot, env=environment)
    _git("add", "--all", ".", cwd=snapshot, env=environment)
    _git("commit", "--quiet", "--no-verify", "-m", "snapshot", cwd=snapshot, env=environment)
    return {"repo": str(snapshot), "rev": _git("rev-parse", "HEAD", cwd=snapshot, env=environment).strip()}


@pytest.fixture(scope="module")
def pre_commit(environment: dict[str, str]) -> PreCommit:
    """`pre_commit(*args, cwd, timeout=RUN_TIMEOUT)`: this interpreter's pre-commit."""

    def pre_commit(*args: str, cwd: Path, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )

    return pre_commit


def _scratch_repo(
    path: Path,
    environment: dict[str, str],
    files: dict[str, str],
    hook_repo: dict[str, str],
    hooks: list[dict[str, object]],
) -> Path:
    """A git repository at `path` with `files` and a `.pre-commit-config.yaml` using `hooks` of
    the hook repository, all committed."""
    path.mkdir(parents=True, exist_ok=True)
    config = {"repos": [{**hook_repo, "hooks": hooks}]}
    # JSON is YAML: no quoting rules to get wrong for temporary paths.
    files = {".pre-commit-config.yaml": json.dumps(config, indent=2) + "\n", **files}
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    _git("init", "--quiet", "--template=", ".", cwd=path, env=environment)
    _git("add", "--all", ".", cwd=path, env=environment)
    _git("commit", "--quiet", "--no-verify", "-m", "app", cwd=path, env=environment)
    return path


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory,
    environment: dict[str, str],
    hook_repo: dict[str, str],
    pre_commit: PreCommit,
) -> None:
    """Builds the hook environment once (both hooks share it: same repository and commit)."""
    repo = _scratch_repo(
        tmp_path_factory.mktemp("install"),
        environment,
        {},
        hook_repo,
        [{"id": "fastapi-lint"}, {"id": "fastapi-lint-fix"}],
    )
    start = time.monotonic()
    result = pre_commit("install-hooks", cwd=repo, timeout=INSTALL_TIMEOUT)
    elapsed = time.monotonic() - start
    log = Path(environment["PRE_COMMIT_HOME"]) / "pre-commit.log"
    assert result.returncode == 0, _output(result) + (
        f"\n--- pre-commit.log\n{log.read_text()}" if log.exists() else ""
    )
    sys.stderr.write(f"\npre-commit built the hook environment in {elapsed:.0f} s\n")


def test_the_manifest_is_valid(pre_commit: PreCommit) -> None:
    result = pre_commit("validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml"), cwd=REPO_ROOT)

    assert result.returncode == 0, _output(result)


@pytest.mark.usefixtures("installed")
def test_the_check_hook_fails_on_a_blocking_call(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    repo = _scratch_repo(tmp_path, environment, {"app.py": SLEEPING_ROUTE}, hook_repo, [{"id": "fastapi-lint"}])

    result = pre_commit("run", "--all-files", "--color", "never", cwd=repo)

    assert result.returncode == 1, _output(result)
    assert "fastapi-lint" in result.stdout and "Failed" in result.stdout, _output(result)
    assert "FAPI101" in result.stdout, _output(result)
    assert f"app.py:{SLEEP_ROW}:{SLEEP_COLUMN}" in result.stdout, _output(result)
    assert (repo / "app.py").read_text() == SLEEPING_ROUTE


@pytest.mark.usefixtures("installed")
def test_the_check_hook_passes_on_a_clean_file(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    repo = _scratch_repo(tmp_path, environment, {"app.py": CLEAN_ROUTE}, hook_repo, [{"id": "fastapi-lint"}])

    result = pre_commit("run", "--all-files", "--color", "never", cwd=repo)

    assert result.returncode == 0, _output(result)
    assert "Passed" in result.stdout, _output(result)


@pytest.mark.usefixtures("installed")
def test_the_check_hook_honours_excludes_for_the_files_pre_commit_names(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    # pre-commit passes every file on the command line; `--force-exclude` keeps the configured
    # excludes in force for them.
    files = {
        "generated.py": SLEEPING_ROUTE,
        "app.py": CLEAN_ROUTE,
        "pyproject.toml": '[tool.fastapi-lint]\nextend-exclude = ["generated.py"]\n',
    }
    repo = _scratch_repo(tmp_path, environment, files, hook_repo, [{"id": "fastapi-lint"}])

    result = pre_commit("run", "--all-files", "--color", "never", cwd=repo)

    assert result.returncode == 0, _output(result)


@pytest.mark.usefixtures("installed")
def test_a_commit_is_checked_on_its_staged_files_only(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    # Without `--all-files`, pre-commit names only the staged files: the blocking call committed
    # earlier is not reported when a clean file is added, and is once it is staged again.
    repo = _scratch_repo(tmp_path, environment, {"old.py": SLEEPING_ROUTE}, hook_repo, [{"id": "fastapi-lint"}])
    (repo / "new.py").write_text(CLEAN_ROUTE)
    _git("add", "new.py", cwd=repo, env=environment)

    clean = pre_commit("run", "--color", "never", cwd=repo)
    assert clean.returncode == 0, _output(clean)

    (repo / "old.py").write_text(SLEEPING_ROUTE + "\n")
    _git("add", "old.py", cwd=repo, env=environment)
    blocking = pre_commit("run", "--color", "never", cwd=repo)
    assert blocking.returncode == 1, _output(blocking)
    assert "old.py:" in blocking.stdout and "new.py:" not in blocking.stdout, _output(blocking)


@pytest.mark.usefixtures("installed")
def test_the_fix_hook_applies_the_unsafe_fix_when_asked(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    hooks = [{"id": "fastapi-lint-fix", "args": ["--unsafe-fixes"]}]
    repo = _scratch_repo(tmp_path, environment, {"app.py": SLEEPING_ROUTE}, hook_repo, hooks)

    fixed = pre_commit("run", "--all-files", "--color", "never", cwd=repo)
    # pre-commit fails a hook that modified files, even when nothing is left to report.
    assert fixed.returncode == 1, _output(fixed)
    assert "files were modified by this hook" in fixed.stdout, _output(fixed)
    source = (repo / "app.py").read_text()
    assert "await asyncio.sleep(1)" in source and "time.sleep" not in source, source
    assert "import asyncio" in source, source

    again = pre_commit("run", "--all-files", "--color", "never", cwd=repo)
    assert again.returncode == 0, _output(again)


@pytest.mark.usefixtures("installed")
def test_the_fix_hook_keeps_unsafe_fixes_off_by_default(
    tmp_path: Path, environment: dict[str, str], hook_repo: dict[str, str], pre_commit: PreCommit
) -> None:
    repo = _scratch_repo(tmp_path, environment, {"app.py": SLEEPING_ROUTE}, hook_repo, [{"id": "fastapi-lint-fix"}])

    result = pre_commit("run", "--all-files", "--color", "never", cwd=repo)

    assert result.returncode == 1, _output(result)
    assert "FAPI101" in result.stdout, _output(result)
    assert (repo / "app.py").read_text() == SLEEPING_ROUTE
