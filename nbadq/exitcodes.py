"""Exit codes, and the one rule that combines them."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # everything checked passed / every planned date filled
    FAILED = 1  # something was found: a failing rule, an unset exit, a date not filled
    USAGE = 2  # the run could not complete: bad input, configuration or warehouse
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM

    @classmethod
    def worst(cls, *codes: "ExitCode | int") -> "ExitCode":
        """The code to exit with when several parts of a run disagree.

        A run that was stopped says so first, then one that could not complete, then one that found problems.
        """
        order = (cls.TERMINATED, cls.INTERRUPTED, cls.USAGE, cls.FAILED, cls.OK)
        present = {cls(c) for c in codes}
        return next((c for c in order if c in present), cls.OK)
