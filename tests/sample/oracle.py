"""An independent oracle for the sample: each rule's failing dates computed in plain Python over the rows.

It shares no code with nbadq's rules (only the contract's facts: table and column names, the fallback openers),
so it can cross-check both the sample's manifest and the validation suites. Each function is one rule, written the
obvious way from its definition: a game date has a final (status 3) game of type 2, 4 or 5 in the schedule
deduplicated on (game_id, game_date) by latest processed_at; processable = season day >= 14, bootstrap = 0-13.
Which rules it answers for comes from the suites: a dated suite rule without a function here is an error naming
it, not a rule silently left out of the comparison.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
import os
from pathlib import Path

from nbadq.rules.project import load_project

CONTRACT_OPENERS = {2021: "2021-10-19", 2022: "2022-10-18", 2023: "2023-10-24", 2024: "2024-10-22",
                    2025: "2025-10-21", 2026: "2026-10-21"}
PHASE4 = {  # processor -> (dataset.table, date column)
    "TeamDefenseZoneAnalysisProcessor": ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
    "PlayerShotZoneAnalysisProcessor": ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
    "PlayerDailyCacheProcessor": ("nba_precompute.player_daily_cache", "cache_date"),
    "PlayerCompositeFactorsProcessor": ("nba_precompute.player_composite_factors", "game_date"),
    "MLFeatureStoreProcessor": ("nba_predictions.ml_feature_store_v2", "game_date"),
}
OUTPUTS = {"PlayerGameSummaryProcessor": ("nba_analytics.player_game_summary", "game_date"), **PHASE4}


class Warehouse:
    """Rows of a local warehouse directory, read with nothing but sqlite3 (only the columns a rule needs)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def rows(self, qualified: str, *columns: str) -> list[tuple]:
        dataset, name = qualified.split(".")
        conn = sqlite3.connect(f"file:{self.root / (dataset + '.sqlite')}?mode=ro", uri=True)
        try:
            return conn.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
        finally:
            conn.close()

    def dates(self, qualified: str, date_col: str) -> set[str]:
        return {d for (d,) in self.rows(qualified, f"DISTINCT {date_col}")}


def season_of(day: str) -> int:
    year, month = int(day[:4]), int(day[5:7])
    return year if month >= 7 else year - 1


def _moment(text: str | None) -> dt.datetime | None:
    """A stored TIMESTAMP (ISO text, naive = UTC) as an aware datetime."""
    if not text:
        return None
    moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _played(status: int, at: str, tipoff: str | None) -> bool:
    """Final, or stuck live: still live on its latest scrape, taken more than 6 h after tip-off."""
    late = tipoff is not None and _moment(at) - _moment(tipoff) > dt.timedelta(hours=6)
    return status == 3 or (status == 2 and late)


class Calendar:
    def __init__(self, wh: Warehouse) -> None:
        latest: dict[tuple[str, str], tuple[str, int, str]] = {}
        for game_id, day, status, at, tip in wh.rows("nba_raw.nbac_schedule", "game_id", "game_date",
                                                      "game_status", "processed_at", "game_date_est"):
            if (game_id, day) not in latest or at > latest[(game_id, day)][0]:
                latest[(game_id, day)] = (at, status, tip)
        finals = [(g, d) for (g, d), (at, status, tip) in latest.items() if _played(status, at, tip)]
        self.expected = Counter(d for g, d in finals if g[2] in "245")
        openers: dict[int, str] = {}
        for g, d in finals:
            if g[2] == "2":
                openers[season_of(d)] = min(openers.get(season_of(d), d), d)
        self.openers = {**CONTRACT_OPENERS, **openers}

    def season_day(self, day: str) -> int:
        opener = self.openers[season_of(day)]
        return (dt.date.fromisoformat(day) - dt.date.fromisoformat(opener)).days

    def game_dates(self) -> list[str]:
        return sorted(self.expected)

    def processable(self) -> list[str]:
        return [d for d in self.game_dates() if self.season_day(d) >= 14]

    def bootstrap(self) -> list[str]:
        return [d for d in self.game_dates() if 0 <= self.season_day(d) < 14]


