"""infrastructure db."""
