"""Authentication glue: who is calling, turned into an Actor scoped to one tenant.

Two modes. `local`: the embedded default's single local user, allowed only while the
server listens on loopback. `clerk`: Clerk session JWTs verified locally (RS256 against
the issuer's JWKS or a configured PEM key; issuer, expiry, not-before, authorized party).
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from typing import Any

import jwt
from jwt import PyJWKClient

from autoforge.domain.errors import AuthenticationRequiredError
from autoforge.domain.identity.model import LOCAL_ACTOR, Actor

__all__ = ["ClerkAuthenticator", "LocalAuthenticator", "LocalModeRefusedError", "is_loopback"]


class LocalModeRefusedError(RuntimeError):
    """Raised at start-up: the local single-user mode must not face a network."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class LocalAuthenticator:
    def __init__(self, *, host: str) -> None:
        if not is_loopback(host):
            raise LocalModeRefusedError(
                f"Local single-user mode serves only loopback addresses, not {host!r}: anyone who "
                "can reach the port would act as the local user. Listen on 127.0.0.1, or set "
                "AUTOFORGE_AUTH_MODE=clerk with CLERK_JWT_ISSUER to require sign-in."
            )

    async def authenticate(self, authorization: str | None) -> Actor:
        return LOCAL_ACTOR


def _unauthenticated(detail_en: str, detail_ja: str) -> AuthenticationRequiredError:
    return AuthenticationRequiredError(detail_en, detail_ja)


class ClerkAuthenticator:
    def __init__(
        self,
        *,
        issuer: str,
        jwks_url: str | None = None,
        public_key: str | None = None,
        authorized_parties: Sequence[str] = (),
        leeway_s: int = 5,
    ) -> None:
        if not jwks_url and not public_key:
            jwks_url = issuer.rstrip("/") + "/.well-known/jwks.json"
        self._issuer = issuer
        self._public_key = public_key
        self._jwks = PyJWKClient(jwks_url, cache_keys=True, lifespan=600) if jwks_url else None
        self._authorized_parties = set(authorized_parties)
        self._leeway_s = leeway_s

    def _key_for(self, token: str) -> Any:
        if self._public_key:
            return self._public_key
        assert self._jwks is not None
        return self._jwks.get_signing_key_from_jwt(token).key

    async def authenticate(self, authorization: str | None) -> Actor:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated(
                "Send a session token as 'Authorization: Bearer <token>'.",
                "「Authorization: Bearer <トークン>」でセッショントークンを送ってください。",
            )
        token = token.strip()
        try:
            # The JWKS client fetches keys with blocking I/O (cached after the first call).
            key: Any = self._public_key or await asyncio.to_thread(self._key_for, token)
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=self._issuer,
                leeway=self._leeway_s,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
            )
        except (jwt.PyJWTError, ValueError) as error:  # PyJWKClientError is a PyJWTError
            raise _unauthenticated(
                "The session token is invalid or expired.",
                "セッショントークンが無効か、有効期限が切れています。",
            ) from error
        if not str(claims.get("sub", "")).strip():
            raise _unauthenticated(
                "The session token names no user.",
                "セッショントークンにユーザーが含まれていません。",
            )
        azp = claims.get("azp")
        if self._authorized_parties and azp not in self._authorized_parties:
            raise _unauthenticated(
                "The session token was issued for another application.",
                "セッショントークンは別のアプリケーション向けに発行されています。",
            )
        return Actor(tenant_id=_tenant_of(claims), user_id=str(claims["sub"]))


def _tenant_of(claims: dict[str, Any]) -> str:
    """The active organisation, or the user when they act on their own."""
    organisation = claims.get("o")
    if isinstance(organisation, dict) and organisation.get("id"):
        return str(organisation["id"])
    if claims.get("org_id"):
        return str(claims["org_id"])
    return f"user:{claims['sub']}"
