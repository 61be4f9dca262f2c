"""`nbadq serve-local`: the four refill contracts (Phase 3, Phase 4, the prediction coordinator, grading) on
127.0.0.1, against a local warehouse.

FOR DEMOS AND TESTS ONLY (see backfill/local_service): no authentication, loopback only. Stops cleanly on
Ctrl-C or SIGTERM (exit 0).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from nbadq.cli.options import add_warehouse_option
from nbadq.errors import UsageError
from nbadq.layers import FILL_LAYERS

DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_option(parser)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one, see --port-file)")
    parser.add_argument("--port-file", type=Path, metavar="PATH", help="write the port chosen here once listening")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="how long each request takes in all, compute included, like a real processor run")
    parser.add_argument("--layer-latency", action="append", default=[], metavar="LAYER=SECONDS",
                        help="the latency of one service only (analytics, precompute, predictions: a batch from "
                             "/start to complete, grading); repeatable or comma-separated")
    parser.add_argument("--max-concurrency", type=int, default=5, metavar="N",
                        help="Phase 3 and Phase 4 requests served at once, each; more get 429 with Retry-After "
                             "(default 5, like Phase 4)")
    parser.add_argument("--grading-concurrency", type=int, default=2, metavar="N",
                        help="grading requests served at once; more get 429 (default 2)")
    parser.add_argument("--api-key-env", metavar="NAME",
                        help="the coordinator also accepts an X-API-Key equal to this variable's value")
    parser.add_argument("--retry-after", type=int, default=1, metavar="SECONDS",
                        help="the Retry-After sent with 429 (default 1)")
    parser.add_argument("--faults", metavar="SPEC",
                        help="inject faults, e.g. 'silent=2024-11-05,2024-11-09;transient503=2;hang=2024-12-01;"
                             "latency=0.5;token-expires-after=3' (grammar: backfill/local_service/faults.py)")
    parser.add_argument("--quiet", action="store_true", help="do not print a line per request")


def run(args: argparse.Namespace) -> int:
    from nbadq.backfill.local_service import LocalService, parse_faults
    from nbadq.config import load_settings

    warehouse = load_settings(args.warehouse).warehouse
    if warehouse.startswith("bigquery://"):
        raise UsageError("serve-local writes a local warehouse directory, not BigQuery: pass --warehouse PATH")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    service = LocalService(Path(warehouse), port=args.port, latency=args.latency,
                           max_concurrency=args.max_concurrency, faults=parse_faults(args.faults),
                           retry_after=args.retry_after, verbose=not args.quiet,
                           latencies=parse_layer_latencies(args.layer_latency),
                           grading_concurrency=args.grading_concurrency, api_key=_api_key(args.api_key_env))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    service.start()
    try:
        if args.port_file:
            _write_port(args.port_file, service.port)
        print(f"serve-local: Phase 3, Phase 4, predictions and grading on {service.url} for {warehouse} "
              "(demo/test stand-in, loopback only; Ctrl-C stops)", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        service.close()
    print("serve-local: stopped", file=sys.stderr, flush=True)
    return 0


LAYERS = FILL_LAYERS  # the four services serve-local stands in for


def parse_layer_latencies(items: list[str]) -> dict[str, float]:
    """['precompute=2,predictions=3', 'grading=0.5'] -> {layer: seconds}."""
    found: dict[str, float] = {}
    for item in (part.strip() for text in items for part in text.split(",")):
        layer, sep, value = item.partition("=")
        try:
            seconds = float(value) if sep and layer.strip() in LAYERS else -1.0
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds < 3600:
            raise UsageError(f"--layer-latency {item!r}: expected LAYER=SECONDS with LAYER one of "
                             f"{', '.join(LAYERS)} and 0 <= SECONDS < 3600")
        found[layer.strip()] = seconds
    return found


def _api_key(name: str | None) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name, "").strip()
    if not value:
        raise UsageError(f"--api-key-env {name}: the variable is not set")
    return value


def _write_port(path: Path, port: int) -> None:
    from nbadq.files import write_text_atomic

    write_text_atomic(path, f"{port}\n")  # a reader polling for the file never sees it half-written
