"""The `fastapi-lint` command (and `python -m fastapi_lint`): hands over to the Rust CLI at once."""

import sys

from fastapi_lint import LintError, _core

# `_signal`, the C module behind `signal`: `signal` imports `enum` for its constants, which
# costs more start-up than the rest of this wrapper together (abi3 wheels are CPython-only, and
# CPython has had `_signal` for as long as it has had abi3). Type checkers, for which typeshed
# has no `_signal`, read `signal`: the same functions and constants. `TYPE_CHECKING` is spelled
# out as in `__init__.py`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal as _signal
else:
    import _signal


def main() -> int:
    # Behave like a native binary: Ctrl-C ends the process immediately instead of waiting for
    # the Rust side to finish and then raising KeyboardInterrupt.
    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    try:
        # A fixed program name: argv[0] is a wrapper script or `__main__.py`, not what users typed.
        return _core.main(["fastapi-lint", *sys.argv[1:]])
    except LintError as error:
        # Only a crash gets here; the CLI reports its own errors and returns 2 for them.
        print(f"fastapi-lint failed\n  Cause: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
