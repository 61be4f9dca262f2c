"""Pattern: processors that do not override any audited method are listed as inheriting, not flagged.

Nothing in this file names an audited method, so the audit reads only its class headers.
"""
from raw_base import RawProcessorBase

# inheriting: BoxscoreProcessor
# inheriting: PlayByPlayProcessor

DOC = """
class NotAClass(RawProcessorBase):
    pass
"""


class BoxscoreProcessor(RawProcessorBase):
    def transform_data(self):
        self.transformed_data = list(self.raw_data)


class PlayByPlayProcessor(
    RawProcessorBase,  # the shared (raw) base
):
    table_name = "nba_raw.pbp"


class Formatter:
    def format(self, row):
        return str(row)
