"""Build a sample warehouse: the orchestration of `nbadq sample`.

The warehouse is built in a temporary directory beside the target and renamed into place at the end, so a
failed or interrupted build never leaves a half-built warehouse. Every random choice comes from a stream named
for its purpose and seeded from the seed: the same seed gives the same tables, row for row.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from nbadq.errors import UsageError
from nbadq.sample import defects as D
from nbadq.sample import history_defects as HD
from nbadq.sample import player_defects as PD
from nbadq.sample import schedule_defects as SD
from nbadq.sample.defect_plan import DatePicker, Plan, reserve_season_blocks
from nbadq.sample.gamebook import season_gamebook
from nbadq.sample.grading import grade
from nbadq.sample.indexes import create_indexes
from nbadq.sample.manifest import manifest, write_manifest
from nbadq.sample.ownership import claim, file_hashes
from nbadq.sample.predictions import season_predictions
from nbadq.sample.props import game_lines, prop_rows
from nbadq.sample.processors.phase3 import OUTPUTS as PHASE3_OUTPUTS, merge_phase3
from nbadq.sample.processors.phase4 import season_output_rows
from nbadq.sample.processors.phase4_rows import OUTPUT_TABLES
from nbadq.sample.processors.writes import RUN_HISTORY, merge_rows, run_history_rows
from nbadq.sample.rosters import build_rosters
from nbadq.sample.run_history import sample_run_history
from nbadq.sample.schedule import Season, build_season, schedule_rows, team_scores
from nbadq.sample.truth import Truth
from nbadq.schema import PLATFORM_DATASETS, TABLES, table
from nbadq.warehouse.local import create_dataset_files, insert_rows, open_connection

SCHEDULE = table("nba_raw.nbac_schedule")
GAMEBOOK = table("nba_raw.nbac_gamebook_player_stats")
PREDICTIONS = table("nba_predictions.player_prop_predictions")
PROPS = table("nba_raw.bettingpros_player_points_props")


def _stamp(hour: int, minute: int = 0):
    """processed_at of a run for a game date: the morning after."""
    def stamp(iso: str) -> str:
        return f"{dt.date.fromisoformat(iso) + dt.timedelta(days=1)}T{hour:02d}:{minute:02d}:00+00:00"
    return stamp


def check_target(out: Path) -> list[str]:
    """Refuse anything but a missing or empty directory or an earlier sample; returns what may be replaced."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: give a directory for the warehouse")
    return claim(out)


def build_sample(out: Path | str, seasons: Sequence[int], seed: int) -> dict[str, Any]:
    """Build the sample warehouse at `out`; returns the manifest (also written to out/nbadq_sample.json)."""
    out = Path(out)
    if not seasons:
        raise UsageError("no season to build: give --seasons YEAR or YEAR-YEAR")
    if out.is_symlink() and out.is_dir():
        out = Path(os.path.realpath(out))  # replace the directory the link points at; the link stays
    check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create its parent directory ({exc.strerror})") from None
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write beside it ({exc.strerror})") from None
    building.chmod(0o755)  # mkdtemp makes it private; a warehouse is an ordinary, readable directory
    try:
        doc = _build_into(building, sorted(seasons), seed)
        _move_into_place(building, out)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return doc


def _move_into_place(built: Path, out: Path) -> None:
    """Swap the new warehouse in; of the old directory delete only what `check_target` found to be ours.

    The check runs again here (the build took a while): a file that appeared meanwhile stops the swap. One that
    slips in between this check and the rename is not deleted: the old directory is then left beside `out`."""
    if not out.exists():
        built.rename(out)
        return
    ours = check_target(out)
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    try:
        out.rename(old / "replaced")
    except OSError as exc:
        old.rmdir()
        raise UsageError(f"--out {out}: cannot replace it ({exc.strerror})") from None
    built.rename(out)
    for name in ours:
        (old / "replaced" / name).unlink(missing_ok=True)
    try:
        (old / "replaced").rmdir()
        old.rmdir()
    except OSError:
        print(f"nbadq sample: warning: files appeared in {out} while it was rebuilt; the old directory with "
              f"them is kept at {old / 'replaced'}", file=sys.stderr)


