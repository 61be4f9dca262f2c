"""Pattern: an idempotency check skips the write and returns without a count."""
from raw_base import RawProcessorBase

# verdict: SkipProcessor.save_data = missing_some_paths
# verdict: SkipFixedProcessor.save_data = ok


class SkipProcessor(RawProcessorBase):
    def save_data(self):
        if self.already_loaded(self.opts["game_date"]):
            logger.info("already loaded, skipping")
            return  # expect: return (skipped write)
        self._insert_rows(self.transformed_data)


class SkipFixedProcessor(RawProcessorBase):
    def save_data(self):
        if self.already_loaded(self.opts["game_date"]):
            self.stats["rows_inserted"] = 0
            return
        self._insert_rows(self.transformed_data)
