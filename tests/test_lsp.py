"""`fastapi-lint server` driven by a real LSP client over stdio: JSON-RPC with Content-Length
framing on the subprocess's pipes, every wait bounded so that a silent server fails the test
instead of hanging it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
from support import console_script

TIMEOUT = 60  # seconds for any one reply; a debug build lints a small project well within

# An async route that sleeps, after non-ASCII text on the same line: the sleep starts at
# character 14 of the line (0-based) but at UTF-16 unit 15 (`𝄞` is two units) and byte 19.
SOURCE = """\
import time

from fastapi import FastAPI

app = FastAPI(openapi_url=None)

@app.get("/")
async def index():
    _ = "é𝄞"; time.sleep(1)
    return {}
"""
SLEEP_LINE = 8
SLEEP_START = 15
SLEEP_END = SLEEP_START + len("time.sleep")


def server_command() -> List[str]:
    """The installed command; `FASTAPI_LINT_BINARY` points at another build (`target/debug`)."""
    binary = os.environ.get("FASTAPI_LINT_BINARY") or str(console_script())
    return [binary, "server"]


def start_server(project: Path, cwd: Path) -> "subprocess.Popen[bytes]":
    """`fastapi-lint server` as an editor starts it, its cache kept inside the project."""
    return subprocess.Popen(
        server_command(),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FASTAPI_LINT_CACHE_DIR": str(project / ".test-cache")},
    )


class Client:
    """A minimal LSP client: requests wait for their response, notifications are kept."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.next_id = 0
        self.incoming: queue.Queue[Optional[Dict[str, Any]]] = queue.Queue()
        self.notifications: List[Dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.incoming.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            self.incoming.put(json.loads(stream.read(length)))

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def _next(self) -> Dict[str, Any]:
        try:
            message = self.incoming.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no message from the server within {TIMEOUT} s") from None
        assert message is not None, "the server closed its output"
        if "method" in message and "id" in message:
            # A request from the server (none is expected without dynamic registration).
            self.send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        request_id = self.next_id
        self.send({"id": request_id, "method": method, "params": params})
        while True:
            message = self._next()
            if message.get("id") == request_id and "method" not in message:
                assert "error" not in message, message["error"]
                return message.get("result")

    def wait_for(self, method: str, accept: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        """The params of the first notification (kept or still to come) that `accept`s."""
        while True:
            for notification in self.notifications:
                if notification["method"] == method and accept(notification["params"]):
                    self.notifications.remove(notification)
                    return notification["params"]
            self._next()


def utf16_offset(text: str, position: Dict[str, int]) -> int:
    """The string index of an LSP position (UTF-16 character counts)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: position["line"]])
    line = lines[position["line"]] if position["line"] < len(lines) else ""
    units = 0
    for index, character in enumerate(line):
        if units >= position["character"]:
            return offset + index
        units += 2 if ord(character) > 0xFFFF else 1
    return offset + len(line)


def apply_edits(text: str, edits: List[Dict[str, Any]]) -> str:
    """Applies LSP text edits (all on the original text), last first."""
    spans = [
        (utf16_offset(text, edit["range"]["start"]), utf16_offset(text, edit["range"]["end"]), edit["newText"])
        for edit in edits
    ]
    for start, end, new_text in sorted(spans, key=lambda span: span[:2], reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def edits_of(action: Dict[str, Any], uri: str) -> List[Dict[str, Any]]:
    return action["edit"]["changes"][uri]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def test_diagnostics_code_actions_hover_and_shutdown(project: Path) -> None:
    process = start_server(project, cwd=project)
    try:
        client = Client(process)
        root = project.as_uri()
        uri = (project / "app.py").as_uri()
        initialized = client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "demo"}],
                "capabilities": {},
            },
        )
        capabilities = initialized["capabilities"]
        assert initialized["serverInfo"]["name"] == "fastapi-lint"
        assert capabilities["hoverProvider"] is True
        assert "source.fixAll.fastapi-lint" in capabilities["codeActionProvider"]["codeActionKinds"]
        client.notify("initialized", {})

        # Diagnostics on open, at the sleep, in UTF-16 units.
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}},
        )
        published = client.wait_for("textDocument/publishDiagnostics", lambda params: params["uri"] == uri)
        assert published["version"] == 1
        [diagnostic] = published["diagnostics"]
        assert diagnostic["code"] == "FAPI101"
        assert diagnostic["source"] == "fastapi-lint"
        assert diagnostic["severity"] == 2
        assert diagnostic["codeDescription"]["href"].endswith("/rules/blocking-sleep-in-async")
        assert "time.sleep" in diagnostic["message"]
        assert diagnostic["range"] == {
            "start": {"line": SLEEP_LINE, "character": SLEEP_START},
            "end": {"line": SLEEP_LINE, "character": SLEEP_END},
        }

        # Code actions at the finding: its fix, and a noqa comment for the line.
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
            },
        )
        titles = {action["title"]: action for action in actions}
        assert all(action["kind"] == "quickfix" for action in actions)
        fix = titles["Replace with `await asyncio.sleep(...)`"]
        assert fix["diagnostics"][0]["code"] == "FAPI101"
        fixed = apply_edits(SOURCE, edits_of(fix, uri))
        assert 'import asyncio\n' in fixed
        assert '_ = "é𝄞"; await asyncio.sleep(1)\n' in fixed
        noqa = apply_edits(SOURCE, edits_of(titles["Disable FAPI101 for this line"], uri))
        assert noqa == SOURCE.replace("time.sleep(1)\n", "time.sleep(1)  # noqa: FAPI101\n")

        # The fixed text, as the editor sends it after applying the edit: nothing left.
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]},
        )
        published = client.wait_for(
            "textDocument/publishDiagnostics", lambda params: params["uri"] == uri and params["version"] == 2
        )
        assert published["diagnostics"] == []

        # An incremental change back to the sleep with the noqa comment: suppressed, and the code in
        # the comment explains itself on hover.
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 3},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}},
                        "text": noqa,
                    }
                ],
            },
        )
        published = client.wait_for(
            "textDocument/publishDiagnostics", lambda params: params["uri"] == uri and params["version"] == 3
        )
        assert published["diagnostics"] == []
        code_at = noqa.splitlines()[SLEEP_LINE].index("FAPI101") + 1  # one unit for `𝄞`'s second
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": SLEEP_LINE, "character": code_at + 3}},
        )
        assert hover["contents"]["kind"] == "markdown"
        assert hover["contents"]["value"].startswith("# blocking-sleep-in-async (FAPI101)")
        assert "## What it does" in hover["contents"]["value"]
        assert hover["range"] == {
            "start": {"line": SLEEP_LINE, "character": code_at},
            "end": {"line": SLEEP_LINE, "character": code_at + len("FAPI101")},
        }
        outside = client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}
        )
        assert outside is None

        # Closing clears the diagnostics; shutdown then exit ends the process with status 0.
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        published = client.wait_for("textDocument/publishDiagnostics", lambda params: params["uri"] == uri)
        assert published["diagnostics"] == []
        assert client.request("shutdown", None) is None
        client.notify("exit", None)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_fix_all_applies_what_check_fix_would(project: Path) -> None:
    """`source.fixAll.fastapi-lint` with `unsafe-fixes = true` configured: the same text as
    `check --fix` writes; and the configured project is found from the file's directory."""
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.fastapi-lint]\nunsafe-fixes = true\n')
    process = start_server(project, cwd=project.parent)
    try:
        client = Client(process)
        uri = (project / "app.py").as_uri()
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}},
        )
        published = client.wait_for("textDocument/publishDiagnostics", lambda params: params["uri"] == uri)
        assert [diagnostic["code"] for diagnostic in published["diagnostics"]] == ["FAPI101"]
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": ["source.fixAll"]},
            },
        )
        [action] = actions
        assert action["kind"] == "source.fixAll.fastapi-lint"
        fixed = apply_edits(SOURCE, edits_of(action, uri))
        assert (project / "app.py").read_text() == SOURCE  # the server writes nothing
        subprocess.run(
            [server_command()[0], "check", "--fix", "--no-cache", "app.py"],
            cwd=project,
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
        )
        assert fixed == (project / "app.py").read_text()
        assert "await asyncio.sleep(1)" in fixed
        # Exit without shutdown: status 1, as the protocol says.
        client.notify("exit", None)
        assert process.wait(timeout=TIMEOUT) == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
