"""domain identity."""
