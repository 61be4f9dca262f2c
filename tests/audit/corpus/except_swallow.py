"""Pattern: an except that logs and carries on falls through to the end with the stat unset."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: SwallowProcessor.save_data = missing_all
# verdict: SwallowFixedProcessor.save_data = ok


class SwallowProcessor(ProcessorBase):
    def save_data(self):
        try:
            job = self.bq_client.load_table_from_json(self.transformed_data, self.table_name)
            job.result()
            self.stats["rows_inserted"] = len(self.transformed_data)
        except Exception as exc:
            logger.error("load failed: %s", exc)
        logger.info("done")  # expect: fallthrough (error handler)


class SwallowFixedProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = 0
        try:
            job = self.bq_client.load_table_from_json(self.transformed_data, self.table_name)
            job.result()
            self.stats["rows_inserted"] = len(self.transformed_data)
        except Exception as exc:
            logger.error("load failed: %s", exc)
