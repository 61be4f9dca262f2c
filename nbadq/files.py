"""Output files: checked before any work, written atomically, never replacing what is not a regular file.

Every command checks each output path it was given with `check_output` before it reads a warehouse or sends a
request, so a typo in `--json` costs nothing. `write_text_atomic` then writes beside the target and renames over
it, so a reader never sees half a document. An existing symlink is followed (its target is written, the link
stays), and a FIFO, device or directory is refused: nbadq replaces only regular files.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from nbadq.errors import UsageError

STDOUT = "-"


def _resolved(path: Path) -> Path:
    """The file a write lands in: an existing symlink's target (followed to the end), else the path itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_output(path: Path | str | None, option: str, allow_stdout: bool = False) -> None:
    """Raise UsageError (exit 2) when `path` cannot take an output file; writes nothing."""
    if path is None:
        return
    if str(path) == STDOUT:
        if allow_stdout:
            return
        raise UsageError(f"{option} -: standard output is not supported here; give a file path")
    if str(path) == "":
        raise UsageError(f"{option}: give a file path, not an empty string")
    target = _resolved(Path(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot use it ({exc.strerror or exc})") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{option} {path}: is a directory; give a file path")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"{option} {path}: is not a regular file (a FIFO, device or socket); nbadq writes only "
                         "regular files")
    parent = target.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: directory {str(parent)!r} does not exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK) or (mode is not None and not os.access(target, os.W_OK)):
        raise UsageError(f"{option} {path}: not writable; choose a path you can write")


def check_outputs(*pairs: tuple[Path | str | None, str]) -> None:
    """Check several (path, option) pairs; also refuse two options naming the same file."""
    seen: dict[str, str] = {}
    for path, option in pairs:
        check_output(path, option)
        if path is None or str(path) == STDOUT:
            continue
        key = os.path.realpath(path)
        if key in seen:
            raise UsageError(f"{option} and {seen[key]} name the same file {path}; give each its own")
        seen[key] = option


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write beside the (symlink-resolved) target, then rename over it (atomic on POSIX). `-` is stdout."""
    if str(path) == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return Path(STDOUT)
    path = Path(path)
    target = _resolved(path)
    if target.exists() and not target.is_file():
        raise UsageError(f"{path}: is not a regular file; nbadq writes only regular files")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports and CI artifacts are meant to be shared
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json_atomic(path: Path | str, doc: Any) -> Path:
    return write_text_atomic(path, json.dumps(doc, indent=2, sort_keys=False, default=str) + "\n")
