"""Which service refills which layer: `[tool.nbadq.fill]` in pyproject.toml, or a TOML file given with --config.

    [tool.nbadq.fill]
    retry_base_seconds = 2.0          # first backoff; doubles per attempt, with jitter
    [tool.nbadq.fill.precompute]
    kind = "phase4"                   # phase4 | phase3 | http
    url_env = "NBADQ_PHASE4_URL"      # the base URL is read from this variable, never written in a file

A --config file holds the same tables, either under [tool.nbadq.fill] or at its top level. Every problem (an
unknown layer, kind or key, a wrong type, a variable that is not set) is a UsageError naming the place to fix.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from nbadq.backfill.layers import FILL_LAYERS
from nbadq.errors import UsageError

KINDS = ("phase4", "phase3", "http")

# Per kind: endpoint path, default URL variable, request timeout (s), service concurrency limit, processors.
# Phase 4 takes 4-5 minutes per date in backfill mode and runs at most 5 instances (contract, section 4).
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "phase4": {"path": "/process-date", "url_env": "NBADQ_PHASE4_URL", "timeout_seconds": 900.0,
               "concurrency": 5, "processors": ()},
    "phase3": {"path": "/process-date-range", "url_env": "NBADQ_PHASE3_URL", "timeout_seconds": 1800.0,
               "concurrency": 2, "processors": ("PlayerGameSummaryProcessor",)},
    "http": {"path": "", "url_env": None, "timeout_seconds": 300.0, "concurrency": 1, "processors": ()},
}
LAYER_KEYS = ("kind", "url_env", "path", "timeout_seconds", "concurrency", "processors", "max_days_per_request",
              "body", "method")
TOP_KEYS = ("retry_base_seconds", "retry_max_seconds", "ledger_dir")
DEFAULT_MAX_DAYS = 10
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Filler:
    """How one layer is refilled."""

    layer: str
    kind: str
    url_env: str
    path: str
    timeout_seconds: float
    concurrency: int
    processors: tuple[str, ...] = ()
    max_days_per_request: int = DEFAULT_MAX_DAYS  # phase3: days per /process-date-range request
    body: Any = None  # http: the JSON body, with "{date}" inside its strings
    method: str = "POST"

    def base_url(self, environ: Mapping[str, str] | None = None) -> str:
        """The service URL from its environment variable; a missing or malformed one is a usage error."""
        environ = os.environ if environ is None else environ
        value = (environ.get(self.url_env) or "").strip()
        if not value:
            raise UsageError(f"{self.url_env} is not set: export the {self.layer} service URL "
                             f"(e.g. {self.url_env}=http://127.0.0.1:8765 for `nbadq serve-local`)")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{self.url_env}={value!r} is not an http(s) URL")
        if parts.username or parts.password or parts.query:
            raise UsageError(f"{self.url_env} must be a plain service URL (no credentials or query string)")
        return value.rstrip("/")


@dataclass(frozen=True)
class FillConfig:
    fillers: dict[str, Filler] = field(default_factory=dict)
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 120.0
    ledger_dir: str = "uncommitted/fills"
    source: str = "pyproject.toml"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_fill_config(path: Path | None = None) -> FillConfig:
    """Read the fill configuration: `path` (--config) when given, else ./pyproject.toml (absent = no fillers)."""
    if path is not None:
        if not path.is_file():
            raise UsageError(f"--config {path}: no such file")
        data = _read_toml(path)
        table = _dig(data, ("tool", "nbadq", "fill"), str(path))
        if table is None and "tool" in data:
            raise UsageError(f"--config {path}: no [tool.nbadq.fill] table (or put the fill tables at the top level)")
        return parse_fill_table(table if table is not None else data, str(path))
    default = Path("pyproject.toml")
    if not default.is_file():
        return FillConfig(source="(no pyproject.toml)")
    table = _dig(_read_toml(default), ("tool", "nbadq", "fill"), str(default))
    return parse_fill_table(table or {}, str(default))


def parse_fill_table(table: Mapping[str, Any], source: str) -> FillConfig:
    where = "[tool.nbadq.fill]" if source.endswith("pyproject.toml") else source
    fillers: dict[str, Filler] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            if key not in FILL_LAYERS:
                raise UsageError(f"{where}: unknown layer {key!r}; layers that can be filled: "
                                 f"{', '.join(FILL_LAYERS)}")
            fillers[key] = _filler(key, value, f"{where}.{key}")
        elif key not in TOP_KEYS:
            raise UsageError(f"{where}: unknown key {key!r}; known keys: {', '.join(TOP_KEYS)} "
                             f"and one table per layer ({', '.join(FILL_LAYERS)})")
    base = _number(table.get("retry_base_seconds", 2.0), f"{where} retry_base_seconds", minimum=0.0)
    cap = _number(table.get("retry_max_seconds", 120.0), f"{where} retry_max_seconds", minimum=0.0)
    ledger_dir = table.get("ledger_dir", "uncommitted/fills")
    if not isinstance(ledger_dir, str) or not ledger_dir:
        raise UsageError(f"{where} ledger_dir must be a directory path (a string)")
    return FillConfig(fillers=fillers, retry_base_seconds=base, retry_max_seconds=cap, ledger_dir=ledger_dir,
                      source=source)


def _filler(layer: str, table: Mapping[str, Any], where: str) -> Filler:
    unknown = sorted(set(table) - set(LAYER_KEYS))
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(LAYER_KEYS)}")
    kind = table.get("kind")
    if kind not in KINDS:
        raise UsageError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    defaults = KIND_DEFAULTS[kind]
    url_env = table.get("url_env", defaults["url_env"])
    if not isinstance(url_env, str) or not _ENV_NAME.match(url_env):
        raise UsageError(f"{where}: url_env must name an environment variable (e.g. NBADQ_GRADING_URL), "
                         f"not {url_env!r}")
    path = table.get("path", defaults["path"])
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise UsageError(f"{where}: path must start with '/', not {path!r}")
    return Filler(
        layer=layer, kind=kind, url_env=url_env, path=path,
        timeout_seconds=_number(table.get("timeout_seconds", defaults["timeout_seconds"]),
                                f"{where} timeout_seconds", minimum=0.001),
        concurrency=_whole(table.get("concurrency", defaults["concurrency"]), f"{where} concurrency"),
        processors=_names(table.get("processors", defaults["processors"]), f"{where} processors"),
        max_days_per_request=_whole(table.get("max_days_per_request", DEFAULT_MAX_DAYS),
                                    f"{where} max_days_per_request"),
        body=_body(kind, table.get("body"), where),
        method=_method(table.get("method", "POST"), where),
    )


def _body(kind: str, body: Any, where: str) -> Any:
    """The http kind's body template: a table, or JSON text; it must mention {date} somewhere."""
    if kind != "http":
        if body is not None:
            raise UsageError(f"{where}: body is only for kind = \"http\" ({kind} bodies are fixed by the contract)")
        return None
    if body is None:
        raise UsageError(f"{where}: kind \"http\" needs a body, e.g. body = {{ game_date = \"{{date}}\" }}")
    if isinstance(body, str):
        import json

        try:
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: body is not JSON ({exc.msg} at column {exc.colno})") from None
    if "{date}" not in repr(body):
        raise UsageError(f"{where}: body must contain {{date}} where the date goes")
    return body


def _method(value: Any, where: str) -> str:
    if value not in ("POST", "PUT"):
        raise UsageError(f"{where}: method must be \"POST\" or \"PUT\", not {value!r}")
    return value


def _number(value: Any, what: str, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise UsageError(f"{what} must be a number >= {minimum:g}, not {value!r}")
    return float(value)


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{what} must be a whole number >= 1, not {value!r}")
    return value


def _names(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{what} must be a list of processor class names")
    return tuple(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None


def _dig(data: dict[str, Any], keys: tuple[str, ...], source: str) -> dict[str, Any] | None:
    for key in keys:
        if key not in data:
            return None
        data = data[key]
        if not isinstance(data, dict):
            raise UsageError(f"{source}: [{'.'.join(keys)}] must be a table")
    return data
