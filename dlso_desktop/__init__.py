"""DLSO Desktop core: domain, storage and services. No Qt in this package."""

__version__ = "0.1.0"
