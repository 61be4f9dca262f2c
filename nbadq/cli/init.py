"""`nbadq init [DIR]`: write an nbadq project into a platform repository, for people to edit and review.

It writes the default GX project (great_expectations.yml, expectations/, checkpoints/, validation_definitions/),
`uncommitted/.gitignore` (GX's validation results and Data Docs land there and stay out of git), and the settings
(see nbadq.config): the `[tool.nbadq]` tables appended to DIR/pyproject.toml when it exists, else in a new one; or,
with `--settings nbadq.toml`, the same tables in a new DIR/nbadq.toml. It refuses (exit 2, nothing written) when any
of that exists already, or when the directory would end up with settings in both files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

from nbadq.config import NBADQ_TOML, PYPROJECT
from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from nbadq.files import check_output, write_text_atomic
from nbadq.project_files import PROJECT_FILES, packaged_default

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

[tool.nbadq.fill.predictions]
kind = "coordinator"                    # POST /start, then GET /status?batch_id=... until complete
url_env = "NBADQ_PREDICTIONS_URL"
concurrency = 1                         # the coordinator runs one batch at a time
# api_key_env = "NBADQ_PREDICTIONS_API_KEY"   # send X-API-Key from this variable instead of a Google token

[tool.nbadq.fill.grading]
kind = "grading"                        # POST /grade-date?date=YYYY-MM-DD, synchronous
url_env = "NBADQ_GRADING_URL"

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
# nbadq.toml holds the same tables at its top level: [tool.nbadq.fill] becomes [fill].
NBADQ_TOML_TEXT = TOOL_NBADQ.replace("[tool.nbadq]\n", "").replace("[tool.nbadq.", "[")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="where to write the project (default: the working directory; created if absent)")
    parser.add_argument("--settings", choices=(PYPROJECT, NBADQ_TOML), default=PYPROJECT,
                        help="where the settings go: [tool.nbadq] in DIR/pyproject.toml (default) or a new "
                             "DIR/nbadq.toml")


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    source = packaged_default()
    if source is None:
        raise UsageError("this installation has no packaged default project to copy; reinstall nbadq")
    pyproject_text = _checked_target(target, args.settings)
    created = _write_project(source, target)
    try:
        if args.settings == NBADQ_TOML:
            write_text_atomic(target / NBADQ_TOML, NBADQ_TOML_TEXT)  # a failed write leaves no file behind
        else:
            _write_config(target / PYPROJECT, pyproject_text)
    except BaseException:
        _remove(created)
        raise
    _say(target, args.settings, appended=args.settings == PYPROJECT and pyproject_text is not None)
    return ExitCode.OK


def _checked_target(target: Path, settings: str) -> str | None:
    """Everything that could stop init, checked before anything is written; the existing pyproject text, if any."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    if not target.exists() and not target.parent.is_dir():
        raise UsageError(f"{target}: its parent directory does not exist; create it first")
    existing = [name for name in (*PROJECT_FILES, IGNORED, NBADQ_TOML) if os.path.lexists(target / name)]
    if existing:
        raise UsageError(f"{target} already holds {', '.join(existing)}: nbadq init never overwrites; "
                         "remove them or choose another directory")
    if not os.access(target if target.exists() else target.parent, os.W_OK | os.X_OK):
        raise UsageError(f"{target}: not writable; choose a directory you can write")
    return _checked_pyproject(target / PYPROJECT, settings)


def _checked_pyproject(pyproject: Path, settings: str) -> str | None:
    """The existing pyproject text (None when there is none), once it is known to take the settings."""
    if not pyproject.exists():
        return None
    if settings == PYPROJECT:
        check_output(pyproject, PYPROJECT)  # before reading: a FIFO would block the read
    text = _read(pyproject)
    # Even beside a new nbadq.toml: a directory with settings in both files is refused by every command.
    if "nbadq" in _toml(text, pyproject, "not valid TOML").get("tool", {}):
        raise UsageError(f"{pyproject}: already has [tool.nbadq]; nbadq init never overwrites")
    if settings == PYPROJECT:
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


def _say(target: Path, settings: str, appended: bool) -> None:
    suites = sorted(p.stem for p in (target / "expectations").glob("*.json"))
    checkpoints = sorted(p.stem for p in (target / "checkpoints").glob("*.json"))
    print(f"nbadq project written to {target.resolve()}")
    print(f"  great_expectations.yml, expectations/ ({len(suites)} suites: {', '.join(suites)}),")
    print(f"  checkpoints/ ({', '.join(checkpoints)}), validation_definitions/, {IGNORED}/.gitignore")
    if settings == NBADQ_TOML:
        print(f"  settings written in a new {NBADQ_TOML}")
    else:
        print(f"  [tool.nbadq] {'appended to' if appended else 'written in a new'} {PYPROJECT}")
    print("next: review and commit them; edit rules in expectations/*.json; check the setup with `nbadq doctor`")
