"""Alembic migrations, run with `autoforge migrate` and at start-up of the embedded default."""
