"""A small local warehouse written the way a stranger would write one: plain sqlite3, per the contract.

Tests start from `clean_season()` (every rule passes) and break one thing. Dates of the 2024-25 season:
opener 2024-10-22 (day 0), bootstrap through 2024-11-04, first processable day 2024-11-05.

Every final counted game has its score (home 114, away 102) and an early tip-off (10:30, before the day's
scrapes), two team rows in each team table, a context row per dressed player and lines for some of them, and
the day's processed_at stamps follow the pipeline: lines 07:00 < context 08:00 < tip-off < final scrape 13:00 <
Phase 3 23:00 < Phase 4 23:30 < predictions 23:40 < grading 23:59.

Two sizes. The full house (the default) gives each team two players, six played role players and one DNP:
every team plays 240 minutes and scores its score in player_game_summary, 10 of a game's 17 context rows have a
line (35-60%, 10 a game), two prediction systems predict every context player (as the platform's coordinator
does: the 7 without a line by an 'ESTIMATED_AVG' / 'NO_LINE' prediction, never graded). `rotation=False` keeps the
compact house (2 played players and 1 DNP a team, one system), whose player rows sum to only 60 minutes a team.
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
HOME_SCORE, AWAY_SCORE = 114, 102  # the home side wins every mini game
TIPOFF = "T10:30:00"
LINE = 10.5  # the two players' line: they score 12, predicted 11.5 -> OVER, correct
SYSTEMS = ("catboost_v8", "ensemble_v1")  # the second only with rotation=True
# With rotation=True: each team's six role players (30 minutes each; with the two players' 24 points the score)...
ROLE_POINTS = {"home": (20, 18, 16, 14, 12, 10), "away": (18, 16, 14, 12, 10, 8)}
LINED_ROLES = 3  # ...of whom the first three have a line
PHASE3_TABLES = {  # Phase 3 processor -> its table (date column game_date)
    "PlayerGameSummaryProcessor": "nba_analytics.player_game_summary",
    "TeamOffenseGameSummaryProcessor": "nba_analytics.team_offense_game_summary",
    "TeamDefenseGameSummaryProcessor": "nba_analytics.team_defense_game_summary",
    "UpcomingPlayerGameContextProcessor": "nba_analytics.upcoming_player_game_context",
}
PHASE4_TABLES = {
    "PlayerCompositeFactorsProcessor": ("nba_precompute.player_composite_factors", "game_date"),
    "PlayerShotZoneAnalysisProcessor": ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
    "TeamDefenseZoneAnalysisProcessor": ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
    "PlayerDailyCacheProcessor": ("nba_precompute.player_daily_cache", "cache_date"),
    "MLFeatureStoreProcessor": ("nba_predictions.ml_feature_store_v2", "game_date"),
}


class MiniHouse:
    rotation = True  # a class default: the `house` fixture builds instances without __init__

    def __init__(self, root: Path, rotation: bool = True):
        self.root, self.rotation = root, rotation
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
        if status == 1:  # a game not played yet was last scraped the day before its tip-off (raw.schedule_integrity)
            base -= dt.timedelta(days=1)
        rows = []
        for i in range(scrapes):  # earlier scrapes saw the game scheduled; the latest sees it final
            rows.append({"game_id": nba_id, "game_date": day, "season_year": 2024,
                         "game_status": status if i == scrapes - 1 else 1, "is_regular_season": type_digit == "2",
                         "is_playoffs": type_digit == "4", "is_all_star": type_digit == "3",
                         "playoff_round": "play_in" if type_digit == "5" else None,
                         "home_team_tricode": home, "away_team_tricode": away,
                         "processed_at": (base + dt.timedelta(hours=i)).isoformat(), "game_date_est": day + TIPOFF,
                         **(_SCORES if status == 3 and i == scrapes - 1 else {})})
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
                 "player_status": "active", "processed_at": day + "T23:00:00", **_player_stats(p, t == home)}
                for p, t, o in players]
        rows.append({**rows[0], "player_lookup": f"{home.lower()}bench", "minutes_played": None, "is_dnp": True,
                     "is_active": False, "player_status": "dnp", "team_abbr": home, "opponent_team_abbr": away,
                     "points": None, "usage_rate": None, "plus_minus": None, "fg_attempts": None})  # NULL by design
        self.insert("nba_analytics.player_game_summary", rows)
        if self.rotation:
            self._role_players(day, nba_id, system_id, away, home)
        self._team_rows(day, system_id, away, home)
        self._context_and_lines(day, system_id, away, home)

    def _role_players(self, day: str, nba_id: str, system_id: str, away: str, home: str) -> None:
        """Six more played players a team: with the two players, 240 minutes and the team's score."""
        book, summary = [], []
        for team, opp, side in ((away, home, "away"), (home, away, "home")):
            for i, points in enumerate(ROLE_POINTS[side], start=1):
                player = f"{team.lower()}role{i}"
                book.append({"game_id": nba_id, "game_date": day, "season_year": 2024, "player_lookup": player,
                             "team_abbr": team, "player_status": "active", "minutes": "30:00", "points": points})
                summary.append({"player_lookup": player, "game_id": system_id, "game_date": day,
                                "season_year": 2024, "team_abbr": team, "opponent_team_abbr": opp, "points": points,
                                "minutes_played": 30.0, "is_dnp": False, "is_active": True,
                                "player_status": "active", "processed_at": day + "T23:00:00",
                                **_player_stats(player, side == "home", points, 12.0 + i)})
        self.insert("nba_raw.nbac_gamebook_player_stats", book)
        self.insert("nba_analytics.player_game_summary", summary)

    def _team_rows(self, day: str, system_id: str, away: str, home: str) -> None:
        base = {"game_id": system_id, "game_date": day, "season_year": 2024, "processed_at": day + "T23:00:00"}
        sides = ((home, away, HOME_SCORE, AWAY_SCORE, 88, True), (away, home, AWAY_SCORE, HOME_SCORE, 84, False))
        self.insert("nba_analytics.team_offense_game_summary", [
            {**base, "team_abbr": t, "opponent_team_abbr": o, "points_scored": scored, "fg_attempts": attempts,
             "home_game": is_home} for t, o, scored, _, attempts, is_home in sides])
        self.insert("nba_analytics.team_defense_game_summary", [
            {**base, "defending_team_abbr": t, "opponent_team_abbr": o, "points_allowed": allowed}
            for t, o, _, allowed, _, _ in sides])

    def _context_and_lines(self, day: str, system_id: str, away: str, home: str) -> None:
        """A context row per dressed player (written before tip-off), from the lines scraped before it."""
        dressed = [(p, t, o) for t, o in ((away, home), (home, away)) for p in self._dressed(t, t == home)]
        lined = {p: line for p, line in self._lines(system_id).items()}
        self.insert("nba_analytics.upcoming_player_game_context", [
            {"player_lookup": p, "game_id": system_id, "game_date": day, "team_abbr": t, "opponent_team_abbr": o,
             "has_prop_line": p in lined, "current_points_line": lined.get(p), "processed_at": day + "T08:00:00"}
            for p, t, o in dressed])
        self.insert("nba_raw.bettingpros_player_points_props", [
            {"game_date": day, "player_lookup": p, "bookmaker": book, "bet_side": side, "points_line": line,
             "is_active": True, "processed_at": day + "T07:00:00"}
            for p, line in lined.items() for book in ("draftkings", "fanduel") for side in ("over", "under")])

    def _dressed(self, team: str, is_home: bool) -> list[str]:
        roles = [f"{team.lower()}role{i}" for i in range(1, 7)] if self.rotation else []
        bench = [f"{team.lower()}bench"] if is_home else []  # the home side's DNP
        return [f"{team.lower()}player{i}" for i in (1, 2)] + roles + bench

    def _lines(self, system_id: str) -> dict[str, float]:
        """Player -> line: the two players of each team, and with rotation=True three role players each."""
        _, away, home = system_id.split("_")
        out = {}
        for team, side in ((away, "away"), (home, "home")):
            out.update({f"{team.lower()}player{i}": LINE for i in (1, 2)})
            if self.rotation:  # half a point under or over what they score, alternately
                out.update({f"{team.lower()}role{i}": ROLE_POINTS[side][i - 1] + (-0.5 if i % 2 else 0.5)
                            for i in range(1, LINED_ROLES + 1)})
        return out

    # -- downstream layers ---------------------------------------------------------------------------------
    def precompute(self, day: str, bootstrap: bool) -> None:
        game_of = {p: g for g in self.games[day] for p in self._roster(g)}
        players = sorted(game_of)
        flag, at = bootstrap, day + "T23:30:00"
        if not bootstrap:
            self.insert("nba_precompute.player_composite_factors", [
                {"player_lookup": p, "game_id": game_of[p], "game_date": day, "analysis_date": day,
                 "fatigue_score": 50, "early_season_flag": False, "processed_at": at} for p in players])
            self.insert("nba_precompute.player_shot_zone_analysis",
                        [{"player_lookup": p, "analysis_date": day, "games_in_sample_10": 10, "processed_at": at}
                         for p in players])
            self.insert("nba_precompute.player_daily_cache",
                        [{"player_lookup": p, "cache_date": day, "points_avg_last_10": 12.0, "processed_at": at}
                         for p in players])
        teams = sorted({t for g in self.games[day] for t in g.split("_")[1:]})
        self.insert("nba_precompute.team_defense_zone_analysis",
                    [{"team_abbr": t, "analysis_date": day, "games_in_sample": 15, "early_season_flag": flag,
                      "processed_at": at} for t in teams])
        # Quality: thin windows early in the season, and a spread across players on every date.
        self.insert("nba_predictions.ml_feature_store_v2",
                    [{"player_lookup": p, "game_id": self.games[day][0], "game_date": day, "feature_count": 33,
                      "early_season_flag": flag, "processed_at": at,
                      "feature_quality_score": (62.0 if bootstrap else 88.0) + i % 10} for i, p in enumerate(players)])
        for proc, (name, _) in PHASE4_TABLES.items():
            skipped = bootstrap and proc not in ("TeamDefenseZoneAnalysisProcessor", "MLFeatureStoreProcessor")
            self.run(proc, day, "success", 0 if skipped else len(players))

    @staticmethod
    def _players(system_id: str) -> list[str]:
        _, away, home = system_id.split("_")
        return [f"{t.lower()}player{i}" for t in (away, home) for i in (1, 2)]

    def _roster(self, system_id: str) -> list[str]:
        """The game's played players: the two players of each team, and the role players with rotation=True."""
        _, away, home = system_id.split("_")
        roles = [f"{t.lower()}role{i}" for t in (away, home) for i in range(1, 7)] if self.rotation else []
        return self._players(system_id) + roles

    def predictions(self, day: str, graded: bool = True) -> None:
        """Each system's predictions for every context player of the game (the dressed players: with a line or
        not); the gradable ones graded when `graded`."""
        systems = SYSTEMS if self.rotation else SYSTEMS[:1]
        for g in self.games[day]:
            lines = self._lines(g)
            _, away, home = g.split("_")
            predicted = self._dressed(away, False) + self._dressed(home, True)
            rows = [_prediction(g, day, p, system, lines.get(p)) for system in systems for p in predicted]
            self.insert("nba_predictions.player_prop_predictions", rows)
            if graded:
                self.insert("nba_predictions.prediction_accuracy", [
                    {"player_lookup": r["player_lookup"], "game_id": g, "game_date": day, "system_id": r["system_id"],
                     "actual_points": 12, "minutes_played": 30.0, "is_voided": False,
                     "graded_at": day + "T23:59:00", "line_source": "ACTUAL_PROP", "has_prop_line": True,
                     "prediction_correct": True}
                    for r in rows if r["line_source"] == "ACTUAL_PROP" and r["player_lookup"] in self._players(g)])
                self._grade_roles(g, day, [r for r in rows if "role" in r["player_lookup"]])

    def _grade_roles(self, g: str, day: str, rows: list[dict[str, Any]]) -> None:
        """Role players' grades: their actual points against their line."""
        points = dict(self.conn.execute("SELECT player_lookup, points FROM nba_analytics.player_game_summary "
                                        "WHERE game_id = ? AND game_date = ?", (g, day)).fetchall())
        self.insert("nba_predictions.prediction_accuracy", [
            {"player_lookup": r["player_lookup"], "game_id": g, "game_date": day, "system_id": r["system_id"],
             "actual_points": points[r["player_lookup"]], "minutes_played": 30.0, "is_voided": False,
             "graded_at": day + "T23:59:00", "line_source": "ACTUAL_PROP", "has_prop_line": True,
             "prediction_correct": (points[r["player_lookup"]] > r["current_points_line"]) ==
                                   (r["recommendation"] == "OVER")}
            for r in rows if r["line_source"] == "ACTUAL_PROP"])

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


