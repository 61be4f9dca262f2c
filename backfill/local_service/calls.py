"""A request as the local service sees it, its reply, and the date parsing every route shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from nbadq.calendar import iso_date


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # without the query string
    query: Mapping[str, str]
    body: Any
    token: str | None = None  # the bearer token, if any
    api_key: str | None = None  # the X-API-Key header, if any


@dataclass(frozen=True)
class Reply:
    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class BadRequest(Exception):
    pass


def parse_date(value: Any, name: str) -> dt.date:
    try:
        return iso_date(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be YYYY-MM-DD, not {value!r}") from None
