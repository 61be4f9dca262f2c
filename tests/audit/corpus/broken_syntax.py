"""A file that does not parse: reported as an error, and the rest of the corpus is still audited."""
# error: 7


class BrokenProcessor(ProcessorBase):
    def save_data(self):
        if self.transformed_data
            self.stats["rows_inserted"] = 0
