"""grudging: a stabilization-force proposal as a model analysts can run, question and stress-test."""

__version__ = "0.1.0"
