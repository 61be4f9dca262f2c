"""Fixtures for the fill tests: a small broken warehouse, the local service on a free port, and an in-process
`nbadq fill` that validates with the direct engine (see direct_validate.py)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from nbadq.backfill.command import FillOptions, Hooks, run_fill
from nbadq.backfill.ledger import read_ledger
from nbadq.backfill.local_service import LocalService, parse_faults
from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from tests.fill.direct_validate import direct_checkpoint

PHASE4_TABLES = (("nba_precompute.player_composite_factors", "game_date"),
                 ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
                 ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
                 ("nba_precompute.player_daily_cache", "cache_date"),
                 ("nba_predictions.ml_feature_store_v2", "game_date"))
# Game days added to the clean season without any Phase 4 rows: each fails precompute.completeness.
EXTRA_DAYS = ("2024-11-12", "2024-11-13", "2024-11-15", "2024-11-16", "2024-11-18", "2024-11-19",
              "2024-11-20", "2024-11-22", "2024-11-23", "2024-11-25")
MATCHUPS = (("NYK", "BOS"), ("GSW", "LAC"), ("MIA", "ORL"), ("PHX", "DAL"), ("SAS", "HOU"))

CONFIG = """\
retry_base_seconds = 0.5
retry_max_seconds = 8

[analytics]
kind = "phase3"
url_env = "NBADQ_PHASE3_URL"
max_days_per_request = 3

[precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
timeout_seconds = {timeout}
concurrency = {concurrency}
"""


def add_game_days(house, days) -> None:
    """One game per day with raw and analytics rows, no Phase 4 rows (and no predictions)."""
    for i, day in enumerate(days):
        away, home = MATCHUPS[i % len(MATCHUPS)]
        house.game(day, away, home)


def drop_phase4(house, days) -> None:
    marks = ", ".join("?" for _ in days)
    for name, column in PHASE4_TABLES:
        house.conn.execute(f"DELETE FROM {name} WHERE {column} IN ({marks})", tuple(days))


def null_minutes(house, days) -> None:
    marks = ", ".join("?" for _ in days)
    house.conn.execute(f"UPDATE nba_analytics.player_game_summary SET minutes_played = NULL "
                       f"WHERE game_date IN ({marks})", tuple(days))


@pytest.fixture
def serve():
    """serve(root, **kwargs) -> a started LocalService on 127.0.0.1:<free port>; all closed at teardown."""
    started: list[LocalService] = []

    def start(root: Path, faults: str | None = None, **kwargs: Any) -> LocalService:
        svc = LocalService(root, port=0, faults=parse_faults(faults), **kwargs).start()
        started.append(svc)
        return svc

    yield start
    for svc in started:
        svc.close()


@dataclass
class FillRun:
    code: int
    out: str
    err: str
    doc: dict | None
    ledger: list[dict]
    ledger_path: Path

    def outcomes(self, layer: str) -> dict[str, str]:
        return {d: o["status"] for d, o in (self.doc or {}).get("outcomes", {}).get(layer, {}).items()}

    def attempts(self) -> list[tuple[str, str, int, int | None]]:
        return [(r["layer"], r["date"], r["attempt"], r["http_status"]) for r in self.ledger
                if r["event"] == "attempt"]


@pytest.fixture
def fill(tmp_path) -> Callable[..., FillRun]:
    """fill(root, svc, **options) runs `nbadq fill` in-process against `svc`; UsageError -> code 2."""
    counter = {"n": 0}

    def run(root: Path, svc: LocalService | None, *, concurrency: int = 5, timeout: float = 5.0,
            config_text: str | None = None, sleep: Callable[[float], Any] | None = None,
            random: Callable[[], float] = lambda: 0.0, environ: dict | None = None, **options: Any) -> FillRun:
        counter["n"] += 1
        config = tmp_path / f"fill-{counter['n']}.toml"
        config.write_text(config_text or CONFIG.format(timeout=timeout, concurrency=concurrency))
        ledger = options.pop("ledger", None) or tmp_path / f"ledger-{counter['n']}.jsonl"
        json_path = tmp_path / f"fill-{counter['n']}.json"
        url = svc.url if svc else "http://127.0.0.1:9"
        env = {"NBADQ_PHASE3_URL": url, "NBADQ_PHASE4_URL": url} if environ is None else environ
        opts = FillOptions(warehouse=str(root), config=config, json_path=json_path,
                           ledger=None if options.get("resume") else ledger, **options)
        hooks = Hooks(validate=direct_checkpoint, backoff_random=random, sleep=sleep or (lambda s: None),
                      environ=env, tty=False)
        out, err = io.StringIO(), io.StringIO()
        try:
            code = run_fill(opts, out=out, err=err, hooks=hooks)
        except UsageError as exc:
            code, err = ExitCode.USAGE, io.StringIO(str(exc))
        path = options.get("resume") or ledger
        doc = json.loads(json_path.read_text()) if json_path.exists() else None
        records = read_ledger(path) if Path(path).exists() else []
        return FillRun(int(code), out.getvalue(), err.getvalue(), doc, records, Path(path))

    return run


def sent_dates(svc: LocalService, path: str = "/process-date") -> list[str]:
    """The analysis_date of every request to `path`, in arrival order (retries included)."""
    return [r["body"]["analysis_date"] for r in svc.requests() if r["path"] == path]
