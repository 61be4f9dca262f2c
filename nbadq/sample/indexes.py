"""Indexes of a sample warehouse: each table's date column and key, plus what the Phase 4 windows look up."""

from __future__ import annotations

import sqlite3
from typing import Iterable

from nbadq.schema import TABLES, Table

# The rolling windows read one player's recent games and the points scored against one team: covering indexes,
# so a Phase 4 date reads no table rows for its ~3,000 window rows.
EXTRA_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "nba_analytics.player_game_summary": (
        ("player_lookup", "game_date", "is_dnp", "points", "minutes_played"),
        ("opponent_team_abbr", "game_date", "player_lookup", "points")),
}


def index_columns(t: Table) -> list[tuple[str, ...]]:
    """The date column, the key, and the extras; a key led by the date column serves date filters too."""
    date_index = [] if t.key[0] == t.date_column else [(t.date_column,)]
    return list(dict.fromkeys([*date_index, t.key, *EXTRA_INDEXES.get(t.qualified, ())]))


def create_indexes(conn: sqlite3.Connection, tables: Iterable[Table] = TABLES) -> list[str]:
    """CREATE INDEX IF NOT EXISTS for every table given; returns the index names."""
    names = []
    for t in tables:
        for cols in index_columns(t):
            name = f"ix_{t.name}__{'__'.join(cols)}"
            conn.execute(f"CREATE INDEX IF NOT EXISTS {t.dataset}.{name} ON {t.name} ({', '.join(cols)})")
            names.append(name)
    return names
