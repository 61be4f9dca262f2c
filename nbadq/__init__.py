"""nbadq: data-quality validation and remediation for the NBA player-props platform."""

__version__ = "0.1.0"
