"""Unit tests of the evaluation context."""