def _distinct_games(pairs: list[tuple]) -> dict[str, int]:
    """(date, game_id, ...) rows -> distinct games per date."""
    games: dict[str, set] = defaultdict(set)
    for day, game, *_ in pairs:
        games[day].add(game)
    return {d: len(g) for d, g in games.items()}


def _dup_dates(rows: list[tuple]) -> list[str]:
    """(date, *key) rows -> dates holding a key seen more than once."""
    seen = Counter(rows)
    return sorted({r[0] for r, n in seen.items() if n > 1})


def completeness(cal: Calendar, pairs: list[tuple]) -> list[str]:
    have = _distinct_games(pairs)
    return [d for d in cal.game_dates() if have.get(d, 0) < cal.expected[d]]


def minutes_null_rate(rows: list[tuple]) -> list[str]:
    """rows: (game_date, is_dnp, minutes_played)."""
    played, nulls = Counter(), Counter()
    for day, is_dnp, minutes in rows:
        if not is_dnp:
            played[day] += 1
            nulls[day] += minutes is None
    return sorted(d for d in played if nulls[d] / played[d] > 0.05)


def column_health(wh: Warehouse) -> list[str]:
    """Dates where, over the played rows (is_dnp not true) of player_game_summary, minutes_played, points,
    usage_rate or plus_minus is NULL on more than 5% (warn; over 50% fails) or outside its bounds, or has a single
    distinct value on 50+ played rows; or is_dnp is NULL on more than 1% of the date's rows."""
    bounds = {"minutes_played": (0, 60), "points": (0, 80), "usage_rate": (0, 100), "plus_minus": None}
    rows, played = Counter(), defaultdict(list)
    dnp_null = Counter()
    for day, is_dnp, *values in wh.rows("nba_analytics.player_game_summary", "game_date", "is_dnp", *bounds):
        rows[day] += 1
        dnp_null[day] += is_dnp is None
        if is_dnp != 1:
            played[day].append(values)
    bad = {d for d in rows if dnp_null[d] > 0.01 * rows[d]}
    for day, values in played.items():
        for i, limits in enumerate(bounds.values()):
            column = [v[i] for v in values]
            known = [v for v in column if v is not None]
            if len(column) - len(known) > 0.05 * len(column) \
                    or (limits and any(not limits[0] <= v <= limits[1] for v in known)) \
                    or (len(column) >= 50 and len(set(known)) == 1):
                bad.add(day)
    return sorted(bad)


def precompute_column_health(wh: Warehouse) -> list[str]:
    """Dates where player_composite_factors' fatigue_score or the feature store's feature_quality_score is NULL on
    more than 5% of the table's rows of the date (warn; over 50% fails), outside 0-100, or a single distinct value
    on 50+ rows."""
    bad = set()
    for table, column in (("nba_precompute.player_composite_factors", "fatigue_score"),
                          ("nba_predictions.ml_feature_store_v2", "feature_quality_score")):
        by_day = defaultdict(list)
        for day, value in wh.rows(table, "game_date", column):
            by_day[day].append(value)
        for day, values in by_day.items():
            known = [v for v in values if v is not None]
            if len(values) - len(known) > 0.05 * len(values) or any(not 0 <= v <= 100 for v in known) \
                    or (len(values) >= 50 and len(set(known)) == 1):
                bad.add(day)
    return sorted(bad)


def precompute_completeness(cal: Calendar, wh: Warehouse) -> list[str]:
    present = [wh.dates(t, col) for t, col in PHASE4.values()]
    return [d for d in cal.processable() if not all(d in p for p in present)]


def coverage(cal: Calendar, wh: Warehouse) -> float:
    have = _distinct_games(wh.rows("nba_precompute.player_composite_factors", "game_date", "game_id"))
    days = cal.processable()
    want = sum(cal.expected[d] for d in days)
    return sum(have.get(d, 0) for d in days) / want if want else 1.0


def early_season(cal: Calendar, wh: Warehouse) -> list[str]:
    boot = set(cal.bootstrap())
    bad = set()
    for name in ("PlayerCompositeFactorsProcessor", "PlayerShotZoneAnalysisProcessor", "PlayerDailyCacheProcessor"):
        bad |= wh.dates(*PHASE4[name]) & boot
    for name in ("TeamDefenseZoneAnalysisProcessor", "MLFeatureStoreProcessor"):
        t, col = PHASE4[name]
        bad |= {d for d, flag in wh.rows(t, col, "early_season_flag") if d in boot and flag != 1}
    return sorted(bad)


