"""The prediction coordinator's and the grading service's routes (contract, section 4), with the injected faults.

The coordinator's completeness gate (503 DATA_INCOMPLETE) is checkable in the warehouse: every counted game of the
date must have context rows (the players the workers predict) and feature-store rows for its players (what the
models read). Both come from analytics and precompute, so filling those first unblocks the date; a date whose raw
gamebook is missing stays blocked, as on the platform. `skip_completeness_check: true` bypasses the gate.
Faults: transient503 and hang apply to /start and /grade-date per date; silent completes a batch (or answers a
grading 200) with nothing written; error completes a batch with every request failed, and makes grading a 500.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from nbadq.backfill.local_service.calls import BadRequest, Call, Reply, parse_date
from nbadq.backfill.local_service.coordinator import ERROR, SILENT, WRITE, Coordinator

if TYPE_CHECKING:
    from nbadq.backfill.local_service.service import Service


class Phase5:
    def __init__(self, service: "Service") -> None:
        self.service = service
        self.coordinator = Coordinator(service.processing.predict, service.stopping)

    def answer(self, call: Call) -> Reply:
        try:
            if call.path == "/start":
                return self._start(call.body)
            if call.path == "/status":
                return self._status(call.query.get("batch_id"))
            return self._grade(call)
        except BadRequest as exc:
            return Reply(400, {"error": str(exc)})

    # -- coordinator ---------------------------------------------------------------------------------------
    def _start(self, body: Any) -> Reply:
        day = _game_date(body)
        failed = self.service.injected(f"predictions {day}", (day,))
        if failed:
            return failed
        running = self.coordinator.running()
        if running is not None:
            return _already_running(running.batch_id)
        gate = self.service.processing.completeness(day)
        if gate["games"] == 0:
            return Reply(200, {"status": "no_games_scheduled", "game_date": day.isoformat()})
        if not gate["complete"] and body.get("skip_completeness_check") is not True:
            details = {k: gate[k] for k in ("game_date", "games", "games_with_context", "games_with_features")}
            return Reply(503, {"error": "DATA_INCOMPLETE", "details": details})
        if gate["players"] == 0:
            return Reply(404, {"status": "no_eligible_players", "game_date": day.isoformat()})
        batch, started = self.coordinator.start(day, gate["players"], self.service.latency_of("predictions"),
                                                self._mode(day))
        if not started:
            return _already_running(batch.batch_id)
        return Reply(202, {"status": "started", "batch_id": batch.batch_id, "game_date": day.isoformat(),
                           "total_requests": batch.total, "published": batch.total,
                           "monitor_url": f"/status?batch_id={batch.batch_id}"})

    def _mode(self, day: dt.date) -> str:
        faults = self.service.faults
        return ERROR if day in faults.error else SILENT if day in faults.silent else WRITE

    def _status(self, batch_id: str | None) -> Reply:
        batch = self.coordinator.status(batch_id or "")
        if batch is None:
            return Reply(404, {"status": "not_found", "batch_id": batch_id})
        payload = {"status": batch.status, "batch_id": batch.batch_id, "game_date": batch.game_date.isoformat(),
                   "progress": batch.progress()}
        if batch.error:
            payload["error"] = batch.error
        return Reply(200, payload)

    # -- grading -------------------------------------------------------------------------------------------
    def _grade(self, call: Call) -> Reply:
        value = call.query.get("date")
        if value is None and isinstance(call.body, dict):
            value = call.body.get("date")
        if not value:
            raise BadRequest("date is required (?date=YYYY-MM-DD)")
        day = parse_date(value, "date")
        started = time.monotonic()
        failed = self.service.injected(f"grading {day}", (day,))
        if failed:
            return failed
        faults = self.service.faults
        if day in faults.error:
            return Reply(500, {"error": "grading crashed (injected)", "game_date": day.isoformat()})
        graded = 0 if day in faults.silent else self.service.processing.grade(day)
        self.service.wait_out("grading", started)
        return Reply(200, {"status": "success", "game_date": day.isoformat(), "result": {"graded": graded},
                           "trigger": "manual"})


def _already_running(batch_id: str) -> Reply:
    return Reply(409, {"status": "already_running", "batch_id": batch_id})


def _game_date(body: Any) -> dt.date:
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    value = body.get("game_date")
    if not value:
        raise BadRequest("game_date is required")
    today = dt.date.today()
    special = {"TODAY": today, "TOMORROW": today + dt.timedelta(1)}
    return special[value] if value in special else parse_date(value, "game_date")
