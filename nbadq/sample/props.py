"""Raw prop lines (bettingpros_player_points_props): what the bookmakers offered on the morning of each game.

Per team the best-ranked ~45% of the dressed players get a line (so 35-60% of the day's context rows have one,
and every game has 12+ players with lines), plus now and then a starter ruled out after the lines opened (a late
scratch): his line is pulled at 17:00 (is_active = FALSE) and the predictions made for him are invalidated.
DraftKings always offers the line the platform reads; one or two other books offer it or half a point off.
Both sides (over, under) of every offer are scraped; some offers are scraped twice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from nbadq.sample.games import Game

PRIMARY_BOOK = "draftkings"  # the line the platform reads (context, predictions)
OTHER_BOOKS = ("fanduel", "betmgm", "caesars")
LINE_SHARE = 0.45  # of a team's dressed players
LATE_SCRATCH_RANK = 5  # inactive players ranked above this were expected to play...
LATE_SCRATCH_SHARE = 0.25  # ...and this share of them were ruled out after the lines opened
RESCRAPE_SHARE = 0.15
SCRAPED_AT = ("08:00", "08:20")  # the morning scrapes; context (10:00) reads them
PULLED_AT = "17:00"


@dataclass(frozen=True)
class Line:
    player: str
    points_line: float
    scratched: bool  # inactive: ruled out after the line opened


def game_lines(game: Game, box: list[dict[str, Any]], rng: random.Random) -> list[Line]:
    """The players of `game` with a line, from its box score rows (their `_rank` and `_expected` points)."""
    lines = []
    for team in (game.home, game.away):
        rows = sorted((r for r in box if r["team_abbr"] == team), key=lambda r: r["_rank"])
        dressed = [r for r in rows if r["player_status"] != "inactive"]
        lined = dressed[:round(LINE_SHARE * len(dressed))]
        lined += [r for r in rows if r["player_status"] == "inactive" and r["_rank"] < LATE_SCRATCH_RANK
                  and rng.random() < LATE_SCRATCH_SHARE]
        for r in lined:
            # Books set x.5 lines near what the player is expected to score.
            value = max(0.5, math.floor(r["_expected"] + rng.gauss(0, 1.5)) + 0.5)
            lines.append(Line(r["player_lookup"], value, r["player_status"] == "inactive"))
    return lines


def prop_rows(game: Game, lines: list[Line], rng: random.Random) -> list[dict[str, Any]]:
    """Every scraped offer of the game's lines: both sides, the primary book and one or two others."""
    day = game.game_date.isoformat()
    rows = []
    for line in lines:
        books = [(PRIMARY_BOOK, line.points_line)] + [
            (book, max(0.5, line.points_line + rng.choice((-0.5, 0.0, 0.0, 0.5))))
            for book in rng.sample(OTHER_BOOKS, rng.randint(1, 2))]
        for book, value in books:
            times = SCRAPED_AT if rng.random() < RESCRAPE_SHARE else SCRAPED_AT[:1]
            offers = [(at, True) for at in times] + ([(PULLED_AT, False)] if line.scratched else [])
            rows += [{"game_date": day, "player_lookup": line.player, "bookmaker": book, "bet_side": side,
                      "points_line": value, "is_active": int(active), "processed_at": f"{day}T{at}:00+00:00"}
                     for at, active in offers for side in ("over", "under")]
    return rows
