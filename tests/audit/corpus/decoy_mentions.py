"""Decoy: this module talks about save_data() and self.stats["rows_inserted"] only in prose and strings.

    class Example(ProcessorBase):
        def save_data(self):
            return
"""
from data_processors.raw.processor_base import ProcessorBase

# verdict: ChattyProcessor.save_data = missing_all
# verdict: QuietProcessor.save_data = ok
# inheriting: DecoyProcessor

TEMPLATE = "def save_data(self):\n    self.stats['rows_inserted'] = len(rows)\n"
save_data = {"rows_inserted": 0}


class Report:
    """Explains save_data; has a variable named save_data but no such method."""

    def render(self):
        save_data = "save_data"
        return f"{save_data}: {self.__class__.__name__}"


class DecoyProcessor(ProcessorBase):
    """Its save_data comes from the base class; this docstring mentions self.stats["rows_inserted"] = 0."""

    def transform_data(self):
        save_data = self.transformed_data
        return save_data


class ChattyProcessor(ProcessorBase):
    def save_data(self):
        """Sets self.stats["rows_inserted"] = len(rows), or so this docstring claims."""
        logger.info("self.stats['rows_inserted'] = %d", len(self.transformed_data))
        # self.stats["rows_inserted"] = len(self.transformed_data)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)  # expect: fallthrough (success)


class QuietProcessor(ProcessorBase):
    def save_data(self):
        # Does not set rows_inserted?  It does, below; comments never count either way.
        self.stats["rows_inserted"] = self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
