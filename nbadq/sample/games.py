"""A game as the sample generator knows it (the truth the warehouse tables are derived from)."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

# NBA.com type digit (third character of the game id) per kind of game.
TYPE_DIGIT = {"preseason": "1", "regular": "2", "all_star": "3", "playoffs": "4", "play_in": "5"}
COUNTED_KINDS = ("regular", "playoffs", "play_in")


@dataclass(frozen=True)
class Game:
    nba_id: str
    game_date: dt.date
    season_year: int
    kind: str
    home: str
    away: str
    home_wins: bool
    playoff_round: str | None = None
    postponed_from: dt.date | None = None  # NBA.com keeps the id when a game moves to a new date

    @property
    def counted(self) -> bool:
        return self.kind in COUNTED_KINDS

    @property
    def system_id(self) -> str:
        """The id every table but the schedule and the gamebook uses: YYYYMMDD_AWAY_HOME."""
        return f"{self.game_date:%Y%m%d}_{self.away}_{self.home}"


def nba_id(kind: str, season_year: int, sequence: int | str) -> str:
    """'00' + type digit + 2-digit season + 5-digit sequence."""
    seq = sequence if isinstance(sequence, str) else f"{sequence:05d}"
    return f"00{TYPE_DIGIT[kind]}{season_year % 100:02d}{seq}"


def home_win_probability(home_strength: float, away_strength: float) -> float:
    """Logistic in the rotations' scoring gap, with a home-court edge of about 58%."""
    return 1 / (1 + math.exp(-(0.33 + 1.6 * (home_strength - away_strength))))


def decide(rng: random.Random, home_strength: float, away_strength: float) -> bool:
    return rng.random() < home_win_probability(home_strength, away_strength)
