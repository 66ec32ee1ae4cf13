"""The evaluation context: assertions, quality metrics, datasets and evaluation runs."""
