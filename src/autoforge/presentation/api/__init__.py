"""presentation api."""
