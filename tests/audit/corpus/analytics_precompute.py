"""Pattern: analytics and precompute processors count rows_processed in save_analytics / save_precompute."""
from data_processors.analytics.analytics_base import AnalyticsProcessorBase
from data_processors.precompute.precompute_base import PrecomputeProcessorBase

# verdict: PlayerGameSummaryProcessor.save_analytics[rows_processed] = ok
# verdict: WrongKeyAnalyticsProcessor.save_analytics[rows_processed] = missing_all
# verdict: CompositeFactorsProcessor.save_precompute[rows_processed] = missing_some_paths


class PlayerGameSummaryProcessor(AnalyticsProcessorBase):
    def save_analytics(self):
        self.bq_client.query(self.merge_sql).result()
        self.stats["rows_processed"] = len(self.transformed_data)


class WrongKeyAnalyticsProcessor(AnalyticsProcessorBase):
    def save_analytics(self):
        self.bq_client.query(self.merge_sql).result()
        self.stats["rows_inserted"] = len(self.transformed_data)  # expect: fallthrough


class CompositeFactorsProcessor(PrecomputeProcessorBase):
    def save_precompute(self):
        if self.is_bootstrap_period(self.opts["analysis_date"]):
            logger.info("early season: skipping")
            return  # expect: return (skipped write)
        self.bq_client.insert_rows_json(self.table_name, self.transformed_data)
        self.stats["rows_processed"] = len(self.transformed_data)
