"""Pattern: a method accepted on the record with `# nbadq: ignore[rows-stat] <reason>` on its def line."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: LegacyProcessor.save_data = missing_some_paths
# suppressed: LegacyProcessor.save_data
# verdict: WrappedSignatureProcessor.save_data = missing_all
# suppressed: WrappedSignatureProcessor.save_data
# verdict: WrongCodeProcessor.save_data = missing_some_paths


class LegacyProcessor(ProcessorBase):
    def save_data(self):  # nbadq: ignore[rows-stat] run history for this feed is rebuilt nightly
        if not self.transformed_data:
            return  # expect: return (empty data)
        self.stats["rows_inserted"] = len(self.transformed_data)


class WrappedSignatureProcessor(ProcessorBase):
    def save_data(
        self,
        rows=None,
    ):  # nbadq: ignore[rows-stat] counted by the caller
        self.bq_client.insert_rows_json(self.table_name, rows)  # expect: fallthrough (success)


class WrongCodeProcessor(ProcessorBase):
    def save_data(self):  # nbadq: ignore[line-too-long] a suppression for another rule does not count
        if not self.transformed_data:
            return  # expect: return (empty data)
        self.stats["rows_inserted"] = len(self.transformed_data)
