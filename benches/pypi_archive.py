"""Fetching pinned packages from PyPI and unpacking them: shared by the benchmark corpus
(`corpus/fetch.py`) and the applications corpus (`apps/fetch.py`)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path


def download(name: str, version: str, kind: str, dest: Path) -> Path:
    """Downloads `name==version` as an sdist (`kind == "sdist"`) or a wheel into `dest`."""
    if kind == "sdist":
        # Only this package is forced to its sdist; its build backend (needed for pip's metadata
        # step) may come as a wheel.
        binary = ["--no-binary", name]
    else:
        binary = ["--only-binary", ":all:"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--ignore-requires-python",
         *binary, f"{name}=={version}", "-d", str(dest)],
        check=True,
    )
    (archive,) = dest.iterdir()
    return archive


def unpack(archive: Path, staging: Path) -> Path:
    """Unpacks an archive under `staging` and returns the project's root: an sdist's top-level
    directory, or `staging` itself for a wheel (which has none)."""
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        if archive.name.endswith(".whl"):
            return staging
    else:
        with tarfile.open(archive) as tf:
            # The "data" filter refuses links and paths that escape the target directory.
            if hasattr(tarfile, "data_filter"):
                tf.extractall(staging, filter="data")
            else:
                tf.extractall(staging)
    (root,) = staging.iterdir()
    return root


def fetch(name: str, version: str, kind: str, target: Path) -> Path:
    """`name==version` unpacked at `target`, unless it is there already."""
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        downloads = Path(tmp) / "download"
        downloads.mkdir()
        root = unpack(download(name, version, kind, downloads), Path(tmp) / "unpacked")
        target.parent.mkdir(parents=True, exist_ok=True)
        root.rename(target)
    return target


def count_lines(root: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in root.rglob("*.py"))
