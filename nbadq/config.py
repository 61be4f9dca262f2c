"""Typed settings, resolved in one place: command-line flag, then environment, then pyproject, then default.

`[tool.nbadq]` in the project's pyproject.toml holds team-wide settings; environment variables override them per
run (CI, a laptop, a nightly job); flags override both.
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


def project_root() -> Path:
    """The GX project a run uses: --project, NBADQ_PROJECT_ROOT, the nearest nbadq project at or above the working
    directory, else the packaged default (see nbadq.project_files)."""
    from nbadq.project_files import locate

    return locate().root


@dataclass(frozen=True)
class Settings:
    warehouse: str = DEFAULT_WAREHOUSE
    maximum_bytes_billed: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # the whole [tool.nbadq] table, for other parts


def read_pyproject_table(path: Path, *keys: str) -> dict[str, Any]:
    """`[tool.nbadq...]` from a TOML file; a malformed file is a usage error naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    for key in keys:
        data = data.get(key, {})
        if not isinstance(data, dict):
            raise UsageError(f"{path}: [{'.'.join(keys)}] must be a table")
    return data


def _int_or_none(value: Any, what: str) -> int | None:
    """A byte count, or None when unset. `what` says where the value came from, so the message names what to edit."""
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
        raise UsageError(f"{what} must be a whole number of bytes, not {value!r}")
    return number


def load_settings(warehouse: str | None = None, pyproject: Path | None = None) -> Settings:
    pyproject = pyproject or Path("pyproject.toml")
    table = read_pyproject_table(pyproject, "tool", "nbadq")
    chosen = warehouse or os.environ.get(ENV_WAREHOUSE) or table.get("warehouse") or DEFAULT_WAREHOUSE
    max_bytes, max_bytes_from = os.environ.get(ENV_MAX_BYTES), ENV_MAX_BYTES
    if not max_bytes:  # the message must name where a bad value came from: the variable or the file
        max_bytes = table.get("maximum_bytes_billed")
        max_bytes_from = f"maximum_bytes_billed in [tool.nbadq] of {pyproject}"
    labels = table.get("labels", {})
    if not isinstance(labels, dict):
        raise UsageError("[tool.nbadq] labels must be a table of strings")
    return Settings(
        warehouse=str(chosen),
        maximum_bytes_billed=_int_or_none(max_bytes, max_bytes_from),
        labels={str(k): str(v) for k, v in labels.items()},
        raw=table,
    )
