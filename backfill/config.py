"""Which service refills which layer: the `fill` table of the settings file (nbadq.config), or of --config FILE.

    [tool.nbadq.fill]                 # [fill] in nbadq.toml
    retry_base_seconds = 2.0          # first backoff; doubles per attempt, with jitter
    [tool.nbadq.fill.precompute]
    kind = "phase4"                   # phase4 | phase3 | coordinator | grading | http
    url_env = "NBADQ_PHASE4_URL"      # the base URL is read from this variable, never written in a file
    [tool.nbadq.fill.predictions]
    kind = "coordinator"              # /start a batch, poll /status until complete (backfill/coordinator.py)
    api_key_env = "NBADQ_PREDICTIONS_API_KEY"  # optional: X-API-Key from this variable, never from a file

A --config file holds the same tables under [tool.nbadq.fill], [fill] or at its top level. Every problem (an
unknown layer, kind or key, a wrong type, a variable that is not set) is a UsageError naming the place to fix.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from nbadq.config import SettingsFile, bad_value, explicit_file, find_settings
from nbadq.errors import UsageError
from nbadq.layers import FILL_LAYERS

KINDS = ("phase4", "phase3", "coordinator", "grading", "http")

# Per kind: endpoint path, default URL variable, request timeout (s), service concurrency limit, processors.
# Phase 4 takes 4-5 minutes per date in backfill mode and runs at most 5 instances (contract, section 4). The
# coordinator runs one batch at a time (a second /start is a 409), so 1; its timeout is per request (/start, /status),
# the batch itself is bounded by date_timeout_seconds. Grading answers synchronously, one DELETE+INSERT per date.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "phase4": {"path": "/process-date", "url_env": "NBADQ_PHASE4_URL", "timeout_seconds": 900.0,
               "concurrency": 5, "processors": ()},
    "phase3": {"path": "/process-date-range", "url_env": "NBADQ_PHASE3_URL", "timeout_seconds": 1800.0,
               "concurrency": 5, "processors": ()},  # empty = every Phase 3 processor
    "coordinator": {"path": "/start", "url_env": "NBADQ_PREDICTIONS_URL", "timeout_seconds": 60.0,
                    "concurrency": 1, "processors": ()},
    "grading": {"path": "/grade-date", "url_env": "NBADQ_GRADING_URL", "timeout_seconds": 600.0,
                "concurrency": 2, "processors": ()},
    "http": {"path": "", "url_env": None, "timeout_seconds": 300.0, "concurrency": 1, "processors": ()},
}
# The coordinator's polling: the first wait between two /status polls, doubling up to the cap, and the most one date
# may take from its first /start to `complete` (waiting for another batch included) before it counts as failed.
POLL_DEFAULTS = {"status_path": "/status", "poll_interval_seconds": 15.0, "poll_max_seconds": 120.0,
                 "date_timeout_seconds": 3600.0}
LAYER_KEYS = ("kind", "url_env", "path", "timeout_seconds", "concurrency", "processors", "max_days_per_request",
              "body", "method", "api_key_env", *POLL_DEFAULTS)
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
    api_key_env: str | None = None  # the variable holding an X-API-Key for this service (any kind)
    status_path: str = POLL_DEFAULTS["status_path"]  # coordinator only, as the three below
    poll_interval_seconds: float = POLL_DEFAULTS["poll_interval_seconds"]
    poll_max_seconds: float = POLL_DEFAULTS["poll_max_seconds"]
    date_timeout_seconds: float = POLL_DEFAULTS["date_timeout_seconds"]

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

    def api_key(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The X-API-Key from `api_key_env`, if configured; a configured variable that is not set is a usage error.
        The value is never part of a message."""
        if self.api_key_env is None:
            return None
        environ = os.environ if environ is None else environ
        value = (environ.get(self.api_key_env) or "").strip()
        if not value:
            raise UsageError(f"{self.api_key_env} is not set: export the {self.layer} service's API key "
                             f"(api_key_env of the {self.layer} filler), or remove api_key_env to use an identity token")
        return value


@dataclass(frozen=True)
class FillConfig:
    fillers: dict[str, Filler] = field(default_factory=dict)
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 120.0
    ledger_dir: str = "uncommitted/fills"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_fill_config(path: Path | None = None) -> FillConfig:
    """The fill configuration: `path` (--config) when given, else the settings file (absent = no fillers)."""
    if path is not None:
        return parse_fill_table(explicit_file(path, "--config", "fill"))
    settings = find_settings()
    return parse_fill_table(settings.sub("fill") or SettingsFile(settings.path, {}, (*settings.prefix, "fill")))


