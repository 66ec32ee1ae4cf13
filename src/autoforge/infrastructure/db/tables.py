"""Table definitions: the event log, the outbox, read models and plain records."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "events",
    "llm_calls",
    "metadata",
    "outbox",
    "prompt_labels",
    "prompt_tags",
    "prompt_versions",
    "prompts",
    "runs",
    "user_templates",
]

metadata = MetaData()

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("stream_id", String(64), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("event_metadata", JSON, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)
Index("ix_events_tenant_stream", events.c.tenant_id, events.c.stream_id)

outbox = Table(
    "outbox",
    metadata,
    Column("position", Position, ForeignKey("events.position"), primary_key=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
)

prompts = Table(
    "prompts",
    metadata,
    Column("prompt_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("labels", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("source_key", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The long texts come last: SQLite reads a row's columns in order, and a prompt of
    # 100,000 characters spills into overflow pages that listings should never touch.
    Column("content", Text, nullable=False),
    Column("search_text", Text, nullable=False),
)
# Listing filters by tenant and archived and sorts by recency; the index answers all three.
Index(
    "ix_prompts_listing",
    prompts.c.tenant_id,
    prompts.c.archived,
    prompts.c.updated_at,
    prompts.c.prompt_id,
)
Index("ix_prompts_tenant_owner", prompts.c.tenant_id, prompts.c.owner_id)
Index("ix_prompts_tenant_source", prompts.c.tenant_id, prompts.c.source_key)

prompt_tags = Table(
    "prompt_tags",
    metadata,
    Column("prompt_id", String(64), primary_key=True),
    Column("tag", String(50), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
)
Index("ix_prompt_tags_tenant_tag", prompt_tags.c.tenant_id, prompt_tags.c.tag)

prompt_versions = Table(
    "prompt_versions",
    metadata,
    Column("prompt_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("content", Text, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("message", Text, nullable=False),
    Column("author_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

prompt_labels = Table(
    "prompt_labels",
    metadata,
    Column("prompt_id", String(64), primary_key=True),
    Column("label", String(50), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("prompt_id", String(64), nullable=False),
    Column("prompt_version", Integer, nullable=False),
    Column("model", String(200), nullable=False),
    Column("provider", String(100), nullable=False),
    Column("variables", JSON, nullable=False),
    Column("rendered_prompt", Text, nullable=False),
    Column("temperature", Float, nullable=True),
    Column("max_tokens", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("output", Text, nullable=False),
    Column("finish_reason", String(50), nullable=True),
    Column("tokens_in", Integer, nullable=False),
    Column("tokens_out", Integer, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("error_code", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_runs_tenant_prompt", runs.c.tenant_id, runs.c.prompt_id, runs.c.created_at)

llm_calls = Table(
    "llm_calls",
    metadata,
    Column("call_id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("provider", String(100), nullable=False),
    Column("model", String(200), nullable=False),
    Column("prompt_id", String(64), nullable=True),
    Column("prompt_version", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("error_code", String(64), nullable=True),
    Column("tokens_in", Integer, nullable=False),
    Column("tokens_out", Integer, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("correlation_id", String(128), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_llm_calls_tenant_created", llm_calls.c.tenant_id, llm_calls.c.created_at)

user_templates = Table(
    "user_templates",
    metadata,
    Column("template_id", String(100), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(50), nullable=False),
    Column("language", String(10), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("content", Text, nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_user_templates_tenant", user_templates.c.tenant_id)
