"""techcompare: a static site generator for technology comparison sites."""

__version__ = "0.1.0"
