"""Tables of the evaluation context: datasets, their test cases, stored quality reports.

They are defined on the shared `metadata`, so Alembic sees them beside the others once
this module is imported (migration 0002 creates them).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from autoforge.infrastructure.db.tables import metadata

__all__ = ["datasets", "prompt_quality", "test_cases"]

datasets = Table(
    "datasets",
    metadata,
    Column("dataset_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("test_case_count", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_datasets_tenant_updated", datasets.c.tenant_id, datasets.c.updated_at)

# No foreign key to datasets: the adapter deletes a dataset's cases in the same
# transaction, and SQLite would not enforce one without a per-connection pragma anyway.
test_cases = Table(
    "test_cases",
    metadata,
    Column("test_case_id", String(64), primary_key=True),
    Column("dataset_id", String(64), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("vars", JSON, nullable=False),
    Column("expected", Text, nullable=True),
    Column("assertions", JSON, nullable=False),
    Column("threshold", Float, nullable=True),
    Column("tags", JSON, nullable=False),
)
Index("ix_test_cases_dataset_position", test_cases.c.dataset_id, test_cases.c.position)

prompt_quality = Table(
    "prompt_quality",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("prompt_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("report", JSON, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)
