"""`nbadq doctor`: which project, warehouse and services a run from here would use, and what is missing.

It reads and connects; it writes nothing. Exit 0 when a validate run could start; exit 2 (one line on stderr
naming each thing to fix) when something it needs is missing: a loadable project, a reachable warehouse holding
every table the rules read (and, on BigQuery, nbadq's calendar). Fill services and Slack are reported, not
required: only `nbadq fill` needs the services, and it says so itself.
"""

from __future__ import annotations

import argparse
import os
import platform
from importlib import metadata
from typing import TYPE_CHECKING

from nbadq import __version__
from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from nbadq.project_files import DEFAULT, ENV, FLAG, FOUND, locate

if TYPE_CHECKING:
    from nbadq.rules.project import Project

SOURCES = {FLAG: "from --project", ENV: "from NBADQ_PROJECT_ROOT", FOUND: "found at or above the working directory",
           DEFAULT: "the packaged default, read-only: results and Data Docs are not kept; `nbadq init` makes your own"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", help="local warehouse directory or bigquery://PROJECT (default: as validate)")


def run(args: argparse.Namespace) -> int:
    missing: list[str] = []
    print(f"nbadq      {__version__} (Great Expectations {_version('great_expectations')}, "
          f"Python {platform.python_version()})")
    project = _project(missing)
    _settings_file()
    _warehouse(args.warehouse, project, missing)
    _services()
    if missing:
        print("missing    " + "\n           ".join(missing))
        raise UsageError("missing: " + "; ".join(missing))
    print("missing    nothing: `nbadq validate` can run")
    return ExitCode.OK


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _project(missing: list[str]) -> Project | None:
    from nbadq.rules.project import load_project

    try:
        located = locate()
        project = load_project(located.root)
    except UsageError as exc:
        print(f"project    ERROR {exc}")
        missing.append(f"project: {exc}")
        return None
    rules = project.rules()
    print(f"project    {located.origin} ({SOURCES[located.source]})")
    print(f"           {len(rules)} rules in {len(project.layers)} suites; checkpoints "
          f"{', '.join(sorted(project.checkpoints))}")
    return project


def _settings_file() -> None:
    from nbadq.config import find_settings

    found = find_settings()
    if found.path is None:
        shown = "none (./nbadq.toml, or [tool.nbadq] in ./pyproject.toml): defaults"
    else:
        shown = f"{found.path.resolve()}" + (f" [{'.'.join(found.prefix)}]" if found.prefix else "")
    print(f"settings   {shown}")


def _warehouse(flag: str | None, project: Project | None, missing: list[str]) -> None:
    from nbadq.config import load_settings
    from nbadq.schema import GAME_DATES
    from nbadq.validation import preflight
    from nbadq.warehouse import open_warehouse

    try:
        wh = open_warehouse(load_settings(flag))
    except UsageError as exc:
        print(f"warehouse  ERROR {exc}")
        missing.append(f"warehouse: {exc}")
        return
    try:
        if project is not None:
            preflight(wh, project, tuple(project.layers))
        if wh.kind == "bigquery" and wh.missing_tables([GAME_DATES]):
            raise UsageError(f"{wh.label} lacks nbadq's calendar {GAME_DATES.qualified}: run "
                             f"`nbadq calendar --warehouse {wh.label}`")
    except Exception as exc:  # any failure to reach or read the warehouse is the finding itself
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        print(f"warehouse  {wh.label}: NOT READY: {text}")
        missing.append(f"warehouse: {text}")
        return
    print(f"warehouse  {wh.label}: reachable; every table the rules read is there")


def _services() -> None:
    from nbadq.backfill.config import load_fill_config
    from nbadq.layers import FILL_LAYERS

    try:
        config = load_fill_config()
    except UsageError as exc:  # fill would stop on it, validate would not: reported, not required
        print(f"services   ERROR {exc} (nbadq fill cannot run until it is fixed)")
        return
    for i, layer in enumerate(FILL_LAYERS):
        filler = config.fillers.get(layer)
        if filler is None:
            state = "no filler configured (failing dates are reported, not refilled)"
        else:
            is_set = bool(os.environ.get(filler.url_env, "").strip())
            state = f"{filler.kind} via {filler.url_env}: {'set' if is_set else 'NOT SET (nbadq fill needs it)'}"
        print(f"{'services' if i == 0 else '':<11}{layer:<12}{state}")
    webhook = "set" if os.environ.get("NBADQ_SLACK_WEBHOOK", "").strip() else "not set (nightly failures post nothing)"
    print(f"slack      NBADQ_SLACK_WEBHOOK {webhook}")
