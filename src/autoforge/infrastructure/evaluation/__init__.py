"""Evaluation adapters: statistics and schema checks built on third-party libraries."""
