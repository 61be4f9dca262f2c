"""Which files the audit reads: `.py` files under the given paths, minus virtualenvs, VCS folders and the ignore list.

Ignore patterns are matched against paths relative to the configuration's root, with `/` separators:
- a pattern without `/` matches any single file or folder name (`legacy`, `*_pb2.py`);
- a pattern with `/` matches the relative path of a file or folder (`tests/fixtures`, `scripts/*.py`); a folder
  that matches excludes everything under it.
The list applies to files named on the command line too, so a pre-commit hook that passes filenames agrees with a
run over the whole tree.
"""

from __future__ import annotations

import errno
import os
import stat
from fnmatch import fnmatchcase
from pathlib import Path

from nbadq.audits.summaries import ParseError
from nbadq.errors import UsageError

# Folders never worth auditing: VCS metadata, caches, build output of tools. Virtualenvs are recognised by their
# pyvenv.cfg (any name) as well as by the usual names.
_SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", "node_modules", ".eggs", "site-packages",
})


class Ignore:
    def __init__(self, patterns: tuple[str, ...], root: Path):
        self.root = root
        self.names = tuple(p.rstrip("/") for p in patterns if "/" not in p.rstrip("/"))
        self.paths = tuple(p.strip("/").removeprefix("./") for p in patterns if "/" in p.rstrip("/"))

    def matches(self, path: Path) -> bool:
        if any(fnmatchcase(path.name, n) for n in self.names):
            return True
        if not self.paths:
            return False
        try:
            rel = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return False  # outside the project root: path patterns cannot name it
        return any(fnmatchcase(rel, p) or fnmatchcase(rel, p + "/*") for p in self.paths)


def check_paths(paths: list[str]) -> None:
    """A path that does not exist, or a symlink loop, is a usage error (before any config is read). One that
    exists but cannot be read is not: discovery reports it as unreadable."""
    for raw in paths:
        try:
            os.stat(raw)
        except FileNotFoundError:
            raise UsageError(f"{raw}: no such file or directory") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UsageError(f"{raw}: a symlink loop; give a real file or folder") from None
            if exc.errno != errno.EACCES:
                raise UsageError(f"{raw}: cannot use it ({exc.strerror or exc})") from None


def discover(paths: list[str], ignore: Ignore, unreadable: list[ParseError] | None = None) -> list[Path]:
    """Sorted, de-duplicated `.py` files. A path that does not exist is a usage error; a folder that cannot be
    listed is appended to `unreadable` (never skipped silently: the run then did not audit everything)."""
    check_paths(paths)
    unreadable = [] if unreadable is None else unreadable
    found: dict[Path, None] = {}
    for raw in paths or ["."]:
        path = Path(raw)
        try:
            is_file = stat.S_ISREG(path.stat().st_mode)
        except OSError as exc:  # a folder above it cannot be searched
            unreadable.append(_unreadable(path, exc))
            continue
        if is_file:
            if path.suffix == ".py" and not ignored_file(path, ignore):
                found[path] = None
            continue
        for file in _walk(path, ignore, unreadable):
            found[file] = None
    return sorted(found, key=lambda p: p.as_posix())


def _unreadable(path: Path, exc: OSError) -> ParseError:
    return ParseError(display_path(path), 1, 1, exc.strerror or str(exc), unreadable=True)


def ignored_file(path: Path, ignore: Ignore) -> bool:
    if ignore.matches(path):
        return True
    # A file inside an ignored (or skipped) folder is ignored too, however it was named; only folders inside the
    # project root count, so a checkout that happens to live under a folder named like a pattern is still audited.
    for parent in path.resolve().parents:
        if parent == ignore.root or ignore.root not in parent.parents:
            break
        if parent.name in _SKIP_DIRS or ignore.matches(parent):
            return True
    return False


def _walk(top: Path, ignore: Ignore, unreadable: list[ParseError]):
    """os.scandir rather than Path.rglob: it is several times faster on trees of thousands of files."""
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            unreadable.append(_unreadable(directory, exc))
            continue
        for entry in entries:
            path = directory / entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _SKIP_DIRS or ignore.matches(path) or _is_virtualenv(path):
                    continue
                stack.append(path)
            elif entry.name.endswith(".py") and entry.is_file() and not ignore.matches(path):
                yield path


def _is_virtualenv(path: Path) -> bool:
    try:
        return (path / "pyvenv.cfg").is_file() or (path / "conda-meta").is_dir()
    except OSError:
        return False  # a folder that cannot be searched: listing it fails next, and is reported


def display_path(path) -> str:
    """Relative to the working directory when under it (what editors, CI annotations and SARIF expect)."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        absolute = absolute[len(cwd) + 1:]
    return absolute.replace(os.sep, "/")
