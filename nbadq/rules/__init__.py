"""The rules as data: read from the GX project on disk (suite JSON is the source of truth), apart from any engine.

Two engines execute them: Great Expectations (checkpoints, Data Docs) and nbadq's direct SQL runner (complete
failing-date lists, the per-date proofs of `nbadq fill`). Both render the same SQL text through this package.
"""
