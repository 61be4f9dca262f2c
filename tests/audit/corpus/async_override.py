"""Pattern: async overrides are analysed like the others."""
from data_processors.raw.processor_base import ProcessorBase

# verdict: AsyncProcessor.save_data = missing_some_paths
# verdict: AsyncFixedProcessor.save_data = ok


class AsyncProcessor(ProcessorBase):
    async def save_data(self):
        rows = await self.fetch_rows()
        if not rows:
            return  # expect: return (empty data)
        async with self.client.session() as session:
            async for batch in self.batches(rows):
                await session.insert(batch)
        self.stats["rows_inserted"] = len(rows)


class AsyncFixedProcessor(ProcessorBase):
    async def _write(self, rows):
        await self.client.insert(rows)
        self.stats["rows_inserted"] = len(rows)

    async def save_data(self):
        rows = await self.fetch_rows()
        if not rows:
            self.stats["rows_inserted"] = 0
            return
        await self._write(rows)
