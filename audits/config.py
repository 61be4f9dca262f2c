"""The audit's rules as configuration: `[tool.nbadq.audit]` in the audited project's pyproject, or `--config`.

    [tool.nbadq.audit]
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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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
    """`--config FILE` if given, else the nearest pyproject.toml with [tool.nbadq.audit] above the audited paths."""
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise UsageError(f"--config {config_file}: no such file")
        table = _read(path)
        section = table.get("tool", {}).get("nbadq", {}).get("audit")
        if section is None and ("tool" in table or path.name == "pyproject.toml"):
            raise UsageError(f"--config {config_file}: no [tool.nbadq.audit] table in it")
        # A pyproject-style file uses [tool.nbadq.audit]; a dedicated file may put the keys at its top level.
        return _build(section if section is not None else table, path)
    for directory in _search_dirs(paths):
        candidate = directory / "pyproject.toml"
        if _is_file(candidate):
            section = _read(candidate).get("tool", {}).get("nbadq", {}).get("audit")
            if section is not None:
                return _build(section, candidate)
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


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _build(section: object, path: Path) -> AuditConfig:
    where = f"{path} [tool.nbadq.audit]" if path.name == "pyproject.toml" else str(path)
    if not isinstance(section, dict):
        raise UsageError(f"{where}: expected a table of audit settings")
    unknown = sorted(set(section) - _KNOWN_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KNOWN_KEYS))})")
    rules = _rules(section["rules"], where) if "rules" in section else DEFAULT_RULES
    bases = _names(section["bases"], "bases", where) if "bases" in section else DEFAULT_BASES
    ignore = _strings(section["ignore"], "ignore", where) if "ignore" in section else ()
    return AuditConfig(rules=rules, bases=bases, ignore=ignore, root=path.resolve().parent, source=where)


def _rules(value: object, where: str) -> tuple[Rule, ...]:
    if not isinstance(value, list) or not value:
        raise UsageError(f"{where}: 'rules' must be a non-empty list of {{ method = ..., key = ... }} tables")
    rules = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) != {"method", "key"}:
            raise UsageError(f"{where}: rules[{i}] must be a table with exactly 'method' and 'key'")
        method, key = item["method"], item["key"]
        if not (isinstance(method, str) and method.isidentifier()):
            raise UsageError(f"{where}: rules[{i}].method must be a Python identifier, got {method!r}")
        if not (isinstance(key, str) and key):
            raise UsageError(f"{where}: rules[{i}].key must be a non-empty string, got {key!r}")
        rules.append(Rule(method, key))
    return tuple(dict.fromkeys(rules))


def _names(value: object, name: str, where: str) -> tuple[str, ...]:
    names = _strings(value, name, where)
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        raise UsageError(f"{where}: '{name}' holds class names; {bad[0]!r} is not one")
    return names


def _strings(value: object, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"{where}: '{name}' must be a list of non-empty strings")
    return tuple(dict.fromkeys(value))
