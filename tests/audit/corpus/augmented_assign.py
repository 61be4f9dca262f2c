"""Pattern: `+=` counts as setting the stat, but only on the paths where it runs."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: AugmentedProcessor.save_data = ok
# verdict: BatchLoopProcessor.save_data = missing_all


class AugmentedProcessor(ProcessorBase):
    def save_data(self):
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_inserted"] += len(self.transformed_data)


class BatchLoopProcessor(ProcessorBase):
    def save_data(self):
        for batch in self.batches(self.transformed_data, size=500):
            self.bq_client.insert_rows_json(self.table_name, batch)
            self.stats["rows_inserted"] += len(batch)
        logger.info("saved")  # expect: fallthrough
