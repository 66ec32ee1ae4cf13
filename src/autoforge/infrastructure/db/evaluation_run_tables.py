"""Tables of jobs, evaluation runs, their arms and cells (migration 0003 creates them).

They are defined on the shared `metadata`, so Alembic sees them beside the others once
this module is imported.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

__all__ = ["evaluation_arms", "evaluation_cells", "evaluations", "jobs"]

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("kind", String(50), nullable=False),
    # What a worker needs to run the job: ids only, never secrets or user content.
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("error_code", String(64), nullable=True),
    Column("error", Text, nullable=True),
    Column("correlation_id", String(128), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)
Index("ix_jobs_status", jobs.c.status)
Index("ix_jobs_tenant_created", jobs.c.tenant_id, jobs.c.created_at)

evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("job_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("dataset_id", String(64), nullable=False),
    Column("dataset_revision", Integer, nullable=False),
    Column("case_count", Integer, nullable=False),
    Column("repeats", Integer, nullable=False),
    Column("concurrency", Integer, nullable=False),
    Column("grader_model", String(200), nullable=True),
    Column("alpha", Float, nullable=True),
    Column("temperature", Float, nullable=True),
    Column("max_tokens", Integer, nullable=True),
    Column("comparison", JSON, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=True),
)
Index("ix_evaluations_tenant_created", evaluations.c.tenant_id, evaluations.c.created_at)

# One row per prompt version × model of an evaluation; the headline figures are columns
# so the performance history of a prompt is one indexed query.
evaluation_arms = Table(
    "evaluation_arms",
    metadata,
    Column("evaluation_id", String(64), primary_key=True),
    Column("arm", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("prompt_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("model", String(200), nullable=False),
    Column("cells", Integer, nullable=True),
    Column("pass_rate", Float, nullable=True),
    Column("mean_score", Float, nullable=True),
    Column("cost_usd", Float, nullable=True),
    Column("summary", JSON, nullable=True),
    Column("completed_at", DateTime(timezone=True), nullable=True),
)
Index("ix_evaluation_arms_tenant_prompt", evaluation_arms.c.tenant_id, evaluation_arms.c.prompt_id)

# The key (evaluation, arm, case, repeat) makes storing a cell idempotent: a retried
# job or a worker that claims a dead worker's job cannot store a cell twice.
evaluation_cells = Table(
    "evaluation_cells",
    metadata,
    Column("evaluation_id", String(64), primary_key=True),
    Column("arm", Integer, primary_key=True),
    Column("case_index", Integer, primary_key=True),
    Column("repeat", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("test_case_id", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("score", Float, nullable=False),
    Column("output", Text, nullable=False),
    Column("assertions", JSON, nullable=False),
    Column("named_scores", JSON, nullable=False),
    Column("tokens_in", Integer, nullable=False),
    Column("tokens_out", Integer, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("error_code", String(64), nullable=True),
    Column("error", Text, nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=False),
)
