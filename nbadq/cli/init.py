"""`nbadq init [DIR]`: write an nbadq project into a platform repository, for people to edit and review.

It writes the default GX project (great_expectations.yml, expectations/, checkpoints/, validation_definitions/),
`uncommitted/.gitignore` (GX's validation results and Data Docs land there and stay out of git), and the
`[tool.nbadq]` tables: appended to DIR/pyproject.toml when it exists, else in a new DIR/pyproject.toml, the file
every nbadq command reads its settings from. It refuses (exit 2, nothing written) when any of that exists already.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from nbadq.files import check_output, write_text_atomic
from nbadq.project_files import PROJECT_FILES, packaged_default

PYPROJECT = "pyproject.toml"
IGNORED = "uncommitted"

# The team's defaults, meant to be edited. Mirrors the README; a test loads it with fill's and audit's own readers.
TOOL_NBADQ = """\
# nbadq (written by `nbadq init`). Team-wide defaults: environment variables override them per run, flags
# override both. See nbadq's README, "Configuration".
[tool.nbadq]
# warehouse = "bigquery://PROJECT"      # or NBADQ_WAREHOUSE; default ./warehouse (a local directory)
# maximum_bytes_billed = 10000000000    # or NBADQ_MAXIMUM_BYTES_BILLED: a hard cap on every BigQuery query

# [tool.nbadq.labels]                   # BigQuery job labels
# team = "data-quality"

# nbadq fill: which service refills which layer. URLs come from the environment, never from this file.
[tool.nbadq.fill]
retry_base_seconds = 2.0

[tool.nbadq.fill.analytics]
kind = "phase3"
url_env = "NBADQ_PHASE3_URL"
max_days_per_request = 10

[tool.nbadq.fill.precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
timeout_seconds = 900
concurrency = 5

# nbadq audit: every exit of these overrides must set the row-count stat (these are the defaults).
[tool.nbadq.audit]
rules = [
  { method = "save_data", key = "rows_inserted" },
  { method = "save_analytics", key = "rows_processed" },
  { method = "save_precompute", key = "rows_processed" },
]
bases = ["ProcessorBase", "AnalyticsProcessorBase", "PrecomputeProcessorBase"]
ignore = ["tests/fixtures", "*_pb2.py"]
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="where to write the project (default: the working directory; created if absent)")


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    source = packaged_default()
    if source is None:
        raise UsageError("this installation has no packaged default project to copy; reinstall nbadq")
    pyproject_text = _checked_target(target)
    created = _write_project(source, target)
    try:
        _write_config(target / PYPROJECT, pyproject_text)
    except BaseException:
        _remove(created)
        raise
    _say(target, appended=pyproject_text is not None)
    return ExitCode.OK


def _checked_target(target: Path) -> str | None:
    """Everything that could stop init, checked before anything is written; the existing pyproject text, if any."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    if not target.exists() and not target.parent.is_dir():
        raise UsageError(f"{target}: its parent directory does not exist; create it first")
    existing = [name for name in (*PROJECT_FILES, IGNORED) if os.path.lexists(target / name)]
    if existing:
        raise UsageError(f"{target} already holds {', '.join(existing)}: nbadq init never overwrites; "
                         "remove them or choose another directory")
    if not os.access(target if target.exists() else target.parent, os.W_OK | os.X_OK):
        raise UsageError(f"{target}: not writable; choose a directory you can write")
    pyproject = target / PYPROJECT
    if not pyproject.exists():
        return None
    check_output(pyproject, PYPROJECT)
    text = _read(pyproject)
    if "nbadq" in _toml(text, pyproject, "not valid TOML").get("tool", {}):
        raise UsageError(f"{pyproject}: already has [tool.nbadq]; nbadq init never overwrites")
    _toml(_appended(text), pyproject, "cannot take [tool.nbadq]")  # e.g. an inline `tool = {...}` table
    return text


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None


def _toml(text: str, path: Path, problem: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {problem} ({exc}); fix the file first") from None


def _appended(existing: str) -> str:
    return existing + ("\n" if existing and not existing.endswith("\n") else "") + "\n" + TOOL_NBADQ


def _write_project(source: Path, target: Path) -> list[Path]:
    """Build the project in a staging folder inside `target`, then rename each part into place; on any failure,
    remove what this run created, so init leaves all or nothing. Returns what it created (target first, if new)."""
    created = [] if target.exists() else [target]
    try:
        target.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".nbadq-init-", dir=target))
        try:
            _build(source, staging)
            for name in (*PROJECT_FILES, IGNORED):
                os.rename(staging / name, target / name)
                created.append(target / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException as exc:
        _remove(created)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write the project into {target}: {exc.strerror or exc}") from None
        raise
    return created


def _build(source: Path, staging: Path) -> None:
    for name in PROJECT_FILES:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, staging / name, ignore=_only_json)
        else:
            shutil.copyfile(src, staging / name)
    (staging / IGNORED).mkdir()
    # `*` also ignores this file itself, so git sees nothing under uncommitted/.
    (staging / IGNORED / ".gitignore").write_text("# GX validation results and Data Docs (nbadq init)\n*\n")


def _remove(created: list[Path]) -> None:
    """Undo this run's writes, newest first (the target directory, if this run made it, last)."""
    for path in reversed(created):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _only_json(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".json") and not (Path(folder) / n).is_dir()]


def _write_config(pyproject: Path, existing: str | None) -> None:
    if existing is None:
        write_text_atomic(pyproject, TOOL_NBADQ)
        return
    mode = pyproject.stat().st_mode & 0o7777
    write_text_atomic(pyproject, _appended(existing))
    os.chmod(pyproject, mode)  # the atomic writer creates 0644; the file keeps the mode it had


def _say(target: Path, appended: bool) -> None:
    suites = sorted(p.stem for p in (target / "expectations").glob("*.json"))
    checkpoints = sorted(p.stem for p in (target / "checkpoints").glob("*.json"))
    print(f"nbadq project written to {target.resolve()}")
    print(f"  great_expectations.yml, expectations/ ({len(suites)} suites: {', '.join(suites)}),")
    print(f"  checkpoints/ ({', '.join(checkpoints)}), validation_definitions/, {IGNORED}/.gitignore")
    print(f"  [tool.nbadq] {'appended to' if appended else 'written in a new'} {PYPROJECT}")
    print("next: review and commit them; edit rules in expectations/*.json; check the setup with `nbadq doctor`")
