"""Pattern: an intermediate class overrides; leaves inherit it, delegate to it, or go through a mixin."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: MidProcessor.save_data = missing_some_paths
# verdict: LeafDelegatingProcessor.save_data = ok
# verdict: LeafViaMixinProcessor.save_data = missing_all
# verdict: Registry.NestedProcessor.save_data = missing_some_paths
# inheriting: LeafInheritingProcessor


class MidProcessor(ProcessorBase):
    def save_data(self):
        if not self.transformed_data:
            return  # expect: return (empty data)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_inserted"] = len(self.transformed_data)


class LeafInheritingProcessor(MidProcessor):
    def transform_data(self):
        self.transformed_data = [dict(r, source="leaf") for r in self.raw_data]


class LeafDelegatingProcessor(MidProcessor):
    def save_data(self):
        self.transformed_data = self.transformed_data[:1000]
        super().save_data()


class WriterMixin:
    """Not a processor: not audited itself, so code that delegates to it is checked against its body."""

    def save_data(self):
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)


class LeafViaMixinProcessor(WriterMixin, ProcessorBase):
    def save_data(self):
        logger.info("saving")
        super().save_data()  # expect: fallthrough (success)


class Registry:
    class NestedProcessor(ProcessorBase):
        def save_data(self):
            if self.dry_run:
                return  # expect: return (skipped write)
            self.stats["rows_inserted"] = 0
