"""The 30 teams and the league's structure: conferences of three five-team divisions."""

from __future__ import annotations

from nbadq.schema import TEAMS

DIVISIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "East": {"Atlantic": ("BOS", "BKN", "NYK", "PHI", "TOR"),
             "Central": ("CHI", "CLE", "DET", "IND", "MIL"),
             "Southeast": ("ATL", "CHA", "MIA", "ORL", "WAS")},
    "West": {"Northwest": ("DEN", "MIN", "OKC", "POR", "UTA"),
             "Pacific": ("GSW", "LAC", "LAL", "PHX", "SAC"),
             "Southwest": ("DAL", "HOU", "MEM", "NOP", "SAS")},
}
CONFERENCE_OF: dict[str, str] = {t: conf for conf, divs in DIVISIONS.items() for teams in divs.values() for t in teams}
DIVISION_OF: dict[str, str] = {t: div for divs in DIVISIONS.values() for div, teams in divs.items() for t in teams}

assert sorted(CONFERENCE_OF) == sorted(TEAMS), "the divisions must hold exactly the contract's 30 teams"
