"""Pattern: a helper of the same class sets the stat on all its returns, so calling it counts."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: HelperProcessor.save_data = ok
# verdict: ReturnedHelperProcessor.save_data = ok


class HelperProcessor(ProcessorBase):
    def _write(self, rows):
        if not rows:
            self.stats["rows_inserted"] = 0
            return 0
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)
        return len(rows)

    def save_data(self):
        self._write(self.transformed_data)


class ReturnedHelperProcessor(ProcessorBase):
    def _record(self, count):
        self.stats["rows_inserted"] = count

    def _fail(self, message):
        raise RuntimeError(message)

    def save_data(self):
        if self.broken:
            self._fail("broken input")
        return self._record(self.bq_client.insert_rows_json(self.table_name, self.transformed_data))
