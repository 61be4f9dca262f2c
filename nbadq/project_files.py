"""Which GX project a run uses, found the way git and dbt find theirs.

    1. --project DIR                 (the command line; main calls use_project)
    2. NBADQ_PROJECT_ROOT
    3. the nearest directory at or above the working directory holding great_expectations.yml with nbadq's
       suites (an expectations/*.json whose expectations carry meta.rule), so a platform repository's own,
       unrelated GX project is passed over
    4. the packaged default: nbadq/_project in an installed wheel (setup.py copies it there), or this repository's
       root in an editable install

A project named explicitly (1, 2) is used in place and must hold great_expectations.yml. The packaged default is
never written to (it may sit in a read-only site-packages): GX writes validation results and Data Docs under the
project, so a run on the default gets a private copy that is removed when the process ends. `nbadq init` writes
a project of one's own, where those outputs are kept.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nbadq.config import ENV_PROJECT_ROOT
from nbadq.errors import UsageError

MARKER = "great_expectations.yml"
PROJECT_FILES = (MARKER, "expectations", "checkpoints", "validation_definitions")
PACKAGED = Path(__file__).resolve().parent / "_project"  # keep in step with setup.py
SOURCE_CHECKOUT = Path(__file__).resolve().parent.parent  # an editable install: the repository root

FLAG, ENV, FOUND, DEFAULT = "--project", ENV_PROJECT_ROOT, "found", "packaged default"

_explicit: Path | None = None  # --project, set once per process by the command line


@dataclass(frozen=True)
class Located:
    root: Path  # where GX reads the project and writes uncommitted/
    source: str  # FLAG, ENV, FOUND or DEFAULT
    origin: Path  # the project as found; differs from root only for the packaged default's private copy


def use_project(path: str | None) -> None:
    """Record --project; checked now, so a typo stops the run before anything is read or written."""
    global _explicit
    if path is not None and not path.strip():
        raise UsageError(f"{FLAG} needs a directory: {FLAG} DIR")
    _explicit = None if path is None else _checked(Path(path), FLAG)


def locate(cwd: Path | None = None) -> Located:
    if _explicit is not None:
        return Located(_explicit, FLAG, _explicit)
    env = os.environ.get(ENV_PROJECT_ROOT)
    if env:
        root = _checked(Path(env), ENV)
        return Located(root, ENV, root)
    found = find_above(cwd or Path.cwd())
    if found is not None:
        return Located(found, FOUND, found)
    default = packaged_default()
    if default is None:
        raise UsageError("no nbadq project here or above, and this installation has no packaged default: "
                         "run `nbadq init DIR`, or pass --project DIR")
    return Located(_private_copy(default), DEFAULT, default)


def find_above(start: Path) -> Path | None:
    """The nearest directory at or above `start` that is an nbadq project."""
    start = start.resolve()
    return next((d for d in (start, *start.parents) if is_nbadq_project(d)), None)


def packaged_default() -> Path | None:
    return next((d for d in (PACKAGED, SOURCE_CHECKOUT) if is_nbadq_project(d)), None)


def is_nbadq_project(folder: Path) -> bool:
    try:
        if not (folder / MARKER).is_file():
            return False
        suites = sorted((folder / "expectations").glob("*.json"))
    except OSError:  # an unreadable directory on the way up is not a project
        return False
    return any(_has_rules(path) for path in suites)


def _has_rules(suite: Path) -> bool:
    try:
        doc = json.loads(suite.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    expectations = doc.get("expectations") if isinstance(doc, dict) else None
    return isinstance(expectations, list) and any(
        isinstance(e, dict) and isinstance(e.get("meta"), dict) and "rule" in e["meta"] for e in expectations)


def _checked(path: Path, where: str) -> Path:
    root = path.expanduser().resolve()
    if not (root / MARKER).is_file():
        raise UsageError(f"{where} {str(path)!r}: no {MARKER} there; point it at an nbadq project, "
                         f"or create one with `nbadq init {path}`")
    return root


@lru_cache(maxsize=None)
def _private_copy(source: Path) -> Path:
    """The packaged default copied to a temporary directory GX may write in; removed at exit."""
    copy = Path(tempfile.mkdtemp(prefix="nbadq-project-"))
    atexit.register(shutil.rmtree, copy, True)
    for name in PROJECT_FILES:
        src = source / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name)
    return copy
