"""AutoForgeNexus: a prompt-engineering platform backend."""

__all__ = ["__version__"]

__version__ = "0.1.0"
