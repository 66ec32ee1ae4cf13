"""Stored static quality reports, one per (tenant, prompt, version)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from autoforge.application.evaluation.quality import PromptQuality
from autoforge.domain.evaluation.quality import MetricResult, QualityReport
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_tables import prompt_quality

__all__ = ["SqlQualityStore", "report_document", "report_from_document"]


class SqlQualityStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def get(self, tenant_id: str, prompt_id: str, version: int) -> PromptQuality | None:
        async with self._database.reader.connect() as connection:
            row = (
                await connection.execute(
                    select(prompt_quality.c.report, prompt_quality.c.computed_at).where(
                        prompt_quality.c.tenant_id == tenant_id,
                        prompt_quality.c.prompt_id == prompt_id,
                        prompt_quality.c.version == version,
                    )
                )
            ).first()
        if row is None:
            return None
        computed_at: datetime = row.computed_at
        return PromptQuality(
            prompt_id=prompt_id,
            version=version,
            report=report_from_document(row.report),
            computed_at=computed_at if computed_at.tzinfo else computed_at.replace(tzinfo=UTC),
            stored=True,
        )

    async def put(self, tenant_id: str, quality: PromptQuality) -> None:
        try:
            async with self._database.writer.begin() as connection:
                await connection.execute(
                    insert(prompt_quality).values(
                        tenant_id=tenant_id,
                        prompt_id=quality.prompt_id,
                        version=quality.version,
                        report=report_document(quality.report),
                        computed_at=quality.computed_at,
                    )
                )
        except IntegrityError:
            # A concurrent request stored the same version's report first: same text, same report.
            return


def report_document(report: QualityReport) -> dict[str, Any]:
    return {
        "language": report.language,
        "overall": report.overall,
        "grade": report.grade,
        "high_quality": report.high_quality,
        "token_estimate": report.token_estimate,
        "metrics": [
            {
                "name": metric.name,
                "score": metric.score,
                "reason_en": metric.reason_en,
                "reason_ja": metric.reason_ja,
                "details": _jsonable(metric.details),
            }
            for metric in report.metrics
        ],
    }


def report_from_document(document: Mapping[str, Any]) -> QualityReport:
    return QualityReport(
        language=document["language"],
        overall=document["overall"],
        grade=document["grade"],
        high_quality=document["high_quality"],
        token_estimate=document["token_estimate"],
        metrics=tuple(
            MetricResult(
                name=metric["name"],
                score=metric["score"],
                reason_en=metric["reason_en"],
                reason_ja=metric["reason_ja"],
                details=dict(metric["details"]),
            )
            for metric in document["metrics"]
        ),
    )


def _jsonable(value: object) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(item) for item in items]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
