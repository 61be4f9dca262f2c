"""Benchmark `nbadq audit` on a generated tree of 5,000 processor-like modules (target: whole command < 3 s).

The tree imitates the platform's layout: data_processors/{raw,analytics,precompute}/<source>/<name>.py, each
module a processor of 55-75 lines (imports, a docstring, SQL in a string, validate/transform methods with loops)
that either overrides its save method with one of the patterns the audit looks for (correct, early return,
swallowed error, helper, skipped write, super(), forgotten stat) or only inherits it; 12% are utility modules.
Two trees: a mixed one (40% of processors override) and a worst case (all do). It runs the real command as a
subprocess several times and prints Markdown: wall and CPU time, the phases of one run, and the start-up time.

    .venv/bin/python bench/audit.py [--modules 5000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBADQ = [sys.executable, "-m", "nbadq.cli.main"]

FAMILIES = {
    "raw": ("RawProcessorBase", "ProcessorBase", "save_data", "rows_inserted"),
    "analytics": ("AnalyticsBase", "AnalyticsProcessorBase", "save_analytics", "rows_processed"),
    "precompute": ("PrecomputeBase", "PrecomputeProcessorBase", "save_precompute", "rows_processed"),
}
UTILITY_SHARE = 0.12
SCENARIOS = [
    # Most processors use their base class's save method; a minority override it (the ones the audit is for).
    ("mixed tree: 40% of processors override", 0.40),
    # Stress case: every processor module has an override to analyse.
    ("worst case: every processor overrides", 1.0),
]
SOURCES = ["nbac", "bdl", "espn", "odds", "bettingpros", "bigdataball", "pbp", "injury", "roster", "schedule"]

HEADER = '''"""{title} processor: turns scraped {source} payloads into rows of {table}.

