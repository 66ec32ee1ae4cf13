"""Who is acting, and on behalf of which tenant."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOCAL_ACTOR", "Actor"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller. Every read and write is scoped by `tenant_id`."""

    tenant_id: str
    user_id: str
    correlation_id: str | None = None

    def with_correlation(self, correlation_id: str | None) -> Actor:
        return Actor(self.tenant_id, self.user_id, correlation_id)


LOCAL_ACTOR = Actor(tenant_id="local", user_id="local")
