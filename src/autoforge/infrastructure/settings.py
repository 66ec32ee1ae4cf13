"""One typed settings object, built once from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


def _env(name: str) -> AliasChoices:
    """Accept the original design's bare name and the AUTOFORGE_-prefixed one."""
    return AliasChoices(name, f"AUTOFORGE_{name}")


class Settings(BaseSettings):
    """Provider keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) are not fields: the gateway
    factory passes every *_API_KEY of the environment to LiteLLM under its usual name."""

    model_config = SettingsConfigDict(
        env_prefix="AUTOFORGE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    database_url: str | None = None
    turso_database_url: str | None = Field(
        default=None, validation_alias=_env("TURSO_DATABASE_URL")
    )
    turso_auth_token: SecretStr | None = Field(
        default=None, validation_alias=_env("TURSO_AUTH_TOKEN")
    )
    redis_url: str | None = Field(default=None, validation_alias=_env("REDIS_URL"))
    redis_password: SecretStr | None = Field(default=None, validation_alias=_env("REDIS_PASSWORD"))
    migrate_on_start: bool = True

    auth_mode: Literal["local", "clerk"] = "local"
    clerk_secret_key: SecretStr | None = Field(
        default=None, validation_alias=_env("CLERK_SECRET_KEY")
    )
    clerk_jwt_issuer: str | None = Field(default=None, validation_alias=_env("CLERK_JWT_ISSUER"))
    clerk_jwks_url: str | None = Field(default=None, validation_alias=_env("CLERK_JWKS_URL"))
    clerk_jwt_public_key: str | None = Field(default=None, validation_alias=_env("CLERK_JWT_KEY"))
    clerk_authorized_parties: list[str] = Field(default_factory=list)

    langfuse_public_key: str | None = Field(
        default=None, validation_alias=_env("LANGFUSE_PUBLIC_KEY")
    )
    langfuse_secret_key: SecretStr | None = Field(
        default=None, validation_alias=_env("LANGFUSE_SECRET_KEY")
    )
    langfuse_host: str | None = Field(default=None, validation_alias=_env("LANGFUSE_HOST"))

    default_model: str = "local/gemma-3-270m"
    local_model_enabled: bool = True
    local_model_queue_size: int = 8
    llm_timeout_s: float = 120.0
    openai_base_url: str | None = None
    openai_compatible_api_key: SecretStr | None = None
    openai_compatible_models: list[str] = Field(default_factory=list)
    openai_compatible_embedding_models: list[str] = Field(default_factory=list)

    max_prompt_chars: int = 200_000
    max_request_bytes: int = 10 * 1024 * 1024
    prompt_quota_per_user: int = 10_000
    log_json: bool = True
    log_level: str = "INFO"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        if self.turso_database_url:
            return self.turso_database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'autoforge.db').as_posix()}"
