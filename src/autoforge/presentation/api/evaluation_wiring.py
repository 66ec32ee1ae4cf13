"""Wiring of the dataset, assertion-check and quality endpoints into the application.

`install_evaluation` is called once by the composition root: it builds the services
over the given database, prompt reads and model gateway, keeps them on
`app.state.evaluation` and includes the routers.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml
from fastapi import FastAPI

from autoforge.application.evaluation.checks import AssertionCheckService
from autoforge.application.evaluation.datasets import DatasetService
from autoforge.application.evaluation.quality import PromptQualityService
from autoforge.application.llm.ports import LLMGateway
from autoforge.application.prompt.views import PromptQueries
from autoforge.domain.errors import InvalidInputError
from autoforge.domain.identity.model import Actor
from autoforge.infrastructure.db.datasets import SqlDatasetRepository
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.prompt_quality import SqlQualityStore
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter
from autoforge.infrastructure.evaluation.safe_regex import SafeRegexEngine
from autoforge.presentation.api import assertions, datasets, quality
from autoforge.presentation.api.evaluation_deps import EvaluationServices

__all__ = ["install_evaluation", "load_config_text"]

# YAML anchors let a small file stand for a huge tree; past this many nodes it is refused.
MAX_CONFIG_NODES = 1_000_000


def install_evaluation(
    app: FastAPI,
    *,
    database: Database,
    queries: PromptQueries,
    gateway_for: Callable[[Actor], LLMGateway],
    default_model: str,
    grader_model: str | None = None,
    embedding_model: str | None = None,
) -> None:
    """Build the evaluation services and include their routers.

    The grader of model-graded assertions is `grader_model`, else `default_model`; the
    embedding model of `similar` is `embedding_model`, else the first one the gateway offers.
    """
    regex_engine = SafeRegexEngine()
    schema_validator = JsonSchemaAdapter(regex_engine=regex_engine)

    def available_models(actor: Actor) -> set[str]:
        return {model.name for model in gateway_for(actor).models()}

    app.state.evaluation = EvaluationServices(
        datasets=DatasetService(
            repository=SqlDatasetRepository(database),
            schema_validator=schema_validator,
            load_config=load_config_text,
            available_models=available_models,
        ),
        checks=AssertionCheckService(
            schema_validator=schema_validator,
            gateway_for=gateway_for,
            grader_model=grader_model or default_model,
            embedding_model=embedding_model,
            regex_engine=regex_engine,
        ),
        quality=PromptQualityService(queries=queries, store=SqlQualityStore(database)),
    )
    for router in (datasets.router, assertions.router, quality.router):
        app.include_router(router)


def load_config_text(text: str) -> object:
    """A config written as YAML or JSON; never constructs anything but plain data."""
    try:
        document: object = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInputError(
            f"The config is neither valid YAML nor JSON: {error}",
            f"設定が YAML としても JSON としても読めません: {error}",
            code="INVALID_IMPORT",
        ) from error
    _check_size(document)
    return document


def _check_size(document: object) -> None:
    # Counted when queued, not when visited, so the queue itself stays within the limit.
    pending = [document]
    queued = 1
    while pending:
        node = pending.pop()
        children = list(node.values()) if isinstance(node, dict) else node
        if not isinstance(children, list):
            continue
        queued += len(children)
        if queued > MAX_CONFIG_NODES:
            raise InvalidInputError(
                f"The config expands to more than {MAX_CONFIG_NODES:,} values.",
                f"設定を展開すると {MAX_CONFIG_NODES:,} 個を超える値になります。",
                code="INVALID_IMPORT",
            )
        pending.extend(children)