def _active_predictions(wh: Warehouse) -> list[tuple]:
    return [r[:4] for r in wh.rows("nba_predictions.player_prop_predictions", "game_date", "game_id",
                                   "player_lookup", "system_id", "is_active") if r[4]]


def predictions_completeness(cal: Calendar, active: list[tuple]) -> list[str]:
    have = _distinct_games(active)
    return [d for d in cal.processable() if have.get(d, 0) < cal.expected[d]]


def _gradable(wh: Warehouse) -> set[tuple]:
    """(date, game, player, system) of the gradable predictions: active, real line, not invalidated."""
    return {r[:4] for r in wh.rows("nba_predictions.player_prop_predictions", "game_date", "game_id", "player_lookup",
                                   "system_id", "is_active", "line_source", "invalidation_reason")
            if r[4] and r[5] == "ACTUAL_PROP" and r[6] is None}


def grading_completeness(cal: Calendar, gradable: set[tuple], graded: list[tuple]) -> list[str]:
    """Game dates with a game that has a gradable prediction and no grade at all."""
    owed = {(d, g) for d, g, *_ in gradable}
    done = {(d, g) for d, g, *_ in graded}
    days = set(cal.game_dates())
    return sorted({d for d, g in owed - done if d in days})


def grading_per_system(gradable: set[tuple], graded: list[tuple]) -> list[str]:
    """Dates where some system graded under 80% of its gradable predictions (a warning from 50%, a failure
    under it: the rule's two expectations together)."""
    done = set(graded)
    owed, hit = Counter(), Counter()
    for key in gradable:
        owed[(key[0], key[3])] += 1
        hit[(key[0], key[3])] += key in done
    return sorted({day for (day, system), n in owed.items() if hit[(day, system)] < 0.8 * n})


def predictions_per_system(wh: Warehouse) -> list[str]:
    """Dates where more than 20% of some system's real-line predictions are inactive."""
    rows, inactive = Counter(), Counter()
    for day, system, active, source in wh.rows("nba_predictions.player_prop_predictions", "game_date", "system_id",
                                               "is_active", "line_source"):
        if source == "ACTUAL_PROP":
            rows[(day, system)] += 1
            inactive[(day, system)] += not active
    return sorted({key[0] for key, n in rows.items() if inactive[key] > 0.2 * n})


def prop_lines(cal: Calendar, wh: Warehouse) -> list[str]:
    """Game dates where fewer than 10 players per counted game have an active bettingpros line."""
    lined: dict[str, set] = defaultdict(set)
    for day, player, active in wh.rows("nba_raw.bettingpros_player_points_props", "game_date", "player_lookup",
                                       "is_active"):
        if active:
            lined[day].add(player)
    return [d for d in cal.game_dates() if len(lined[d]) < 10 * cal.expected[d]]


def prop_line_coverage(cal: Calendar, wh: Warehouse) -> list[str]:
    """Game dates where under 35% of the context rows have a prop line (or there is no context row)."""
    rows, lined = Counter(), Counter()
    for day, has_line in wh.rows("nba_analytics.upcoming_player_game_context", "game_date", "has_prop_line"):
        rows[day] += 1
        lined[day] += bool(has_line)
    return [d for d in cal.game_dates() if not rows[d] or lined[d] / rows[d] < 0.35]


def predictions_prop_line_coverage(cal, wh):
    """Processable dates with active predictions where under 90% of the players with a line in the context have
    an active prediction."""
    lined = {(d, p) for d, p, has in wh.rows("nba_analytics.upcoming_player_game_context", "game_date",
                                               "player_lookup", "has_prop_line") if has}
    predicted = {(d, p) for d, p, active in wh.rows("nba_predictions.player_prop_predictions", "game_date",
                                                     "player_lookup", "is_active") if active}
    want, have = Counter(), Counter()
    for key in lined:
        want[key[0]] += 1
        have[key[0]] += key in predicted
    days = {d for d, _ in predicted}  # a date without any active prediction is predictions.completeness's
    return [d for d in cal.processable() if d in days and want[d] and have[d] < 0.9 * want[d]]


