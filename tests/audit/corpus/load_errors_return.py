"""Pattern: the insert reports row errors and the method returns without recording the count."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: LoadErrorsProcessor.save_data = missing_some_paths
# verdict: ValidationProcessor.save_data = missing_some_paths


class LoadErrorsProcessor(ProcessorBase):
    def save_data(self):
        errors = self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        if errors:
            logger.error("insert errors: %s", errors)
            return  # expect: return (validation failure)
        self.stats["rows_inserted"] = len(self.transformed_data)


class ValidationProcessor(ProcessorBase):
    def save_data(self):
        if not self.is_valid(self.transformed_data):
            raise ValueError("schema mismatch")  # expect: raise (validation failure)
        elif self.dry_run:
            return  # expect: return (skipped write)
        else:
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_inserted"] = len(self.transformed_data)
