"""Reusable helpers for the test suite (servers started on loopback)."""
