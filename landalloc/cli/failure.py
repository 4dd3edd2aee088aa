"""How the command ends when something goes wrong: a message and a documented exit code.

Bad input is exit 2 with one message per problem; a file system that refuses to be written
(read-only, full, not a folder) is bad input too. Anything unexpected is one line naming a
log file that holds the traceback, and exit 70 (EX_SOFTWARE) — never a bare traceback.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NOT_SOLVED = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 2 bad input (file, line and key named; no traceback; nothing "
    "written); 3 infeasible; 4 not solved (time limit, solver error); 70 internal error "
    "(one line, traceback in a log file); 130 interrupted (Ctrl-C or SIGTERM)."
)

#: OSErrors that are the user's environment, not a bug: reported as bad input.
USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
               errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOENT, errno.ENAMETOOLONG,
               errno.ENOTEMPTY, errno.EXDEV, errno.EMFILE, errno.EBUSY}


def os_error_message(e: OSError) -> str | None:
    """'cannot write PATH: No space left on device', or None if it looks like a bug."""
    if e.errno not in USER_ERRNOS:
        return None
    target = e.filename or ""
    return f"{target}: {e.strerror}" if target else str(e.strerror)


def log_dir() -> Path:
    return Path(os.environ.get("LANDALLOC_LOG_DIR") or tempfile.gettempdir())


def internal_error(e: BaseException) -> int:
    """Write the traceback to a log file; print one line naming it; return exit 70."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(e))
    path = None
    try:
        d = log_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"landalloc-error-{stamp}-{os.getpid()}.log"
        path.write_text(f"landalloc {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8")
    except OSError:
        path = None
    first = str(e).splitlines()[0][:200] if str(e) else ""
    where = f" (details: {path})" if path else ""
    from landalloc.safe_text import shown

    print(shown(f"internal error: {type(e).__name__}: {first}{where}"), file=sys.stderr)
    return EXIT_INTERNAL


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread: every handler of Ctrl-C (the temporary files
    and folders of the atomic writers, a batch keeping its finished chunks) runs for it
    too, and the command ends with 130, as Ctrl-C does."""


_MAIN_PID: int | None = None
_SIGNALLED: set[str] = set()  # the signals that reached this command


def _on_sigterm(signum: int, frame: object) -> None:
    import signal

    if os.getpid() != _MAIN_PID:  # a forked worker: end as SIGTERM means, at once
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    _SIGNALLED.add("SIGTERM")
    raise Terminated("terminated (SIGTERM)")


def _on_sigint(signum: int, frame: object) -> None:
    _SIGNALLED.add("SIGINT")
    raise KeyboardInterrupt


def terminated() -> bool:
    """Whether SIGTERM reached this command (for its last line)."""
    return "SIGTERM" in _SIGNALLED


def interrupted() -> bool:
    """Whether Ctrl-C or SIGTERM reached this command, even where a library swallowed the
    KeyboardInterrupt it raised (uvicorn does)."""
    return bool(_SIGNALLED)


def end_on_sigterm() -> None:
    """SIGTERM ends the command like Ctrl-C (exit 130, nothing half-written) instead of
    killing it where it stands (143, temporary files left); both are remembered. A command
    that handles SIGTERM itself (batch) replaces this handler while it runs."""
    import signal
    import threading

    global _MAIN_PID
    if threading.current_thread() is threading.main_thread():
        _MAIN_PID = os.getpid()
        signal.signal(signal.SIGTERM, _on_sigterm)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored
            signal.signal(signal.SIGINT, _on_sigint)
