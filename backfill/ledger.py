"""The fill ledger: append-only JSON Lines, one line per attempt and per outcome, on disk before the run moves on.

Each line is flushed and fsynced as it is written, so a run killed with `kill -9` (or a machine that dies) loses
no outcome it already reported. A kill can tear at most the line being written: the writer starts a fresh line
after a torn one, and the reader skips torn lines (fragments of a record this module writes), so a ledger that
went through several killed-and-resumed runs still reads. `--resume LEDGER` skips every (layer, date) the ledger
records as `filled` once it is proven in SQL again, and appends to the same file unless --ledger says otherwise, so
one file tells the whole story.

One run at a time: a ledger is locked (`fcntl.flock`) while a run appends to it, so a second run on the same file
(which would send every request again) stops with exit 2, naming the pid the holder wrote in its "run" record.
The "run" record also names the warehouse (label and fingerprint); `--resume` against another one is exit 2.

Events: {"event": "run"} (the plan: `planned` dates per layer and `steps`, each with its reasons), "send" (layer,
date, dates, attempt: written before a request goes out, so a kill leaves a trace of what was in flight), "attempt"
(layer, date, dates, attempt, http_status, duration_s, error), "poll" (a coordinator status poll: layer, date,
dates, batch_id, attempt, http_status, batch_status, error, duration_s; coordinator.py), "outcome" (layer, date,
status, attempts, last_http_status, detail, reasons), "end" (exit_code, stopped, counts).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable

from nbadq.errors import UsageError


def default_ledger_path(directory: str) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(directory) / f"fill-{stamp}-{os.getpid()}.jsonl"


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.run_id = uuid.uuid4().hex[:12]
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "ab")
        except OSError as exc:
            raise UsageError(f"ledger {path}: cannot write it ({exc.strerror})") from None
        self._lock_or_fail()
        if self._file.tell() > 0 and not _ends_with_newline(path):
            self._write_bytes(b"\n")  # a torn last line from a killed run: start clean

    def write(self, event: str, **fields: Any) -> None:
        record = {"event": event, "run_id": self.run_id,
                  "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"), **fields}
        self._write_bytes((json.dumps(record, default=str) + "\n").encode("utf-8"))

    def close(self) -> None:
        with self._lock:
            self._file.close()  # closing releases the flock

    def _lock_or_fail(self) -> None:
        """Take the ledger for this run, before a byte is written; another run holding it is exit 2."""
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            holder = holder_pid(self.path)
            who = f"pid {holder}" if holder else "another process"
            raise UsageError(f"ledger {self.path} is in use by another nbadq fill ({who}); wait for it to end "
                             "or give another --ledger") from None

    def _write_bytes(self, data: bytes) -> None:
        with self._lock:
            self._file.write(data)
            self._file.flush()
            os.fsync(self._file.fileno())


RECORD_START = '{"event": '


def read_ledger(path: Path) -> list[dict[str, Any]]:
    """Every complete record of a ledger. Torn records are skipped; any other bad line is an error."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        raise UsageError(f"--resume {path}: no such ledger") from None
    except OSError as exc:
        raise UsageError(f"--resume {path}: cannot read it ({exc.strerror})") from None
    lines = text.split("\n")
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if _torn(line):
                continue
            raise UsageError(f"--resume {path}: line {number} is not JSON; is this a fill ledger?") from None
        if not isinstance(record, dict) or "event" not in record:
            raise UsageError(f"--resume {path}: line {number} is not a fill ledger record")
        records.append(record)
    return records


def holder_pid(path: Path) -> int | None:
    """The pid in the last "run" record: the run holding the lock writes it right after taking the lock."""
    try:
        lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("event") == "run" and isinstance(record.get("pid"), int):
            return record["pid"]
    return None


def recorded_warehouses(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """fingerprint -> label of every warehouse the ledger's runs were written against (older ledgers: none)."""
    return {str(r["warehouse_fingerprint"]): str(r.get("warehouse_label") or r.get("warehouse"))
            for r in records if r.get("event") == "run" and r.get("warehouse_fingerprint")}


def filled_dates(records: Iterable[dict[str, Any]]) -> set[tuple[str, dt.date]]:
    """(layer, date) pairs the ledger records as `filled`, in any run it holds."""
    found = set()
    for r in records:
        if r.get("event") == "outcome" and r.get("status") == "filled":
            try:
                found.add((str(r["layer"]), dt.date.fromisoformat(r["date"])))
            except (KeyError, TypeError, ValueError):
                continue
    return found


def unsettled(records: Iterable[dict[str, Any]]) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """Dates sent without an outcome: in flight when a run was killed. -> attempts, last HTTP status seen."""
    found: dict[tuple[str, dt.date], dict[str, Any]] = {}
    settled: set[tuple[str, dt.date]] = set()
    for r in records:
        try:
            if r.get("event") in ("send", "attempt"):
                for day in r.get("dates") or [r["date"]]:
                    key = (str(r["layer"]), dt.date.fromisoformat(day))
                    entry = found.setdefault(key, {"attempts": 0, "last_http_status": None})
                    if r["event"] == "send":
                        entry["attempts"] += 1
                    else:
                        entry["last_http_status"] = r.get("http_status")
            elif r.get("event") == "outcome":
                settled.add((str(r["layer"]), dt.date.fromisoformat(r["date"])))
        except (KeyError, TypeError, ValueError):
            continue
    return {key: entry for key, entry in found.items() if key not in settled}


def unsettled_steps(records: Iterable[dict[str, Any]]) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """Steps a run planned (its `run` record) that no later `outcome` settled -> their reasons then."""
    found: dict[tuple[str, dt.date], tuple[str, ...]] = {}
    for r in records:
        try:
            if r.get("event") == "run":
                for step in r.get("steps") or []:
                    found[(str(step["layer"]), dt.date.fromisoformat(step["date"]))] = tuple(step.get("reasons") or ())
            elif r.get("event") == "outcome":
                found.pop((str(r["layer"]), dt.date.fromisoformat(r["date"])), None)
        except (KeyError, TypeError, ValueError):
            continue
    return found


def filled_at(records: Iterable[dict[str, Any]]) -> dict[tuple[str, dt.date], dt.datetime]:
    """(layer, date) -> when the ledger last recorded it `filled` (UTC): its rows were rewritten before that."""
    found = {}
    for r in records:
        if r.get("event") == "outcome" and r.get("status") == "filled":
            try:
                found[(str(r["layer"]), dt.date.fromisoformat(r["date"]))] = dt.datetime.fromisoformat(r["at"])
            except (KeyError, TypeError, ValueError):
                continue
    return found


def _torn(line: str) -> bool:
    """A fragment of a record Ledger.write began (every record starts the same way), cut short by a kill."""
    return line.startswith(RECORD_START) or RECORD_START.startswith(line)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"
