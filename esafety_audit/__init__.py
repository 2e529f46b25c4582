"""esafety-audit: the annual online-safety self-review for English schools."""

__version__ = "0.1.0"
