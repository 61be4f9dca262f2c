"""Pattern: a helper sets the stat on only some of its returns, so a call to it does not count."""
from data_processors.raw.processor_base import ProcessorBase
from raw_base import RawProcessorBase

# verdict: PartialHelperProcessor.save_data = missing_all
# verdict: InheritedHelperProcessor.save_data = ok
# verdict: UnrelatedHelperProcessor.save_data = missing_all


class PartialHelperProcessor(ProcessorBase):
    def _write(self, rows):
        if not rows:
            return 0
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)
        return len(rows)

    def save_data(self):
        self._write(self.transformed_data)  # expect: fallthrough (success)


class InheritedHelperProcessor(RawProcessorBase):
    def save_data(self):
        self._insert_rows(self.transformed_data)


class UnrelatedHelperProcessor(RawProcessorBase):
    def save_data(self):
        self._log_rows(self.transformed_data)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)  # expect: fallthrough (success)
