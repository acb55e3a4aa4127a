"""smartsite: a static site generator for a regency's smart city progress portal."""

__version__ = "0.1.0"
