"""suitcheck: investor-suitability checks for research reports, with an audit trail."""

__version__ = "0.1.0"
