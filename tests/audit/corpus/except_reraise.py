"""Pattern: try/except that re-raises; a raise caught in the same method is not an exit, its handler's are."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: ReraiseProcessor.save_data = missing_some_paths
# verdict: ReraiseFixedProcessor.save_data = ok
# verdict: CaughtRaiseProcessor.save_data = ok
# verdict: FinallyProcessor.save_data = ok
# verdict: WrappedErrorProcessor.save_data = missing_some_paths


class ReraiseProcessor(ProcessorBase):
    def save_data(self):
        try:
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
            self.stats["rows_inserted"] = len(self.transformed_data)
        except Exception as exc:
            notify_error(title="save failed", message=str(exc))
            raise  # expect: raise (error handler)


class ReraiseFixedProcessor(ProcessorBase):
    def save_data(self):
        try:
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
            self.stats["rows_inserted"] = len(self.transformed_data)
        except Exception:
            self.stats["rows_inserted"] = 0
            raise


class CaughtRaiseProcessor(ProcessorBase):
    def save_data(self):
        try:
            if not self.transformed_data:
                raise ValueError("nothing to save")
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
            self.stats["rows_inserted"] = len(self.transformed_data)
        except ValueError:
            self.stats["rows_inserted"] = 0


class FinallyProcessor(ProcessorBase):
    def save_data(self):
        written = 0
        try:
            if not self.transformed_data:
                return
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
            written = len(self.transformed_data)
        finally:
            self.stats["rows_inserted"] = written


class WrappedErrorProcessor(ProcessorBase):
    def save_data(self):
        try:
            self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        except KeyError as exc:
            raise RuntimeError("bad row") from exc  # expect: raise (error handler)
        self.stats["rows_inserted"] = len(self.transformed_data)
