"""Use cases of evaluation: datasets, assertion checks, quality, runs and comparisons."""
