"""insole: a static site generator for customer-story libraries."""

__version__ = "0.1.0"
