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
    """The GX project (great_expectations.yml beside expectations/): the repository root unless overridden."""
    env = os.environ.get(ENV_PROJECT_ROOT)
    root = Path(env) if env else Path(__file__).resolve().parent.parent
    if not (root / "great_expectations.yml").is_file():
        raise UsageError(f"no great_expectations.yml in {str(root)!r}: set {ENV_PROJECT_ROOT} to the nbadq project")
    return root


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
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a whole number of bytes, not {value!r}") from None


def load_settings(warehouse: str | None = None, pyproject: Path | None = None) -> Settings:
    table = read_pyproject_table(pyproject or Path("pyproject.toml"), "tool", "nbadq")
    chosen = warehouse or os.environ.get(ENV_WAREHOUSE) or table.get("warehouse") or DEFAULT_WAREHOUSE
    max_bytes = os.environ.get(ENV_MAX_BYTES) or table.get("maximum_bytes_billed")
    labels = table.get("labels", {})
    if not isinstance(labels, dict):
        raise UsageError("[tool.nbadq] labels must be a table of strings")
    return Settings(
        warehouse=str(chosen),
        maximum_bytes_billed=_int_or_none(max_bytes, ENV_MAX_BYTES),
        labels={str(k): str(v) for k, v in labels.items()},
        raw=table,
    )
