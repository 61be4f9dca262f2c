"""Settings, resolved in one place for every command: command-line flag, then environment, then file, then default.

The settings file is read from the working directory, even when the GX project was found above it: the defaults
it overrides (`./warehouse`, `uncommitted/fills`) and nbadq's relative paths are relative to the working directory,
so a file read from elsewhere would make `warehouse = "warehouse"` name another place. (The audit alone looks at or
above the paths it audits: see nbadq/audits/config.py.)

    nbadq.toml       nbadq's own file: its top level is the settings table (`warehouse = ...`, `[fill]`, `[audit]`)
    pyproject.toml   the same keys under `[tool.nbadq]` (`[tool.nbadq.fill]`, `[tool.nbadq.audit]`)

A directory holds nbadq's settings in one of them, never both: finding both is exit 2 naming the two files, since
quietly ignoring either could drop a setting a team relies on (a BigQuery bytes cap). A pyproject.toml without
`[tool.nbadq]` beside nbadq.toml is the usual case and is fine. `fill --config FILE` and `audit --config FILE`
replace the file for their own table (see `explicit_file`).

Every bad value is a UsageError in one format, naming where the value came from so the message says what to edit:
`NBADQ_MAXIMUM_BYTES_BILLED must be ...`, `maximum_bytes_billed in [tool.nbadq] of pyproject.toml must be ...`,
`concurrency in [fill.precompute] of nbadq.toml must be ...`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbadq.errors import UsageError

DEFAULT_WAREHOUSE = "./warehouse"
ENV_WAREHOUSE = "NBADQ_WAREHOUSE"
ENV_MAX_BYTES = "NBADQ_MAXIMUM_BYTES_BILLED"
ENV_PROJECT_ROOT = "NBADQ_PROJECT_ROOT"
NBADQ_TOML = "nbadq.toml"
PYPROJECT = "pyproject.toml"
SETTINGS_FILES = (NBADQ_TOML, PYPROJECT)


def project_root() -> Path:
    """The GX project a run uses: --project, NBADQ_PROJECT_ROOT, the nearest nbadq project at or above the working
    directory, else the packaged default (see nbadq.project_files)."""
    from nbadq.project_files import locate

    return locate().root


@dataclass(frozen=True)
class SettingsFile:
    """nbadq's settings table as read from one file (an empty table when there is none)."""

    path: Path | None = None
    table: dict[str, Any] = field(default_factory=dict)
    prefix: tuple[str, ...] = ()  # ("tool", "nbadq") in a pyproject.toml; () in nbadq.toml and --config files

    def where(self, *keys: str) -> str:
        """Where a table sits, for messages: '[tool.nbadq.fill] of pyproject.toml', '[fill] of nbadq.toml'."""
        if self.path is None:
            return "(no settings file)"
        dotted = ".".join((*self.prefix, *keys))
        return f"[{dotted}] of {self.path}" if dotted else str(self.path)

    def source(self, key: str, *keys: str) -> str:
        """A value's source, for messages: 'maximum_bytes_billed in [tool.nbadq] of pyproject.toml'."""
        return f"{key} in {self.where(*keys)}"

    def section(self, *keys: str) -> dict[str, Any] | None:
        """The table at `keys` below the settings table; None when absent, a UsageError when not a table."""
        data = self.table
        for depth, key in enumerate(keys):
            if key not in data:
                return None
            data = data[key]
            if not isinstance(data, dict):
                raise bad_value(self.source(key, *keys[:depth]), "a table", data)
        return data

    def sub(self, *keys: str) -> SettingsFile | None:
        """The table at `keys` as a SettingsFile of its own, whose messages still name its full place."""
        table = self.section(*keys)
        return None if table is None else SettingsFile(self.path, table, (*self.prefix, *keys))


def bad_value(source: str, expected: str, value: Any) -> UsageError:
    """The one format of a bad setting: '<source> must be <expected>, not <value>'."""
    return UsageError(f"{source} must be {expected}, not {value!r}")


