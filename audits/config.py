"""The audit's rules as configuration: the `audit` table of the audited project's settings file, or `--config`.

    [tool.nbadq.audit]                  # [audit] in nbadq.toml
    rules = [
      { method = "save_data", key = "rows_inserted" },
      { method = "save_analytics", key = "rows_processed" },
    ]
    bases = ["ProcessorBase", "AnalyticsProcessorBase"]
    ignore = ["legacy", "tests/fixtures/*"]

Each key replaces its default. Unknown keys are errors: a misspelt `base = [...]` that silently audited nothing
would pass every deploy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbadq.config import SETTINGS_FILES, SettingsFile, bad_value, explicit_file, find_settings
from nbadq.errors import UsageError


@dataclass(frozen=True)
class Rule:
    """Overrides of `method` must set `self.stats[key]` on every exit."""

    method: str
    key: str


DEFAULT_RULES = (
    Rule("save_data", "rows_inserted"),
    Rule("save_analytics", "rows_processed"),
    Rule("save_precompute", "rows_processed"),
)
DEFAULT_BASES = ("ProcessorBase", "AnalyticsProcessorBase", "PrecomputeProcessorBase")
_KNOWN_KEYS = {"rules", "bases", "ignore"}


@dataclass(frozen=True)
class AuditConfig:
    rules: tuple[Rule, ...] = DEFAULT_RULES
    bases: tuple[str, ...] = DEFAULT_BASES
    ignore: tuple[str, ...] = ()
    # Ignore patterns are relative to this directory: the one holding the config file, else the working directory.
    root: Path = field(default_factory=Path.cwd)
    source: str | None = None  # where the configuration came from, for messages

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.method for rule in self.rules))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.key for rule in self.rules))

    def keys_for(self, method: str) -> tuple[str, ...]:
        return tuple(rule.key for rule in self.rules if rule.method == method)


def load_config(config_file: str | None, paths: list[str]) -> AuditConfig:
    """`--config FILE` if given, else the nearest settings file with an audit table above the audited paths.

    The search starts at the audited paths, not the working directory: a pre-commit hook or CI step may audit
    another checkout, whose own settings apply."""
    if config_file is not None:
        return _build(explicit_file(Path(config_file), "--config", "audit"))
    for directory in _search_dirs(paths):
        if any(_is_file(directory / name) for name in SETTINGS_FILES):
            place = find_settings(directory).sub("audit")
            if place is not None:
                return _build(place)
    return AuditConfig()


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False  # in a folder that cannot be searched: the audit reports that folder as unreadable


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _search_dirs(paths: list[str]) -> list[Path]:
    """The common directory of the audited paths and its parents, nearest first (like ruff and black)."""
    resolved = [Path(p).resolve() for p in paths] or [Path.cwd()]
    dirs = [p if _is_dir(p) else p.parent for p in resolved]
    common = dirs[0]
    for d in dirs[1:]:
        while common != d and common not in d.parents:
            common = common.parent
    return [common, *common.parents]


def _build(place: SettingsFile) -> AuditConfig:
    section, where = place.table, place.where()
    unknown = sorted(set(section) - _KNOWN_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    rules = _rules(section["rules"], place) if "rules" in section else DEFAULT_RULES
    bases = _names(section["bases"], place.source("bases")) if "bases" in section else DEFAULT_BASES
    ignore = _strings(section["ignore"], place.source("ignore")) if "ignore" in section else ()
    root = Path(str(place.path)).resolve().parent  # an audit table always comes from a file
    return AuditConfig(rules=rules, bases=bases, ignore=ignore, root=root, source=where)


def _rules(value: object, place: SettingsFile) -> tuple[Rule, ...]:
    if not isinstance(value, list) or not value:
        raise bad_value(place.source("rules"), "a non-empty list of { method = ..., key = ... } tables", value)
    rules = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"method", "key"}:
            raise bad_value(place.source(f"rules[{i}]"), "a table with exactly 'method' and 'key'", item)
        method, key = item["method"], item["key"]
        if not (isinstance(method, str) and method.isidentifier()):
            raise bad_value(place.source(f"rules[{i}].method"), "a Python identifier", method)
        if not (isinstance(key, str) and key):
            raise bad_value(place.source(f"rules[{i}].key"), "a non-empty string", key)
        rules.append(Rule(method, key))
    return tuple(dict.fromkeys(rules))


def _names(value: object, source: str) -> tuple[str, ...]:
    names = _strings(value, source)
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        raise bad_value(source, "a list of class names", bad[0])
    return names


def _strings(value: object, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise bad_value(source, "a list of non-empty strings", value)
    return tuple(dict.fromkeys(value))
