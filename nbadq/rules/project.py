"""Reading the GX project on disk without importing Great Expectations (which costs seconds).

Suites (expectations/*.json), validation definitions, checkpoints and the query assets of
great_expectations.yml become plain data: which layers a checkpoint covers, each layer's batch query, and each
expectation's rule metadata.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nbadq.errors import UsageError
from nbadq.rules.spec import RuleMeta, parse_meta

_TABLE_NAME = re.compile(r"\b(nba_[a-z_]+\.[a-z0-9_]+)\b")


@dataclass(frozen=True)
class Expectation:
    id: str
    layer: str
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    spec: RuleMeta

    @property
    def rule(self) -> str:
        return self.spec.rule

    @property
    def severity(self) -> str:
        return self.spec.severity

    @property
    def query(self) -> str | None:
        return self.kwargs.get("unexpected_rows_query")

    @property
    def dated(self) -> bool:
        """True when the rule's query returns one row per failing date (column failing_date)."""
        return self.spec.dates and self.query is not None

    @property
    def remediation(self) -> str | None:
        return self.spec.remediation

    def tables(self) -> set[str]:
        """Dataset-qualified tables the rule's SQL reads (besides its batch)."""
        text = " ".join(str(v) for k, v in self.meta.items() if k == "metric_query") + " " + (self.query or "")
        return set(_TABLE_NAME.findall(text))


@dataclass(frozen=True)
class Layer:
    name: str
    suite: str
    batch_query: str
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True)
class Project:
    root: Path
    layers: dict[str, Layer]
    checkpoints: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def checkpoint_layers(self, name: str) -> tuple[str, ...]:
        if name not in self.checkpoints:
            known = ", ".join(sorted(self.checkpoints))
            raise UsageError(f"unknown checkpoint {name!r}: choose one of {known}")
        return self.checkpoints[name]

    def tables(self, layers: tuple[str, ...]) -> set[str]:
        """Every table the given layers' batches and rules read."""
        found: set[str] = set()
        for name in layers:
            found |= set(_TABLE_NAME.findall(self.layers[name].batch_query))
            for e in self.layers[name].expectations:
                found |= e.tables()
        return found

    def rules(self, layers: tuple[str, ...] | None = None) -> list[Expectation]:
        names = layers or tuple(self.layers)
        return [e for n in names for e in self.layers[n].expectations]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read GX project file ({exc})") from None


def _assets(root: Path) -> dict[str, str]:
    from ruamel.yaml import YAML

    try:
        config = YAML(typ="safe").load((root / "great_expectations.yml").read_text(encoding="utf-8"))
        assets = config["fluent_datasources"]["warehouse"]["assets"]
    except Exception as exc:
        raise UsageError(f"{root / 'great_expectations.yml'}: no warehouse data source assets ({exc})") from None
    return {name: " ".join(str(a["query"]).split()) for name, a in assets.items()}


def _layer(root: Path, vd: dict[str, Any], assets: dict[str, str]) -> Layer:
    path = root / "expectations" / f"{vd['suite']['name']}.json"
    suite_doc = _read_json(path)
    name = suite_doc.get("meta", {}).get("layer", suite_doc["name"])
    expectations = tuple(_expectation(path, name, i, e) for i, e in enumerate(suite_doc["expectations"]))
    return Layer(name, suite_doc["name"], assets[vd["data"]["asset"]["name"]], expectations)


def _expectation(path: Path, layer: str, index: int, doc: dict[str, Any]) -> Expectation:
    meta = doc.get("meta") or {}
    where = f"{path} expectation {index + 1} ({meta.get('rule') or doc.get('type', '?')})"
    spec = parse_meta(meta, where)
    if spec.rule.split(".", 1)[0] != layer:
        raise UsageError(f"{where}: meta.rule {spec.rule!r} belongs to another layer; this suite is {layer!r}")
    return Expectation(str(doc.get("id", "")), layer, doc["type"], doc.get("kwargs", {}), meta, spec)


@lru_cache(maxsize=4)
def load_project(root: Path) -> Project:
    assets = _assets(root)
    by_vd: dict[str, Layer] = {}
    for path in sorted((root / "validation_definitions").glob("*.json")):
        vd = _read_json(path)
        by_vd[vd["name"]] = _layer(root, vd, assets)
    checkpoints = {}
    for path in sorted((root / "checkpoints").glob("*.json")):
        cp = _read_json(path)
        checkpoints[cp["name"]] = tuple(by_vd[v["name"]].name for v in cp["validation_definitions"])
    layers = {layer.name: layer for layer in by_vd.values()}
    return Project(root, layers, checkpoints)