def predictions_player_reconciliation(cal, wh):
    """Processable dates with active predictions where under 90% of the context's players without a line (a player
    is lined when any of his context rows of the date has a line) have an active prediction."""
    players, lined = set(), set()
    for d, p, has in wh.rows("nba_analytics.upcoming_player_game_context", "game_date", "player_lookup",
                             "has_prop_line"):
        players.add((d, p))
        if has:
            lined.add((d, p))
    predicted = {(d, p) for d, p, active in wh.rows("nba_predictions.player_prop_predictions", "game_date",
                                                     "player_lookup", "is_active") if active}
    want, have = Counter(), Counter()
    for key in players - lined:
        want[key[0]] += 1
        have[key[0]] += key in predicted
    days = {d for d, _ in predicted}  # a date without any active prediction is predictions.completeness's
    return [d for d in cal.processable() if d in days and have[d] < 0.9 * want[d]]


def system_games(wh: Warehouse) -> dict[tuple[str, str], bool]:
    """(date, system id YYYYMMDD_AWAY_HOME) of every game of the deduplicated schedule -> whether it is a counted
    played game (final or stuck live, type 2, 4 or 5)."""
    latest: dict[tuple[str, str], tuple] = {}
    for game_id, day, status, away, home, at, tip in wh.rows(
            "nba_raw.nbac_schedule", "game_id", "game_date", "game_status", "away_team_tricode", "home_team_tricode",
            "processed_at", "game_date_est"):
        if (game_id, day) not in latest or at > latest[(game_id, day)][0]:
            latest[(game_id, day)] = (at, status, away, home, tip)
    return {(day, f"{day.replace('-', '')}_{away}_{home}"): _played(status, at, tip) and game_id[2] in "245"
            for (game_id, day), (at, status, away, home, tip) in latest.items()}


def game_id_orientation(wh: Warehouse, games: dict[tuple[str, str], bool], tables: tuple[str, ...] = (
        "nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
        "nba_analytics.team_defense_game_summary")) -> list[str]:
    """Dates with a game id in one of `tables` that is no schedule game's system id on its date."""
    ids = {(d, g) for t in tables for d, g in wh.rows(t, "game_date", "game_id")}
    return sorted({d for d, g in ids if (d, g) not in games})


def _latest_schedule(wh: Warehouse) -> dict[tuple[str, str], tuple]:
    """(game_id, date) of counted types -> its latest scrape's (processed_at, status, home score, away score, tip)."""
    latest: dict[tuple[str, str], tuple] = {}
    for game_id, day, at, *rest in wh.rows("nba_raw.nbac_schedule", "game_id", "game_date", "processed_at",
                                           "game_status", "home_team_score", "away_team_score", "game_date_est"):
        if game_id[2] in "245" and ((game_id, day) not in latest or at > latest[(game_id, day)][0]):
            latest[(game_id, day)] = (at, *rest)
    return latest


def schedule_integrity(wh: Warehouse) -> list[str]:
    """Dates with a final game without both scores, a game final again after an earlier final of its id, a game
    live more than 6 h after tip-off on its latest scrape, or (the warning) one scheduled on a scrape after tip-off."""
    latest = _latest_schedule(wh)
    finals = defaultdict(list)
    for (game_id, day), (_, status, *_) in latest.items():
        if status == 3:
            finals[game_id].append(day)
    bad = set()
    for (game_id, day), (at, status, home, away, tip) in latest.items():
        after = tip is not None and _moment(at) - _moment(tip)
        if status == 3 and (home is None or away is None or min(finals[game_id]) < day):
            bad.add(day)
        elif (status == 2 and after and after > dt.timedelta(hours=6)) or (status == 1 and after and
                                                                          after > dt.timedelta(0)):
            bad.add(day)
    return sorted(bad)


