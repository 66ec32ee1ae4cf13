"""The composition root: builds settings, adapters and the FastAPI application."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI
from sqlalchemy import text

from autoforge import __version__
from autoforge.application.llm.ports import LLMGateway
from autoforge.application.llm.recording import RecordingGateway
from autoforge.application.llm.runs import RunService
from autoforge.application.prompt.handlers import PromptPolicy, PromptService
from autoforge.application.prompt.rendering import TemplateRenderer
from autoforge.application.template.service import TemplateService
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.model import PromptLimits
from autoforge.infrastructure.db.calls import SqlCallRecorder
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.queries import SqlPromptQueries
from autoforge.infrastructure.db.templates import SqlUserTemplateStore
from autoforge.infrastructure.db.unit_of_work import SqlUnitOfWork
from autoforge.infrastructure.llm.factory import build_gateway
from autoforge.infrastructure.logging import configure_logging
from autoforge.infrastructure.metrics import AppMetrics
from autoforge.infrastructure.migrations.runner import migrations_applied, upgrade_to_head
from autoforge.infrastructure.rendering import JinjaTemplateRenderer
from autoforge.infrastructure.settings import Settings
from autoforge.infrastructure.templates import load_builtin_templates
from autoforge.middleware.auth import ClerkAuthenticator, LocalAuthenticator
from autoforge.middleware.guards import LOOPBACK_HOSTS, RequestGuardMiddleware
from autoforge.middleware.request_context import RequestContextMiddleware
from autoforge.middleware.security_headers import SecurityHeadersMiddleware
from autoforge.monitoring import DependencyCheck, build_monitoring_router
from autoforge.presentation.api import prompts, runs, templates
from autoforge.presentation.api.evaluation_runs_wiring import install_evaluation_runs
from autoforge.presentation.api.evaluation_wiring import install_evaluation
from autoforge.presentation.container import Authenticator, Container
from autoforge.presentation.docs import install_docs
from autoforge.presentation.errors import install_error_handlers

__all__ = ["build_container", "create_app"]

log = structlog.get_logger(__name__)


def build_authenticator(settings: Settings) -> Authenticator:
    if settings.auth_mode == "local":
        return LocalAuthenticator(host=settings.host)
    if not settings.clerk_jwt_issuer:
        raise ValueError("AUTOFORGE_AUTH_MODE=clerk needs CLERK_JWT_ISSUER")
    return ClerkAuthenticator(
        issuer=settings.clerk_jwt_issuer,
        jwks_url=settings.clerk_jwks_url,
        public_key=settings.clerk_jwt_public_key,
        authorized_parties=settings.clerk_authorized_parties,
    )


def build_container(
    settings: Settings,
    *,
    database: Database,
    gateway: LLMGateway,
    renderer: TemplateRenderer,
    metrics: AppMetrics,
) -> Container:
    def uow_factory(actor: Actor) -> SqlUnitOfWork:
        return SqlUnitOfWork(database, actor)

    recorder = SqlCallRecorder(database, metrics)

    def gateway_for(actor: Actor) -> LLMGateway:
        return RecordingGateway(gateway, recorder, actor)

    policy = PromptPolicy(
        limits=PromptLimits(max_content_chars=settings.max_prompt_chars),
        prompt_quota_per_user=settings.prompt_quota_per_user,
    )
    prompt_service = PromptService(policy=policy)
    queries = SqlPromptQueries(database)
    return Container(
        authenticator=build_authenticator(settings),
        uow_factory=uow_factory,
        prompts=prompt_service,
        queries=queries,
        renderer=renderer,
        runs=RunService(
            queries=queries,
            renderer=renderer,
            gateway_for=gateway_for,
            uow_factory=uow_factory,
            default_model=settings.default_model,
            timeout_s=settings.llm_timeout_s,
        ),
        templates=TemplateService(
            builtin=load_builtin_templates(),
            store=SqlUserTemplateStore(database),
            prompts=prompt_service,
            uow_factory=uow_factory,
            max_chars=settings.max_prompt_chars,
        ),
        gateway=gateway,
        gateway_for=gateway_for,
    )


def _dependency_checks(
    settings: Settings, database: Database, gateway: LLMGateway
) -> list[DependencyCheck]:
    async def database_check() -> None:
        async with database.reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def redis_check() -> None:
        import redis.asyncio as redis

        password = settings.redis_password.get_secret_value() if settings.redis_password else None
        client = redis.from_url(settings.redis_url or "", password=password)
        try:
            await client.ping()
        finally:
            await client.aclose()

    async def langfuse_check() -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            response = await client.get(f"{settings.langfuse_host}/api/public/health")
            response.raise_for_status()

    return [
        DependencyCheck("database", database_check, critical=True),
        DependencyCheck("llm_gateway", gateway.ping),
        DependencyCheck("redis", redis_check if settings.redis_url else None),
        DependencyCheck("langfuse", langfuse_check if settings.langfuse_host else None),
    ]


def create_app(settings: Settings | None = None, *, gateway: LLMGateway | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(json_logs=settings.log_json, level=settings.log_level)
    database = Database.connect(settings.effective_database_url)
    metrics = AppMetrics()
    # A gateway passed in belongs to the caller; one built here is closed at shutdown.
    owned_gateway = build_gateway(settings) if gateway is None else None
    gateway = gateway or owned_gateway
    assert gateway is not None
    renderer = JinjaTemplateRenderer()
    container = build_container(
        settings, database=database, gateway=gateway, renderer=renderer, metrics=metrics
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        started = time.perf_counter()
        if settings.migrate_on_start:
            await upgrade_to_head(database)
        log.info(
            "service_started",
            version=__version__,
            database=database.url.split("://", 1)[0],
            auth_mode=settings.auth_mode,
            startup_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        yield
        await app.state.evaluation_runs.shutdown()
        await database.dispose()
        renderer.close()
        if owned_gateway is not None:
            owned_gateway.close()

    app = FastAPI(
        title="AutoForgeNexus",
        version=__version__,
        description="Create, evaluate, improve and manage the prompts you send to LLMs.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.container = container
    app.state.database = database
    install_error_handlers(app)
    install_docs(app)
    for router in (prompts.router, runs.router, templates.router):
        app.include_router(router)
    install_evaluation(
        app,
        database=database,
        queries=container.queries,
        gateway_for=container.gateway_for,
        default_model=settings.default_model,
    )
    evaluation_runs = install_evaluation_runs(
        app,
        database=database,
        queries=container.queries,
        renderer=container.renderer,
        gateway_for=container.gateway_for,
        default_model=settings.default_model,
        timeout_s=settings.llm_timeout_s,
    )
    queue = metrics.job_queue_depth.labels("evaluation")
    queue.set_function(lambda: evaluation_runs.jobs.waiting)

    async def readiness() -> bool:
        return await migrations_applied(database)

    app.include_router(
        build_monitoring_router(
            checks=_dependency_checks(settings, database, gateway),
            readiness=readiness,
            registry=metrics.registry,
            data_dir=settings.data_dir,
        )
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        RequestGuardMiddleware,
        max_body_bytes=settings.max_request_bytes,
        # Local mode trusts whoever reaches the port, so the Host must name this machine.
        allowed_hosts=LOOPBACK_HOSTS if settings.auth_mode == "local" else None,
    )
    app.add_middleware(RequestContextMiddleware, observer=metrics)
    return app
