"""domain prompt."""