def freshness(wh: Warehouse, clock: dt.datetime) -> list[str]:
    """In season (a season's first to last scheduled game, plus a day): the clock's date when the latest scrape
    at or before it is over 24 h old; the latest date ended (3 h after its last tip-off) over 6 h before the clock
    when it has no player_game_summary rows written by then. Outside every season (the sample): nothing."""
    rows = [r for r in wh.rows("nba_raw.nbac_schedule", "game_id", "game_date", "season_year", "processed_at",
                               "game_date_est")]
    spans: dict[int, list[str]] = defaultdict(list)
    for game_id, day, season, *_ in rows:
        if game_id[2] in "245":
            spans[season].append(day)
    today = clock.date().isoformat()
    if not any(min(d) <= today <= (dt.date.fromisoformat(max(d)) + dt.timedelta(days=1)).isoformat()
               for d in spans.values()):
        return []
    found = []
    scrapes = [_moment(r[3]) for r in rows if _moment(r[3]) <= clock]
    if not scrapes or clock - max(scrapes) > dt.timedelta(hours=24):
        found.append(today)
    ends: dict[str, dt.datetime] = {}
    played = set(Calendar(wh).game_dates())
    for game_id, day, _, _, tip in rows:
        if day in played and game_id[2] in "245" and tip:
            ends[day] = max(ends.get(day, _moment(tip)), _moment(tip))
    owed = [d for d, tip in ends.items() if tip + dt.timedelta(hours=9) <= clock]
    written = {d for d, at in wh.rows("nba_analytics.player_game_summary", "game_date", "processed_at")
               if at is None or _moment(at) <= clock}
    if owed and max(owed) not in written:
        found.append(max(owed))
    return sorted(set(found))


