"""Simulated platform processors. They read and write a local warehouse the way the real ones do on BigQuery:
MERGE on the table key (a re-run overwrites, never appends) and two processor_run_history rows per run."""

from nbadq.sample.processors.phase3 import PHASE3_PROCESSORS, run_phase3
from nbadq.sample.processors.phase4 import run_phase4

__all__ = ["PHASE3_PROCESSORS", "run_phase3", "run_phase4"]
