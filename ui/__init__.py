"""All PySide6 code lives in this package."""
