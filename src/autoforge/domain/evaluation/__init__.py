"""domain evaluation."""
