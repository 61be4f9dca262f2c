"""Errors that end a command with a one-line message instead of a traceback."""


class UsageError(Exception):
    """Bad input or configuration: the message says what to fix. Exit code 2."""


class WarehouseError(UsageError):
    """The warehouse cannot be reached or lacks what a rule needs. Exit code 2."""