def parse_fill_table(place: SettingsFile | Mapping[str, Any], source: str = "") -> FillConfig:
    """The fill table at `place`; a bare table is named by `source` (a file name) in messages."""
    if not isinstance(place, SettingsFile):
        place = SettingsFile(Path(source), dict(place))
    fillers: dict[str, Filler] = {}
    for key, value in place.table.items():
        if isinstance(value, dict):
            if key not in FILL_LAYERS:
                raise UsageError(f"{place.where()}: unknown layer {key!r}; layers that can be filled: "
                                 f"{', '.join(FILL_LAYERS)}")
            fillers[key] = _filler(key, place.sub(key))
        elif key not in TOP_KEYS:
            raise UsageError(f"{place.where()}: unknown key {key!r}; known keys: {', '.join(TOP_KEYS)} "
                             f"and one table per layer ({', '.join(FILL_LAYERS)})")
    table = place.table
    base = _number(table.get("retry_base_seconds", 2.0), place.source("retry_base_seconds"), minimum=0.0)
    cap = _number(table.get("retry_max_seconds", 120.0), place.source("retry_max_seconds"), minimum=0.0)
    ledger_dir = table.get("ledger_dir", "uncommitted/fills")
    if not isinstance(ledger_dir, str) or not ledger_dir:
        raise bad_value(place.source("ledger_dir"), "a directory path (a string)", ledger_dir)
    return FillConfig(fillers=fillers, retry_base_seconds=base, retry_max_seconds=cap, ledger_dir=ledger_dir)


def _filler(layer: str, place: SettingsFile) -> Filler:
    table = place.table
    unknown = sorted(set(table) - set(LAYER_KEYS))
    if unknown:
        raise UsageError(f"{place.where()}: unknown key {unknown[0]!r}; known keys: {', '.join(LAYER_KEYS)}")
    kind = table.get("kind")
    if kind not in KINDS:
        raise bad_value(place.source("kind"), f"one of {', '.join(KINDS)}", kind)
    defaults = KIND_DEFAULTS[kind]
    url_env = table.get("url_env", defaults["url_env"])
    if not isinstance(url_env, str) or not _ENV_NAME.match(url_env):
        raise bad_value(place.source("url_env"), "the name of an environment variable (e.g. NBADQ_GRADING_URL)",
                        url_env)
    path = _path(table.get("path", defaults["path"]), place.source("path"))
    return Filler(
        layer=layer, kind=kind, url_env=url_env, path=path,
        timeout_seconds=_number(table.get("timeout_seconds", defaults["timeout_seconds"]),
                                place.source("timeout_seconds"), minimum=0.001),
        concurrency=_whole(table.get("concurrency", defaults["concurrency"]), place.source("concurrency")),
        processors=_names(table.get("processors", defaults["processors"]), place.source("processors")),
        max_days_per_request=_whole(table.get("max_days_per_request", DEFAULT_MAX_DAYS),
                                    place.source("max_days_per_request")),
        body=_body(kind, table.get("body"), place),
        method=_method(table.get("method", "POST"), place.source("method")),
        api_key_env=_env_name_or_none(table.get("api_key_env"), place.source("api_key_env")),
        **_polling(kind, place),
    )


def _polling(kind: str, place: SettingsFile) -> dict[str, Any]:
    """The coordinator's status path and polling times; set for another kind, they would silently do nothing."""
    given = [key for key in POLL_DEFAULTS if key in place.table]
    if kind != "coordinator":
        if given:
            raise UsageError(f"{place.where()}: {given[0]} is only for kind = \"coordinator\" (a {kind} service "
                             "answers when the work is done)")
        return {}
    found: dict[str, Any] = {"status_path": _path(place.table.get("status_path", POLL_DEFAULTS["status_path"]),
                                                  place.source("status_path"))}
    for key in ("poll_interval_seconds", "poll_max_seconds", "date_timeout_seconds"):
        found[key] = _number(place.table.get(key, POLL_DEFAULTS[key]), place.source(key), minimum=0.001)
    return found


def _path(value: Any, source: str) -> str:
    if not isinstance(value, str) or (value and not value.startswith("/")):
        raise bad_value(source, "a path starting with '/'", value)
    return value


def _env_name_or_none(value: Any, source: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise bad_value(source, "the name of an environment variable holding the key (never the key itself)",
                        "<hidden>" if isinstance(value, str) else value)
    return value


def _body(kind: str, body: Any, place: SettingsFile) -> Any:
    """The http kind's body template: a table, or JSON text; it must mention {date} somewhere."""
    if kind != "http":
        if body is not None:
            raise UsageError(f"{place.where()}: body is only for kind = \"http\" ({kind} bodies are fixed by the "
                             "contract)")
        return None
    if body is None:
        raise UsageError(f"{place.where()}: kind \"http\" needs a body, e.g. body = {{ game_date = \"{{date}}\" }}")
    if isinstance(body, str):
        import json

        try:
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            raise bad_value(place.source("body"), f"a table or JSON text ({exc.msg} at column {exc.colno})",
                            body) from None
    if "{date}" not in repr(body):
        raise bad_value(place.source("body"), "a template with {date} where the date goes", body)
    return body


def _method(value: Any, source: str) -> str:
    if value not in ("POST", "PUT"):
        raise bad_value(source, '"POST" or "PUT"', value)
    return value


def _number(value: Any, source: str, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise bad_value(source, f"a number >= {minimum:g}", value)
    return float(value)


def _whole(value: Any, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise bad_value(source, "a whole number >= 1", value)
    return value


def _names(value: Any, source: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise bad_value(source, "a list of processor class names", value)
    return tuple(value)