def _build_into(root: Path, seasons: list[int], seed: int) -> dict[str, Any]:
    create_dataset_files(root, TABLES)
    conn = open_connection(root, write=True)
    try:
        for dataset in PLATFORM_DATASETS:  # no journal while building: a failed build is thrown away anyway
            conn.execute(f"PRAGMA {dataset}.journal_mode = OFF")
            conn.execute(f"PRAGMA {dataset}.synchronous = OFF")
        conn.execute("BEGIN")
        doc = _populate(conn, seasons, seed)
        create_indexes(conn)  # the rest were created as each table was loaded
        conn.execute("COMMIT")
        for dataset in PLATFORM_DATASETS:  # the contract's mode: readers alongside one writer
            conn.execute(f"PRAGMA {dataset}.journal_mode = WAL")
    finally:
        conn.close()
    doc["files"] = file_hashes(root)  # after close: the files as they stay on disk
    write_manifest(root, doc)
    return doc


class _Build:
    """One build's shared state; the stages below run in the order data flows through the platform, each
    followed by the incidents that happened at that stage (so later stages see them, as they did in reality)."""

    def __init__(self, conn: sqlite3.Connection, seasons: list[int], seed: int) -> None:
        self.conn, self.seasons, self.seed = conn, seasons, seed
        self.truth, self.defects = Truth(), []
        self.picker = DatePicker(self.truth, self.rng("defects"))
        self.plan = Plan(tuple(seasons))

    def rng(self, purpose: str) -> random.Random:
        """An independent stream per purpose: changing one part of the generator leaves the others as they were."""
        return random.Random(f"nbadq-sample:{self.seed}:{purpose}")

    def args(self) -> tuple:
        return self.conn, self.truth, self.picker, self.plan

    def raw_and_predictions(self) -> None:
        """Gamebooks, schedule scrapes (scores from the box scores), prop lines and the predictions made for
        each game (from the true rosters and the lines)."""
        rosters = build_rosters(self.seasons, self.rng("rosters"))
        next_prediction = 1
        for s in self.seasons:
            season = build_season(s, rosters[s], self.rng(f"schedule:{s}"))
            self.truth.add_season(s, season.calendar.opener, list(season.games))
            gamebook = season_gamebook(list(season.games), rosters[s], self.rng(f"gamebook:{s}"))
            insert_rows(self.conn, SCHEDULE, schedule_rows(season, self.rng(f"scrapes:{s}"), team_scores(gamebook),
                                                           self.rng(f"tipoffs:{s}")))
            insert_rows(self.conn, GAMEBOOK, gamebook)
            lines = self._lines(season, gamebook)
            predictions = season_predictions(list(season.games), gamebook, lines, self.rng(f"predictions:{s}"),
                                             next_prediction, self.rng(f"bench-predictions:{s}"))
            next_prediction += len(predictions)
            insert_rows(self.conn, PREDICTIONS, predictions)
        create_indexes(self.conn, [SCHEDULE, GAMEBOOK, PROPS, PREDICTIONS])  # after the bulk load: much faster
        self.blocks = reserve_season_blocks(self.truth, self.picker, self.plan)
        self.defects.append(D.drop_gamebook_games(*self.args()))

    def _lines(self, season: Season, gamebook: list[dict]) -> dict[str, list]:
        """The lines of every counted game (NBA.com id -> lines), written to the raw props table."""
        rng = self.rng(f"props:{season.season_year}")
        box: dict[str, list[dict]] = {}
        for row in gamebook:
            box.setdefault(row["game_id"], []).append(row)
        lines = {g.nba_id: game_lines(g, box[g.nba_id], rng) for g in season.counted()}
        insert_rows(self.conn, PROPS, [row for g in season.counted() for row in prop_rows(g, lines[g.nba_id], rng)])
        return lines

    def analytics(self) -> None:
        dates = self.truth.game_dates()
        merge_phase3(self.conn, dates[0], dates[-1], fresh=True)
        create_indexes(self.conn, [output.table for output in PHASE3_OUTPUTS.values()])
        self.defects += [D.drop_analytics_games(*self.args()), D.null_minutes(*self.args())]

    def precompute(self) -> None:
        for s, opener in sorted(self.truth.openers.items()):
            rows = season_output_rows(self.conn, opener, self.truth.last_game_date(s), opener, _stamp(9, 30))
            for name, target in OUTPUT_TABLES.items():
                merge_rows(self.conn, target, rows[name], fresh=True)
        create_indexes(self.conn, OUTPUT_TABLES.values())
        self.missing = D.missing_phase4(*self.args(), self.blocks["gap"])
        self.partial = D.partial_phase4(*self.args())
        self.defects += [self.missing, self.partial, D.early_season_rows(*self.args()),
                         D.precompute_duplicates(*self.args())]

    def predictions_and_grading(self) -> None:
        self.defects += [D.playoffs_without_predictions(self.conn, self.truth, self.plan, self.blocks["playoffs"]),
                         D.prediction_duplicates(*self.args()), D.deactivated_system(*self.args())]
        dates = self.truth.game_dates()
        grade(self.conn, dates[0], dates[-1])
        self.defects += [D.missing_grading(self.conn, self.truth, self.plan, self.blocks["january"],
                                           self.rng("grading")),
                         D.grading_duplicates(*self.args()), D.ungraded_system(*self.args())]

    def run_history(self) -> None:
        """What the runs recorded, then the false zero counts, then the late analytics re-run that duplicated."""
        insert_rows(self.conn, RUN_HISTORY, sample_run_history(self.conn, self.truth, self.missing.processors,
                                                               self.partial.processors, self.rng("runs")))
        self.defects.append(D.false_zero_runs(*self.args()))
        duplicated = D.analytics_duplicates(*self.args())
        for count, day in zip(D.ANALYTICS_DUPLICATES, duplicated.dates):
            start = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(14, 0))
            insert_rows(self.conn, RUN_HISTORY, run_history_rows(
                "PlayerGameSummaryProcessor", day, "phase3", "success", count, start,
                start + dt.timedelta(minutes=1), run_id=f"rerun-{day:%Y%m%d}"))
        self.defects.append(duplicated)
        # Incidents found later in analytics, drawn last so that every earlier incident keeps its dates.
        self.defects += [D.reversed_team_ids(*self.args()), D.duplicated_team_rows(*self.args()),
                         D.reversed_composite_ids(*self.args())]
        # A Phase 3 date re-processed a week late: the later Phase 4 dates built before it are stale.
        self.defects.append(D.late_phase3_rerun(*self.args()))
        # Players dropped in Phase 4, and the feature store written twice on a date.
        self.defects += [D.composite_players_dropped(*self.args()), D.feature_store_duplicates(*self.args())]
        # A date's prop lines re-scraped after Phase 3 for one game only (raw.prop_lines).
        self.defects.append(D.partial_prop_lines(*self.args()))
        # A date's context built before its lines landed (analytics.prop_line_coverage).
        self.defects.append(D.context_without_lines(*self.args()))
        # A week of usage_rate NULL (team totals missing; analytics.column_health).
        self.defects.append(D.usage_rate_null_week(*self.args()))
        # A date's fatigue_score NULL in Phase 4 (precompute.column_health).
        self.defects.append(D.null_fatigue(*self.args()))
        # Players with a line left unpredicted on a date (predictions.prop_line_coverage).
        self.defects.append(D.lined_players_unpredicted(*self.args()))
        # 40% of a date's played players dropped from player_game_summary (analytics.player_reconciliation).
        self.defects.append(PD.analytics_players_dropped(*self.args()))
        # A date's context appended twice (analytics.duplicate_keys).
        self.defects.append(PD.context_duplicates(*self.args()))
        # A game's predictions keyed on HOME_AWAY, so left ungraded; another's grades keyed on HOME_AWAY
        # (predictions.game_id_orientation, grading.game_id_orientation).
        self.defects += [PD.reversed_prediction_ids(*self.args()), PD.reversed_grading_ids(*self.args())]
        # A game left final without its score, and a game stuck live (raw.schedule_integrity).
        self.defects += [SD.final_without_score(*self.args()), SD.stuck_live_game(*self.args())]
        # A date's DNP players written as played with zeros (analytics.volume_vs_history: the zero shares).
        self.defects.append(HD.dnp_written_as_played(*self.args()))
        # 26 players predicted on a full slate (predictions.player_reconciliation, predictions.prop_line_coverage).
        self.defects.append(PD.slate_mostly_unpredicted(*self.args()))


def _populate(conn: sqlite3.Connection, seasons: list[int], seed: int) -> dict[str, Any]:
    build = _Build(conn, seasons, seed)
    build.raw_and_predictions()
    build.analytics()
    build.precompute()
    build.predictions_and_grading()
    build.run_history()
    return manifest(seed, seasons, build.defects, conn, build.truth)
