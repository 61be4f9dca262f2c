"""Intermediate base of the raw processors (outside the files that mention the audited methods).

Its helper sets the row count on every normal return, so subclasses that call it are covered.
"""
from data_processors.raw.processor_base import ProcessorBase

# inheriting: RawProcessorBase


class RawProcessorBase(ProcessorBase):
    def already_loaded(self, game_date):
        return bool(self.bq_client.query(f"SELECT 1 FROM t WHERE game_date = '{game_date}'"))

    def _insert_rows(self, rows):
        if not rows:
            self.stats["rows_inserted"] = 0
            return 0
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)
        return len(rows)

    def _log_rows(self, rows):
        logger.info("rows: %d", len(rows))