def clean_season(root: Path, rotation: bool = True) -> MiniHouse:
    """Every rule passes. Includes what the rules must ignore: scrape duplicates, preseason, All-Star, unplayed."""
    h = MiniHouse(root, rotation)
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
        for processor, qualified in PHASE3_TABLES.items():  # honest counts: each table's rows of the date
            count = h.conn.execute(f"SELECT COUNT(*) FROM {qualified} WHERE game_date = ?", (day,)).fetchone()[0]
            h.run(processor, day, "success", count)
    return h


def _prediction(game: str, day: str, player: str, system: str, line: float | None) -> dict[str, Any]:
    """Predicted half a point under what the player scores: OVER a line a point under that, no call without one."""
    suffix = "v8" if system == "catboost_v8" else system
    base = {"prediction_id": f"{game}_{player}_{suffix}", "player_lookup": player, "game_id": game,
            "game_date": day, "system_id": system, "is_active": True, "created_at": day + "T23:40:00"}
    if player.endswith(("player1", "player2")):
        return {**base, "predicted_points": 11.5, "line_source": "ACTUAL_PROP", "current_points_line": line,
                "recommendation": "OVER"}
    if line is None:
        return {**base, "predicted_points": 9.0, "line_source": "ESTIMATED_AVG", "current_points_line": 9.5,
                "recommendation": "NO_LINE"}
    return {**base, "predicted_points": line + (1.5 if line % 2 < 1 else -1.5), "line_source": "ACTUAL_PROP",
            "current_points_line": line, "recommendation": "OVER" if line % 2 < 1 else "UNDER"}


# The final scrape's score (every final game, counted or not).
_SCORES = {"home_team_score": HOME_SCORE, "away_team_score": AWAY_SCORE}


def _player_stats(player: str, home: bool, points: int = 12, usage: float | None = None) -> dict[str, Any]:
    """usage_rate, plus_minus and fg_attempts of a played row: the winners plus, the losers minus, by player."""
    rank = 1 if player.endswith("player1") else 2
    return {"usage_rate": usage if usage is not None else (24.0 if rank == 1 else 18.0),
            "plus_minus": (1 if home else -1) * (8 - rank * 2 + len(player) % 3),
            "fg_attempts": round(points * 0.8) + 1}


def copy_warehouse(src: Path, dst: Path) -> Path:
    """A byte copy of a closed warehouse (each test breaks its own copy)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.sqlite"):
        with sqlite3.connect(f) as a, sqlite3.connect(dst / f.name) as b:
            a.backup(b)
        b.close()
        a.close()
    return dst
