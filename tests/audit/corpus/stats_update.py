"""Pattern: the stat set through stats.update(...) or by replacing the stats dict."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: UpdateDictProcessor.save_data = ok
# verdict: UpdateKeywordProcessor.save_data = ok
# verdict: UpdateOtherKeyProcessor.save_data = missing_all
# verdict: ReplaceDictProcessor.save_data = ok
# verdict: ResetAfterSetProcessor.save_data = missing_all


class UpdateDictProcessor(ProcessorBase):
    def save_data(self):
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats.update({"rows_inserted": len(self.transformed_data), "batches": 1})


class UpdateKeywordProcessor(ProcessorBase):
    def save_data(self):
        if not self.transformed_data:
            self.stats.update(rows_inserted=0)
            return
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats.update(dict(rows_inserted=len(self.transformed_data)))


class UpdateOtherKeyProcessor(ProcessorBase):
    def save_data(self):
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats.update({"rows_processed": len(self.transformed_data)})  # expect: fallthrough (success)


class ReplaceDictProcessor(ProcessorBase):
    def save_data(self):
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats = {"rows_inserted": len(self.transformed_data), "run_id": self.run_id}


class ResetAfterSetProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = len(self.transformed_data)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats = {}  # expect: fallthrough (success)
