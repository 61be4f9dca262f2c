"""Pattern: with blocks, including contextlib.suppress."""
from contextlib import suppress

from data_processors.raw.processor_base import ProcessorBase

# verdict: WithProcessor.save_data = ok
# verdict: ReturnInsideWithProcessor.save_data = missing_some_paths
# verdict: SuppressProcessor.save_data = ok


class WithProcessor(ProcessorBase):
    def save_data(self):
        with self.bq_client.batch() as batch:
            for row in self.transformed_data:
                batch.insert(row)
            self.stats["rows_inserted"] = len(self.transformed_data)


class ReturnInsideWithProcessor(ProcessorBase):
    def save_data(self):
        with self.lock:
            if self.already_loaded():
                return  # expect: return (skipped write)
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_inserted"] = len(self.transformed_data)


class SuppressProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = 0
        with suppress(KeyError):
            raise KeyError("no partition")
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
