"""Pattern: returns inside nested functions, lambdas and classes are not exits of the method."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: NestedReturnProcessor.save_data = ok
# verdict: LocalRecorderProcessor.save_data = ok
# verdict: UncalledRecorderProcessor.save_data = missing_all


class NestedReturnProcessor(ProcessorBase):
    def save_data(self):
        def keep(row):
            if row is None:
                return False
            return row["points"] >= 0

        key = lambda row: row["game_id"]  # noqa: E731

        class Batch:
            def save_data(self):
                return None

        rows = sorted(filter(keep, self.transformed_data), key=key)
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)


class LocalRecorderProcessor(ProcessorBase):
    def save_data(self):
        def record(count):
            self.stats["rows_inserted"] = count
            return count

        if not self.transformed_data:
            return record(0)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        record(len(self.transformed_data))


class UncalledRecorderProcessor(ProcessorBase):
    def save_data(self):
        def record(count):
            self.stats["rows_inserted"] = count

        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)  # expect: fallthrough (success)
