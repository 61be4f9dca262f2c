"""The command line: thin wiring from arguments to nbadq, backfill and audits."""
