"""Adapters: databases, the model gateway, rendering, settings, logging and metrics."""