def _half_up(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def team_grain(wh: Warehouse, games: dict[tuple[str, str], bool]) -> list[str]:
    """Dates with a counted final game whose team tables do not hold one row per schedule team (offense and
    defense), with points 0 / fg_attempts 0 or points outside 70-180, or one of whose teams played under 200
    minutes (warn; under 180 fails), 25 more per overtime (the game's larger total above 240 among teams whose
    minutes are all known, in 25-minute periods). Team minutes: each player once, whole minutes; a team with a
    played row without minutes is skipped."""
    offense, defense = defaultdict(list), defaultdict(list)
    for d, g, team, points, fga in wh.rows("nba_analytics.team_offense_game_summary", "game_date", "game_id",
                                           "team_abbr", "points_scored", "fg_attempts"):
        offense[(d, g)].append((team, points, fga))
    for d, g, team, points in wh.rows("nba_analytics.team_defense_game_summary", "game_date", "game_id",
                                      "defending_team_abbr", "points_allowed"):
        defense[(d, g)].append((team, points, 1))
    players: dict[tuple, list] = {}
    for d, g, team, player, dnp, minutes in wh.rows("nba_analytics.player_game_summary", "game_date", "game_id",
                                                    "team_abbr", "player_lookup", "is_dnp", "minutes_played"):
        got = players.setdefault((d, g, team, player), [None, False])
        if minutes is not None:
            got[0] = minutes if got[0] is None else max(got[0], minutes)
        got[1] = got[1] or (dnp == 0 and minutes is None)
    minutes_of: dict[tuple, list] = {}
    for (d, g, team, _), (minutes, unknown) in players.items():
        got = minutes_of.setdefault((d, g, team), [0.0, False])
        got[0] += minutes or 0.0
        got[1] = got[1] or unknown
    bad = set()
    for (d, g), counted in games.items():
        if not counted:
            continue
        teams = sorted(g.split("_")[1:])
        for rows in (offense[(d, g)], defense[(d, g)]):
            if sorted(r[0] for r in rows) != teams or any(not r[1] or not r[2] or not 70 <= r[1] <= 180 for r in rows):
                bad.add(d)
        sides = [minutes_of.get((d, g, t)) for t in teams]
        if all(s is None for s in sides):
            continue  # no player_game_summary row of the game: analytics.completeness' business
        totals = [_half_up(s[0]) if s else 0 for s in sides]
        known = [total for s, total in zip(sides, totals) if not (s and s[1])]  # teams whose minutes are all known
        overtime = _half_up((max(known) - 240) / 25) if known and max(known) > 240 else 0
        if any(not (s and s[1]) and total < 200 + 25 * overtime for s, total in zip(sides, totals)):
            bad.add(d)
    return sorted(bad)


def player_reconciliation(cal: Calendar, wh: Warehouse) -> list[str]:
    """Processable dates where composite factors hold under 90% of the played players of player_game_summary, or
    the feature store under 95% of the composite players (a side without rows is not judged)."""
    def players(qualified: str, *where: tuple) -> dict[str, set]:
        out: dict[str, set] = defaultdict(set)
        for day, player, *rest in wh.rows(qualified, "game_date", "player_lookup", *(w[0] for w in where)):
            if all(value == want for value, (_, want) in zip(rest, where)):
                out[day].add(player)
        return out
    played = players("nba_analytics.player_game_summary", ("is_dnp", 0))
    composite = players("nba_precompute.player_composite_factors")
    features = players("nba_predictions.ml_feature_store_v2")
    bad = []
    for d in cal.processable():
        c = len(composite.get(d, ()))
        if not c:
            continue
        p, f = len(played.get(d, ())), len(features.get(d, ()))
        if (p and c < 0.9 * p) or (f and f < 0.95 * c):
            bad.append(d)
    return bad

def analytics_player_reconciliation(wh: Warehouse) -> list[str]:
    """Game dates where an active gamebook player of a counted played game (final or stuck live) that
    player_game_summary holds under its system id has no player_game_summary row that date (whatever his game id
    there)."""
    latest: dict[tuple[str, str], tuple] = {}
    for game_id, day, status, at, tip, away, home in wh.rows("nba_raw.nbac_schedule", "game_id", "game_date",
                                                             "game_status", "processed_at", "game_date_est",
                                                             "away_team_tricode", "home_team_tricode"):
        if (game_id, day) not in latest or at > latest[(game_id, day)][0]:
            latest[(game_id, day)] = (at, _played(status, at, tip), f"{day.replace('-', '')}_{away}_{home}")
    present = set(wh.rows("nba_analytics.player_game_summary", "game_date", "game_id"))
    counted = {key for key, (_, played, sid) in latest.items()
               if played and key[0][2] in "245" and (key[1], sid) in present}
    owed = {(day, player) for game_id, day, player, status in wh.rows(
        "nba_raw.nbac_gamebook_player_stats", "game_id", "game_date", "player_lookup", "player_status")
        if status == "active" and (game_id, day) in counted}
    have = set(wh.rows("nba_analytics.player_game_summary", "game_date", "player_lookup"))
    return sorted({day for day, player in owed - have})


def _off_history(dates: list[str], measures: dict[str, tuple[str, dict[str, tuple]]]) -> list[str]:
    """Dates (of `dates`, each season in order) where a measure is off the average of the previous 28 dates of its
    season that have a value: rows per game ('rows') under 70% of it, a share more than 10 points over it (only on a
    date with 50+ rows behind the share). A date with fewer than 7 such previous dates is not judged.
    measures: label -> (kind, {day: (value, rows behind it)})."""
    seasons: dict[int, list[str]] = defaultdict(list)
    for day in dates:
        seasons[season_of(day)].append(day)
    bad = set()
    for days in seasons.values():
        for i, day in enumerate(days):
            for kind, per_day in measures.values():
                value, base = per_day.get(day, (None, 0))
                past = [per_day[d][0] for d in days[max(0, i - 28):i] if per_day.get(d, (None,))[0] is not None]
                if value is None or len(past) < 7:
                    continue
                average = sum(past) / len(past)
                if (value < 0.7 * average) if kind == "rows" else (base >= 50 and value > average + 0.10):
                    bad.add(day)
    return sorted(bad)


def _per_day_measures(rows: list[tuple], columns: dict[str, tuple[str, ...]], label: str = "") -> dict:
    """rows: (game_date, game_id, counted, *values); a row counts in the shares when `counted`. columns: the value
    columns' names -> the shares measured on them ('null', 'zero'). Rows per game: rows / distinct game ids."""
    by_day: dict[str, list[tuple]] = defaultdict(list)
    for day, *rest in rows:
        by_day[day].append(rest)
    measures: dict[str, tuple[str, dict]] = {f"{label}rows": ("rows", {})}
    for day, found in by_day.items():
        games = len({g for g, *_ in found if g is not None})
        measures[f"{label}rows"][1][day] = (len(found) / games if games else None, games)
        counted = [r[2:] for r in found if r[1]]
        for i, (name, kinds) in enumerate(columns.items()):
            for kind in kinds:
                hits = sum((v[i] is None) if kind == "null" else (v[i] == 0) for v in counted)
                per_day = measures.setdefault(f"{label}{name} {kind}", (kind, {}))[1]
                per_day[day] = (hits / len(counted) if counted else None, len(counted))
    return measures


def volume_vs_history(cal: Calendar, wh: Warehouse) -> list[str]:
    """analytics.volume_vs_history over player_game_summary: shares over the played rows (is_dnp not true)."""
    rows = [(d, g, dnp != 1, *v) for d, g, dnp, *v in wh.rows(
        "nba_analytics.player_game_summary", "game_date", "game_id", "is_dnp", "minutes_played", "points",
        "usage_rate", "plus_minus")]
    shares = {"minutes_played": ("null", "zero"), "points": ("null", "zero"), "usage_rate": ("null", "zero"),
              "plus_minus": ("null",)}
    return _off_history(cal.game_dates(), _per_day_measures(rows, shares))


def precompute_volume_vs_history(cal: Calendar, wh: Warehouse) -> list[str]:
    """precompute.volume_vs_history: composite factors and the feature store, over processable dates only."""
    measures = {}
    for table, column in (("nba_precompute.player_composite_factors", "fatigue_score"),
                          ("nba_predictions.ml_feature_store_v2", "feature_quality_score")):
        rows = [(d, g, True, v) for d, g, v in wh.rows(table, "game_date", "game_id", column)]
        measures.update(_per_day_measures(rows, {column: ("null", "zero")}, label=table))
    return _off_history(cal.processable(), measures)


def stale_after_upstream(cal: Calendar, wh: Warehouse) -> list[str]:
    """Processable dates t whose earliest composite-factor processed_at is before the latest player_game_summary
    processed_at of some game date d of the same season with t - 21 days <= d < t."""
    written: dict[str, str] = {}
    for day, at in wh.rows("nba_precompute.player_composite_factors", "game_date", "processed_at"):
        if at is not None and (day not in written or at < written[day]):
            written[day] = at
    latest: dict[str, str] = {}
    for day, at in wh.rows("nba_analytics.player_game_summary", "game_date", "processed_at"):
        if at is not None and (day not in latest or at > latest[day]):
            latest[day] = at
    game_dates = cal.game_dates()
    stale = []
    for t in cal.processable():
        if t not in written:
            continue
        first = (dt.date.fromisoformat(t) - dt.timedelta(days=21)).isoformat()
        upstream = [d for d in game_dates if first <= d < t and season_of(d) == season_of(t)]
        if any(d in latest and latest[d] > written[t] for d in upstream):
            stale.append(t)
    return stale

def false_zero_runs(wh: Warehouse) -> list[str]:
    """Dates where a processor's latest finished run recorded 0 rows while its output table holds rows."""
    dates_with_rows = {name: wh.dates(t, col) for name, (t, col) in OUTPUTS.items()}
    runs = wh.rows("nba_reference.processor_run_history", "processor_name", "data_date", "status",
                   "records_processed", "processed_at")
    latest: dict[tuple[str, str], tuple[str, str, int]] = {}
    for name, day, status, records, at in runs:
        if status != "running" and ((name, day) not in latest or at > latest[(name, day)][0]):
            latest[(name, day)] = (at, status, records)
    return sorted({day for (name, day), (_, status, records) in latest.items()
                   if status == "success" and records == 0 and name in OUTPUTS and day in dates_with_rows[name]})


def suite_date_rules() -> list[str]:
    """The dated rules of the suites the tests validate with (each reports failing dates)."""
    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    return list(dict.fromkeys(e.rule for e in project.rules() if e.dated))


def failing_dates(root: Path) -> dict[str, list[str]]:
    """Each dated suite rule's failing dates; an error naming any suite rule the oracle has no function for."""
    return for_rules(suite_date_rules(), _every_rule(root))


def for_rules(rules: list[str], found: dict[str, list[str]]) -> dict[str, list[str]]:
    """`found` for exactly `rules`, in their order; an AssertionError naming a rule missing on either side."""
    missing = [r for r in rules if r not in found]
    stray = [r for r in found if r not in rules]
    problems = [f"no oracle for suite rules {missing}"] * bool(missing) + \
        [f"an oracle for rules the suites do not have {stray}"] * bool(stray)
    if problems:
        raise AssertionError(f"tests/sample/oracle.py (_every_rule): {'; '.join(problems)}")
    return {rule: found[rule] for rule in rules}


def _every_rule(root: Path) -> dict[str, list[str]]:
    """Every rule the oracle knows, written from its definition: a new dated rule gets its line here."""
    wh = Warehouse(root)
    cal = Calendar(wh)
    analytics = wh.rows("nba_analytics.player_game_summary", "game_date", "game_id", "player_lookup", "is_dnp",
                        "minutes_played")
    games = system_games(wh)  # canonical ids: completeness counts only those of counted final games
    active = _active_predictions(wh)
    gradable = _gradable(wh)
    graded = wh.rows("nba_predictions.prediction_accuracy", "game_date", "game_id", "player_lookup", "system_id")
    return {
        "raw.gamebook_completeness": completeness(
            cal, wh.rows("nba_raw.nbac_gamebook_player_stats", "game_date", "game_id")),
        "raw.prop_lines": prop_lines(cal, wh),
        "raw.schedule_integrity": schedule_integrity(wh),
        "raw.freshness": freshness(wh, dt.datetime.now(dt.timezone.utc)),
        "analytics.completeness": completeness(cal, [r for r in analytics if games.get((r[0], r[1]))]),
        "analytics.prop_line_coverage": prop_line_coverage(cal, wh),
        "analytics.minutes_null_rate": minutes_null_rate([(r[0], r[3], r[4]) for r in analytics]),
        "analytics.duplicate_keys": sorted(set(_dup_dates([r[:3] for r in analytics])) | set(_dup_dates(
            wh.rows("nba_analytics.upcoming_player_game_context", "game_date", "player_lookup")))),
        "analytics.game_id_orientation": game_id_orientation(wh, games),
        "analytics.team_grain": team_grain(wh, games),
        "analytics.column_health": column_health(wh),
        "analytics.player_reconciliation": analytics_player_reconciliation(wh),
        "precompute.column_health": precompute_column_health(wh),
        "precompute.game_id_orientation": game_id_orientation(
            wh, games, ("nba_precompute.player_composite_factors", "nba_predictions.ml_feature_store_v2")),
        "precompute.completeness": precompute_completeness(cal, wh),
        "precompute.early_season": early_season(cal, wh),
        "precompute.duplicate_keys": sorted(set().union(*(_dup_dates(wh.rows(t, c, "player_lookup")) for t, c in (
            ("nba_precompute.player_composite_factors", "game_date"),
            ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
            ("nba_precompute.player_daily_cache", "cache_date"), ("nba_predictions.ml_feature_store_v2", "game_date"))))),
        "precompute.player_reconciliation": player_reconciliation(cal, wh),
        "precompute.stale_after_upstream": stale_after_upstream(cal, wh),
        "analytics.volume_vs_history": volume_vs_history(cal, wh),
        "precompute.volume_vs_history": precompute_volume_vs_history(cal, wh),
        "predictions.completeness": predictions_completeness(cal, [r for r in active if games.get((r[0], r[1]))]),
        "predictions.game_id_orientation": sorted({d for d, g, *_ in active if (d, g) not in games}),
        "grading.game_id_orientation": game_id_orientation(wh, games, ("nba_predictions.prediction_accuracy",)),
        "predictions.duplicate_keys": _dup_dates(active),
        "grading.completeness": grading_completeness(cal, {r for r in gradable if games.get((r[0], r[1]))}, graded),
        "grading.per_system": grading_per_system(gradable, graded),
        "predictions.per_system": predictions_per_system(wh),
        "predictions.prop_line_coverage": predictions_prop_line_coverage(cal, wh),
        "predictions.player_reconciliation": predictions_player_reconciliation(cal, wh),
        "grading.duplicate_keys": _dup_dates(graded),
        "reference.false_zero_runs": false_zero_runs(wh),
    }


def aggregates(root: Path) -> dict[str, float]:
    wh = Warehouse(root)
    played = [m for dnp, m in wh.rows("nba_analytics.player_game_summary", "is_dnp", "minutes_played") if not dnp]
    return {"precompute.coverage": coverage(Calendar(wh), wh),
            "analytics.minutes_null_rate": sum(m is None for m in played) / len(played)}
