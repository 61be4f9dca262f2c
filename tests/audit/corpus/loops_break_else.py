"""Pattern: for/while loops with break, continue and else."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: RetryLoopProcessor.save_data = ok
# verdict: ElseOnlyProcessor.save_data = missing_all
# verdict: WhileTrueProcessor.save_data = missing_some_paths
# verdict: ContinueProcessor.save_data = ok


class RetryLoopProcessor(ProcessorBase):
    def save_data(self):
        for attempt in range(3):
            if self.try_insert(attempt):
                break
        else:
            self.stats["rows_inserted"] = 0
            raise RuntimeError("gave up after 3 attempts")
        self.stats["rows_inserted"] = len(self.transformed_data)


class ElseOnlyProcessor(ProcessorBase):
    def save_data(self):
        for attempt in range(3):
            if self.try_insert(attempt):
                break
        else:
            self.stats["rows_inserted"] = 0
        logger.info("finished")  # expect: fallthrough


class WhileTrueProcessor(ProcessorBase):
    def save_data(self):
        written = 0
        while True:
            batch = self.next_batch()
            if batch is None:
                break
            if self.rejected(batch):
                return  # expect: return (validation failure)
            written += self.bq_client.insert_rows_json(self.table_name, batch)
        self.stats["rows_inserted"] = written


class ContinueProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = 0
        for row in self.transformed_data:
            if row.get("skip"):
                continue
            self.bq_client.insert_rows_json(self.table_name, [row])
            self.stats["rows_inserted"] += 1