@dataclass(frozen=True)
class Settings:
    warehouse: str = DEFAULT_WAREHOUSE
    maximum_bytes_billed: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    file: SettingsFile = field(default_factory=SettingsFile)


def read_toml(path: Path) -> dict[str, Any] | None:
    """A TOML document; None when the file does not exist. Unreadable or malformed: a UsageError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not valid TOML (not UTF-8 text)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None


def find_settings(directory: Path | None = None) -> SettingsFile:
    """The settings file of `directory` (default: the working directory): nbadq.toml or [tool.nbadq]."""
    directory = directory or Path()
    own, pyproject = directory / NBADQ_TOML, directory / PYPROJECT
    own_doc, pyproject_doc = read_toml(own), read_toml(pyproject)
    tool = SettingsFile(pyproject, pyproject_doc).section("tool", "nbadq") if pyproject_doc else None
    if own_doc is not None and tool is not None:
        raise UsageError(f"nbadq settings in both {own} and [tool.nbadq] of {pyproject}: keep them in one file")
    if own_doc is not None:
        return SettingsFile(own, own_doc)
    if tool is not None:
        return SettingsFile(pyproject, tool, ("tool", "nbadq"))
    return SettingsFile()


def explicit_file(path: Path, option: str, name: str) -> SettingsFile:
    """The `name` table (fill, audit) of a file given as `--config FILE`.

    Any settings file works: `[tool.nbadq.<name>]` of a pyproject-style file (one with `[tool]`), `[<name>]` of an
    nbadq.toml; any other file holds the table at its top level."""
    doc = read_toml(path)
    if doc is None:
        raise UsageError(f"{option} {path}: no such file")
    if "tool" in doc or path.name == PYPROJECT:
        file = SettingsFile(path, doc).sub("tool", "nbadq") or SettingsFile(path, {}, ("tool", "nbadq"))
    elif name in doc or path.name == NBADQ_TOML:
        file = SettingsFile(path, doc)
    else:
        return SettingsFile(path, doc)
    found = file.sub(name)
    if found is None:
        raise UsageError(f"{option} {path}: no [{'.'.join((*file.prefix, name))}] table in it")
    return found


def _setting(flag: Any, flag_name: str, env: str, file: SettingsFile, key: str) -> tuple[Any, str]:
    """One setting's value (None when unset everywhere) and where it came from: flag > environment > file."""
    if flag not in (None, ""):
        return flag, flag_name
    if os.environ.get(env):  # an empty variable is an unset one, as a shell's `VAR=` means
        return os.environ[env], env
    return file.table.get(key), file.source(key)


def _warehouse(value: Any, source: str) -> str:
    if value is None:
        return DEFAULT_WAREHOUSE
    if not isinstance(value, str) or not value.strip():
        raise bad_value(source, "a local directory or bigquery://PROJECT", value)
    return value


def _bytes(value: Any, source: str) -> int | None:
    """A byte count, or None when unset (an empty string included)."""
    if value in (None, ""):
        return None
    # TOML gives true/1.5 as bool/float: int() would quietly turn them into 1.
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str):
        try:
            number = int(value)
        except ValueError:
            pass
    if number is None or number < 0:
        raise bad_value(source, "a whole number of bytes", value)
    return number


def _labels(file: SettingsFile) -> dict[str, str]:
    """BigQuery job labels: text or whole numbers (`version = 2`); anything else would label jobs with a repr."""
    labels = file.section("labels") or {}
    for key, value in labels.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise bad_value(file.source(key, "labels"), "a string", value)
    return {key: str(value) for key, value in labels.items()}


def load_settings(warehouse: str | None = None, directory: Path | None = None) -> Settings:
    """The run's settings: `warehouse` is the --warehouse flag; the file is read from `directory` (default: cwd)."""
    file = find_settings(directory)
    return Settings(
        warehouse=_warehouse(*_setting(warehouse, "--warehouse", ENV_WAREHOUSE, file, "warehouse")),
        maximum_bytes_billed=_bytes(*_setting(None, "", ENV_MAX_BYTES, file, "maximum_bytes_billed")),
        labels=_labels(file),
        file=file,
    )
