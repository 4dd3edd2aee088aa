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
