"""Player names and the platform's player_lookup (lower-case, spaces, punctuation and accents removed)."""

from __future__ import annotations

import random
import unicodedata

FIRST = ("Aaron Alex Andre Anthony Bam Ben Bobby Brandon Cade Cam Chris Christian Cole Damian Darius De'Aaron Dejounte "
         "Derrick Devin Domantas Donovan Dyson Evan Franz Fred Gary Grant Isaiah Ivica Jabari Jaden Jalen Jamal James "
         "Jaren Jarrett Jayson Jaylen Jimmy Jordan Josh Jrue Julius Karl-Anthony Kawhi Keegan Kevin Khris Kyle Kyrie "
         "LaMelo Lauri Luka Malik Marcus Mikal Miles Myles Nikola Norman OG Onyeka Pascal Paolo RJ Scottie Shai "
         "Spencer "
         "Stephen Terry Trae Tyler Tyrese Victor Walker Zach Zion").split()
LAST = ("Adams Allen Anderson Bane Barnes Beasley Bogdanovic Bridges Brooks Brown Brunson Caruso Collins Daniels Davis "
        "DeRozan Dončić Edwards Fox Gilgeous-Alexander Gordon Grant Green Harris Hart Hayes Herro Holiday Hunter "
        "Ingram Jackson James Johnson Jokić Jones Kispert Kuminga LaVine Lillard Lopez Markkanen Martin McCollum "
        "McDaniels Mitchell Morant Murray Nembhard O'Neale Okongwu Porter Powell Randle Reaves Robinson Sabonis "
        "Sengün Sexton Simons Smith Suggs Tatum Thomas Thompson Turner Valančiūnas VanVleet Wagner Walker Washington "
        "White Williams Wiseman Young Zubac").split()
SUFFIXES = ("", "", "", "", "", "", "", "", " Jr.", " II", " III")


def player_lookup(name: str) -> str:
    """'Luka Dončić' -> 'lukadoncic'; "De'Aaron Fox Jr." -> 'deaaronfoxjr'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())


class NameSource:
    """Draws full names whose player_lookup is unique across the whole league history."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()

    def draw(self) -> tuple[str, str]:
        while True:
            name = f"{self._rng.choice(FIRST)} {self._rng.choice(LAST)}{self._rng.choice(SUFFIXES)}"
            lookup = player_lookup(name)
            if lookup not in self._taken:
                self._taken.add(lookup)
                return name, lookup
