"""Pattern: an early return when there is nothing to write leaves the stat unset."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: EarlyReturnProcessor.save_data = missing_some_paths
# verdict: LenCheckProcessor.save_data = missing_some_paths
# verdict: DataFrameProcessor.save_data = missing_some_paths
# verdict: EarlyReturnFixedProcessor.save_data = ok
# verdict: NeverSetsProcessor.save_data = missing_all


class EarlyReturnProcessor(ProcessorBase):
    def save_data(self):
        rows = self.transformed_data
        if not rows:
            logger.info("no rows")
            return  # expect: return (empty data)
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)


class LenCheckProcessor(ProcessorBase):
    def save_data(self):
        if len(self.transformed_data) == 0:
            return None  # expect: return (empty data)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_inserted"] = len(self.transformed_data)
        return None


class DataFrameProcessor(ProcessorBase):
    def save_data(self):
        df = self.frame
        if df.empty:
            return  # expect: return (empty data)
        df.to_gbq(self.table_name)
        self.stats["rows_inserted"] = len(df)


class EarlyReturnFixedProcessor(ProcessorBase):
    def save_data(self):
        rows = self.transformed_data
        if not rows:
            self.stats["rows_inserted"] = 0
            return
        self.bq_client.insert_rows_json(self.table_name, rows)
        self.stats["rows_inserted"] = len(rows)


class NeverSetsProcessor(ProcessorBase):
    def save_data(self):
        rows = self.transformed_data
        if not rows:
            return  # expect: return (empty data)
        self.bq_client.insert_rows_json(self.table_name, rows)  # expect: fallthrough (success)
