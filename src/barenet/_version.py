"""The version of barenet: one place, read by the package, its files and its pages."""

__version__ = "0.1.0"
