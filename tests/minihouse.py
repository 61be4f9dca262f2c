"""A small local warehouse written the way a stranger would write one: plain sqlite3, per the contract.

Tests start from `clean_season()` (every rule passes) and break one thing. Dates of the 2024-25 season:
opener 2024-10-22 (day 0), bootstrap through 2024-11-04, first processable day 2024-11-05.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from nbadq.schema import PHASE4_PROCESSORS, TABLES, table
from nbadq.warehouse.local import create_dataset_files, insert_rows, open_connection

OPENER = "2024-10-22"
BOOTSTRAP = ["2024-10-22", "2024-10-30"]
PROCESSABLE = ["2024-11-05", "2024-11-06", "2024-11-10", "2025-04-15", "2025-04-20"]
PHASE4_TABLES = {
    "PlayerCompositeFactorsProcessor": ("nba_precompute.player_composite_factors", "game_date"),
    "PlayerShotZoneAnalysisProcessor": ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
    "TeamDefenseZoneAnalysisProcessor": ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
    "PlayerDailyCacheProcessor": ("nba_precompute.player_daily_cache", "cache_date"),
    "MLFeatureStoreProcessor": ("nba_predictions.ml_feature_store_v2", "game_date"),
}


class MiniHouse:
    def __init__(self, root: Path):
        self.root = root
        create_dataset_files(root, TABLES)
        self.conn = open_connection(root, write=True)
        self.seq = 0
        self.games: dict[str, list[str]] = {}  # date -> system game ids

    def close(self) -> None:
        self.conn.close()

    def insert(self, name: str, rows: list[dict[str, Any]]) -> None:
        insert_rows(self.conn, table(name), rows)

    def sql(self, statement: str, *params: Any) -> None:
        self.conn.execute(statement, params)

    # -- schedule ------------------------------------------------------------------------------------------
    def game(self, day: str, away: str, home: str, type_digit: str = "2", status: int = 3,
             scrapes: int = 2) -> str:
        self.seq += 1
        nba_id = f"00{type_digit}24{self.seq:05d}"
        base = dt.datetime.fromisoformat(day + "T12:00:00")
        rows = []
        for i in range(scrapes):  # earlier scrapes saw the game scheduled; the latest sees it final
            rows.append({"game_id": nba_id, "game_date": day, "season_year": 2024,
                         "game_status": status if i == scrapes - 1 else 1, "is_regular_season": type_digit == "2",
                         "is_playoffs": type_digit == "4", "is_all_star": type_digit == "3",
                         "playoff_round": "play_in" if type_digit == "5" else None,
                         "home_team_tricode": home, "away_team_tricode": away,
                         "processed_at": (base + dt.timedelta(hours=i)).isoformat()})
        self.insert("nba_raw.nbac_schedule", rows)
        system_id = f"{day.replace('-', '')}_{away}_{home}"
        if status == 3 and type_digit in "245":
            self.games.setdefault(day, []).append(system_id)
            self._played(day, nba_id, system_id, away, home)
        return system_id

    def _played(self, day: str, nba_id: str, system_id: str, away: str, home: str) -> None:
        players = [(f"{team.lower()}player{i}", team, opp) for team, opp in ((away, home), (home, away)) for i in (1, 2)]
        self.insert("nba_raw.nbac_gamebook_player_stats", [
            {"game_id": nba_id, "game_date": day, "season_year": 2024, "player_lookup": p, "team_abbr": t,
             "player_status": "active", "minutes": "30:00", "points": 12} for p, t, _ in players])
        rows = [{"player_lookup": p, "game_id": system_id, "game_date": day, "season_year": 2024, "team_abbr": t,
                 "opponent_team_abbr": o, "points": 12, "minutes_played": 30.0, "is_dnp": False, "is_active": True,
                 "player_status": "active", "processed_at": day + "T23:00:00"} for p, t, o in players]
        rows.append({**rows[0], "player_lookup": f"{home.lower()}bench", "minutes_played": None, "is_dnp": True,
                     "is_active": False, "player_status": "dnp", "team_abbr": home})  # NULL by design
        self.insert("nba_analytics.player_game_summary", rows)

    # -- downstream layers ---------------------------------------------------------------------------------
    def precompute(self, day: str, bootstrap: bool) -> None:
        players = sorted({p for g in self.games[day] for p in self._players(g)})
        flag = bootstrap
        if not bootstrap:
            self.insert("nba_precompute.player_composite_factors", [
                {"player_lookup": p, "game_id": self.games[day][0], "game_date": day, "analysis_date": day,
                 "fatigue_score": 50, "early_season_flag": False} for p in players])
            for g in self.games[day][1:]:  # one row per game's players keeps distinct game ids complete
                self.sql("UPDATE nba_precompute.player_composite_factors SET game_id = ? "
                         "WHERE game_date = ? AND player_lookup IN (?, ?, ?, ?)", g, day, *self._players(g))
            self.insert("nba_precompute.player_shot_zone_analysis",
                        [{"player_lookup": p, "analysis_date": day, "games_in_sample_10": 10} for p in players])
            self.insert("nba_precompute.player_daily_cache",
                        [{"player_lookup": p, "cache_date": day, "points_avg_last_10": 12.0} for p in players])
        teams = sorted({t for g in self.games[day] for t in g.split("_")[1:]})
        self.insert("nba_precompute.team_defense_zone_analysis",
                    [{"team_abbr": t, "analysis_date": day, "games_in_sample": 15, "early_season_flag": flag}
                     for t in teams])
        self.insert("nba_predictions.ml_feature_store_v2",
                    [{"player_lookup": p, "game_id": self.games[day][0], "game_date": day, "feature_count": 33,
                      "early_season_flag": flag} for p in players])
        for proc, (name, _) in PHASE4_TABLES.items():
            skipped = bootstrap and proc not in ("TeamDefenseZoneAnalysisProcessor", "MLFeatureStoreProcessor")
            self.run(proc, day, "success", 0 if skipped else len(players))

    @staticmethod
    def _players(system_id: str) -> list[str]:
        _, away, home = system_id.split("_")
        return [f"{t.lower()}player{i}" for t in (away, home) for i in (1, 2)]

    def predictions(self, day: str, graded: bool = True) -> None:
        for g in self.games[day]:
            rows = [{"prediction_id": f"{g}_{p}_v8", "player_lookup": p, "game_id": g, "game_date": day,
                     "system_id": "catboost_v8", "predicted_points": 11.5, "is_active": True,
                     "created_at": day + "T10:00:00"} for p in self._players(g)]
            self.insert("nba_predictions.player_prop_predictions", rows)
            if graded:
                self.insert("nba_predictions.prediction_accuracy", [
                    {"player_lookup": r["player_lookup"], "game_id": g, "game_date": day, "system_id": "catboost_v8",
                     "actual_points": 12, "minutes_played": 30.0, "is_voided": False,
                     "graded_at": day + "T23:59:00"} for r in rows])

    def run(self, processor: str, day: str, status: str, records: int) -> None:
        """One run: a 'running' row, then its final row. Later calls are later runs."""
        run_id = f"{processor}-{day}-{self.seq}-{records}-{status}"
        self.seq += 1
        started = dt.datetime.fromisoformat(day + "T06:00:00") + dt.timedelta(minutes=self.seq)
        self.insert("nba_reference.processor_run_history", [
            {"processor_name": processor, "run_id": run_id, "status": "running", "data_date": day,
             "records_processed": None, "phase": "phase4", "processed_at": started.isoformat()},
            {"processor_name": processor, "run_id": run_id, "status": status, "data_date": day,
             "records_processed": records, "phase": "phase4",
             "processed_at": (started + dt.timedelta(seconds=30)).isoformat()}])


def clean_season(root: Path) -> MiniHouse:
    """Every rule passes. Includes what the rules must ignore: scrape duplicates, preseason, All-Star, unplayed."""
    h = MiniHouse(root)
    h.game("2024-10-10", "LAL", "BOS", type_digit="1")  # preseason
    h.game("2024-10-22", "NYK", "BOS")
    h.game("2024-10-22", "MIN", "LAL")
    h.game("2024-10-30", "DEN", "OKC")
    h.game("2024-11-05", "NYK", "BOS")
    h.game("2024-11-05", "GSW", "LAC")
    h.game("2024-11-06", "MIA", "ORL")
    h.game("2024-11-10", "PHX", "DAL")
    h.game("2024-11-10", "SAS", "HOU")
    h.game("2025-02-16", "EST", "WST", type_digit="3")  # All-Star game
    h.game("2025-04-15", "ATL", "CHI", type_digit="5")  # play-in
    h.game("2025-04-20", "NYK", "BOS", type_digit="4")  # playoffs
    h.game("2025-04-22", "NYK", "BOS", type_digit="4", status=1)  # not played yet
    for day in BOOTSTRAP:
        h.precompute(day, bootstrap=True)
    for day in PROCESSABLE:
        h.precompute(day, bootstrap=False)
        h.predictions(day)
    for day in BOOTSTRAP + PROCESSABLE:
        h.run("PlayerGameSummaryProcessor", day, "success", 5 * len(h.games[day]))
    return h


def copy_warehouse(src: Path, dst: Path) -> Path:
    """A byte copy of a closed warehouse (each test breaks its own copy)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.sqlite"):
        with sqlite3.connect(f) as a, sqlite3.connect(dst / f.name) as b:
            a.backup(b)
        b.close()
        a.close()
    return dst