Called by the Phase {phase} service for one date at a time. Mentions save methods only in prose here.
"""
import logging
from datetime import datetime, timezone
from typing import Any

from data_processors.{family}.{base_module} import {base}
from shared.utils.notifications import notify_error

logger = logging.getLogger(__name__)

MERGE_SQL = """
MERGE `{table}` T USING (SELECT * FROM UNNEST(@rows)) S
ON T.game_id = S.game_id AND T.player_lookup = S.player_lookup
WHEN MATCHED THEN UPDATE SET points = S.points
WHEN NOT MATCHED THEN INSERT ROW
"""


class {name}({base}):
    """Processor for {source} {title}."""

    required_opts = ["file_path", "bucket", "game_date"]
    table_name = "{table}"

    def __init__(self, **opts: Any) -> None:
        super().__init__(**opts)
        self.processing_strategy = "MERGE_UPDATE"
        self.seen_keys: set[tuple[str, str]] = set()

    def validate_loaded_data(self) -> None:
        errors = []
        if "games" not in self.raw_data:
            errors.append("missing games")
        for i, game in enumerate(self.raw_data.get("games", [])):
            if not game.get("gameId"):
                errors.append(f"game {{i}} has no id")
        if errors:
            raise ValueError("; ".join(errors))

    def transform_data(self) -> None:
        rows = []
        for game in self.raw_data.get("games", []):
            for player in game.get("players", []):
                key = (game["gameId"], player["lookup"])
                if key in self.seen_keys:
                    continue
                self.seen_keys.add(key)
                rows.append({{
                    "game_id": game["gameId"],
                    "game_date": game["gameDate"][:10],
                    "player_lookup": player["lookup"],
                    "points": int(player.get("points") or 0),
                    "minutes": player.get("minutes"),
                    "processed_at": datetime.now(timezone.utc).isoformat(),
                }})
        self.transformed_data = rows

    def _summary(self) -> dict[str, Any]:
        return {{"rows": len(self.transformed_data), "table": self.table_name, "run_id": self.run_id}}
'''

SAVES = {
    "correct": '''
    def {method}(self) -> None:
        rows = self.transformed_data
        if not rows:
            logger.info("no rows for %s", self.opts["game_date"])
            self.stats["{key}"] = 0
            return
        try:
            errors = self.bq_client.insert_rows_json(self.table_name, rows)
            if errors:
                self.stats["{key}"] = 0
                raise RuntimeError(f"insert errors: {{errors}}")
            self.stats["{key}"] = len(rows)
        except Exception as exc:
            self.stats["{key}"] = 0
            notify_error(title="save failed", message=str(exc))
            raise
''',
    "early_return": '''
    def {method}(self) -> None:
        rows = self.transformed_data
        if not rows:
            logger.warning("nothing to save")
            return
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["{key}"] = len(rows)
''',
    "swallow": '''
    def {method}(self) -> None:
        try:
            job = self.bq_client.load_table_from_json(self.transformed_data, self.table_name)
            job.result()
            self.stats["{key}"] = len(self.transformed_data)
        except Exception as exc:
            logger.error("load failed: %s", exc)
''',
    "helper": '''
    def _write_rows(self, rows: list[dict]) -> int:
        if not rows:
            self.stats["{key}"] = 0
            return 0
        for start in range(0, len(rows), 500):
            self.bq_client.insert_rows_json(self.table_name, rows[start:start + 500])
        self.stats["{key}"] = len(rows)
        return len(rows)

    def {method}(self) -> None:
        if self.already_loaded(self.opts["game_date"]):
            self.stats["{key}"] = 0
            return
        self._write_rows(self.transformed_data)
''',
    "skip_bug": '''
    def {method}(self) -> None:
        if self.already_loaded(self.opts["game_date"]):
            logger.info("skipping, already loaded")
            return
        with self.bq_client.batch() as batch:
            for row in self.transformed_data:
                batch.insert(row)
        self.stats["{key}"] = len(self.transformed_data)
''',
    "super": '''
    def {method}(self) -> None:
        self.transformed_data = [r for r in self.transformed_data if r["points"] >= 0]
        super().{method}()
''',
    "forgot": '''
    def {method}(self) -> None:
        """Writes rows; the stats are not updated here (the old bug)."""
        self.bq_client.query(MERGE_SQL, rows=self.transformed_data).result()
''',
}
SAVE_WEIGHTS = {"correct": 30, "early_return": 12, "swallow": 8, "helper": 15, "skip_bug": 8, "super": 17,
                "forgot": 10}

BASE_MODULE = '''"""Shared base for {family} processors."""
from shared.processor_base import {configured}


class {base}({configured}):
    """Adds retries and run history for the {family} family."""

    def already_loaded(self, game_date: str) -> bool:
        return bool(self.bq_client.query(f"SELECT 1 FROM {{self.table_name}} WHERE game_date = '{{game_date}}'"))
'''

UTILITY = '''"""Helpers for {source} payloads (no processor here)."""
import re

_MINUTES = re.compile(r"^(\\d+):(\\d+)$")


def minutes_to_float(value: str | None) -> float | None:
    if not value:
        return None
    match = _MINUTES.match(value)
    if match is None:
        return None
    return int(match.group(1)) + int(match.group(2)) / 60


class PayloadCache:
    def __init__(self) -> None:
        self.items: dict[str, dict] = {{}}

    def get(self, key: str) -> dict | None:
        return self.items.get(key)
'''


def generate(root: Path, modules: int, override_share: float, seed: int = 7) -> dict[str, int]:
    """`override_share`: the share of processors (not utilities) that override their save method."""
    rng = random.Random(seed)
    counts = {"override": 0, "inherit": 0, "utility": 0}
    for family, (base, configured, _, _) in FAMILIES.items():
        folder = root / "data_processors" / family
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
        (folder / f"{family}_base.py").write_text(BASE_MODULE.format(family=family, base=base, configured=configured))
    kinds = list(SAVE_WEIGHTS)
    weights = list(SAVE_WEIGHTS.values())
    for i in range(modules - len(FAMILIES)):
        family = rng.choice(list(FAMILIES))
        base, _, method, key = FAMILIES[family]
        source = rng.choice(SOURCES)
        folder = root / "data_processors" / family / source
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "__init__.py").write_text("")
        roll = rng.random()
        if roll < UTILITY_SHARE:
            counts["utility"] += 1
            (folder / f"{source}_utils_{i}.py").write_text(UTILITY.format(source=source))
            continue
        name = f"{source.title()}Feed{i}Processor"
        text = HEADER.format(title=f"feed {i}", source=source, table=f"nba_{family}.{source}_feed_{i}",
                             phase={"raw": 2, "analytics": 3, "precompute": 4}[family], family=family,
                             base_module=f"{family}_base", base=base, name=name)
        if roll < UTILITY_SHARE + (1 - UTILITY_SHARE) * (1 - override_share):
            counts["inherit"] += 1
        else:
            counts["override"] += 1
            text += SAVES[rng.choices(kinds, weights)[0]].format(method=method, key=key)
        (folder / f"{source}_feed_{i}_processor.py").write_text(text)
    return counts


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time, and CPU time of the command and its worker processes (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env or _env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def scenario(label: str, share: float, modules: int, runs: int, keep: str | None) -> list[str]:
    work = Path(keep) / f"share-{share:.2f}" if keep else Path(tempfile.mkdtemp(prefix="nbadq-audit-bench-"))
    try:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        counts = generate(work, modules, share)
        paths = list(work.rglob("*.py"))
        lines = sum(p.read_text().count("\n") for p in paths)
        out = work.parent / (work.name + "-report.json")
        audit = NBADQ + ["audit", ".", "--format", "json", "--output", str(out)]
        full = [timed(audit, work) for _ in range(runs)]
        serial = [timed(audit + ["--jobs", "1"], work) for _ in range(max(1, runs // 2 + 1))]
        doc = json.loads(out.read_text())["summary"]
        out.unlink()
        timing = subprocess.run(audit, cwd=work, capture_output=True, text=True,
                                env=_env(NBADQ_AUDIT_TIMINGS="1")).stderr.strip().splitlines()
        rows = [f"**{label}**: {modules} modules ({counts['override']} override a save method, "
                f"{counts['inherit']} only inherit, {counts['utility']} utilities), {len(paths)} .py files, "
                f"{lines:,} lines. Result: {doc['audited']} audited methods, {doc['failing']} failing "
                f"({doc['unset_exits']} unset exits), {doc['inheriting']} inheriting, {doc['files_parsed']} "
                f"files parsed, exit {1 if doc['failing'] else 0}.", "",
                "| command | wall median | wall min | CPU median (all processes) | runs |", "|---|---:|---:|---:|---:|"]
        for name, values in (("`nbadq audit . --format json --output F` (default: a worker per core)", full),
                             ("same with `--jobs 1` (one process)", serial)):
            walls = [w for w, _ in values]
            cpus = [c for _, c in values]
            rows.append(f"| {name} | {statistics.median(walls):.2f} s | {min(walls):.2f} s | "
                        f"{statistics.median(cpus):.2f} s | {len(values)} |")
        rows += ["", "Phases of one more default run (NBADQ_AUDIT_TIMINGS=1; main-process CPU, workers excluded):", ""]
        rows += [f"    {line.removeprefix('nbadq audit timing: ')}" for line in timing]
        return rows + [""]
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="generate the trees under DIR and keep them")
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average before the run "
          f"{os.getloadavg()[0]:.2f} (other work on the machine inflates wall times; CPU times are steadier).\n")
    for label, share in SCENARIOS:
        print("\n".join(scenario(label, share, args.modules, args.runs, args.keep)))
    helps = [timed(NBADQ + ["audit", "--help"], ROOT) for _ in range(args.runs * 2)]
    trace = subprocess.run([sys.executable, "-X", "importtime", "-m", "nbadq.cli.main", "audit", "--help"],
                           capture_output=True, text=True, env=_env()).stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in trace.splitlines() if "|" in line}
    heavy = sorted(modules & {"great_expectations", "pandas", "sqlalchemy", "numpy", "junitparser"})
    print("| start-up | wall median | wall min | runs |\n|---|---:|---:|---:|")
    walls = [w for w, _ in helps]
    print(f"| `python -m nbadq.cli.main audit --help` | {statistics.median(walls):.3f} s | {min(walls):.3f} s "
          f"| {len(walls)} |")
    print(f"\nHeavy libraries imported by `nbadq audit`: {', '.join(heavy) or 'none'} "
          f"({len(modules)} top-level modules in all, per -X importtime). Load average after: "
          f"{os.getloadavg()[0]:.2f}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
