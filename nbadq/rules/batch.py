"""Substituting `{batch}` the way Great Expectations does, for the direct SQL runner.

GX puts the batch (a layer's query asset) in place of `{batch}`: parenthesised when the query has a JOIN (the
query aliases it), otherwise parenthesised and aliased `subselect`. The direct runner must produce the same
statement so that both engines find the same dates.
"""

from __future__ import annotations

import re

# JOIN outside of quoted strings; the suites keep keywords upper-case and never quote "join".
_JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)


def substitute_batch(query: str, batch_query: str) -> str:
    unquoted = re.sub(r"'[^']*'", "''", query)
    replacement = f"({batch_query})" if _JOIN.search(unquoted) else f"({batch_query}) AS subselect"
    # str.format, as GX does: other braces in suite SQL must be doubled, and a typo fails here the same way.
    return query.format(batch=replacement)
