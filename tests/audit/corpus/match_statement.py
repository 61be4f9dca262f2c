"""Pattern: match statements; a case that returns early, and a match with no catch-all case."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: MatchProcessor.save_data = missing_some_paths
# verdict: MatchAllCasesProcessor.save_data = ok
# verdict: MatchNoDefaultProcessor.save_data = missing_all


class MatchProcessor(ProcessorBase):
    def save_data(self):
        match self.opts.get("mode"):
            case "skip":
                return  # expect: return (skipped write)
            case "append" | "merge":
                self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
                self.stats["rows_inserted"] = len(self.transformed_data)
            case _:
                self.stats["rows_inserted"] = 0


class MatchAllCasesProcessor(ProcessorBase):
    def save_data(self):
        match self.transformed_data:
            case []:
                self.stats["rows_inserted"] = 0
            case [*rows] if self.dry_run:
                self.stats["rows_inserted"] = 0
            case rows:
                self.bq_client.insert_rows_json(self.table_name, rows)
                self.stats["rows_inserted"] = len(rows)


class MatchNoDefaultProcessor(ProcessorBase):
    def save_data(self):
        match self.opts.get("mode"):
            case "append":
                self.stats["rows_inserted"] = self.bq_client.insert_rows_json(self.table_name, self.rows)
        logger.info("done")  # expect: fallthrough
