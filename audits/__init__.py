"""Pre-deploy processor audit: every exit of a save override must set its row-count stat.

The audit reads source with the standard `ast` module and never imports or runs the audited code. Pipeline:
discovery (which files) -> summarize (per file, in worker processes: parse, then a path-sensitive analysis of each
method that leaves calls to other methods symbolic) -> classes (which classes are processors, through the
scanned tree) -> evaluate (resolve the symbolic calls across files) -> findings -> formats.

This package imports only the standard library, so `nbadq audit` starts in milliseconds.
"""
