"""care-abm: an agent-based model of a local English health and social care system."""

__version__ = "0.1.0"
