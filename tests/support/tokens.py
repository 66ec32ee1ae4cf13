"""Signing Clerk-style session tokens with a key made for the test run."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["TokenIssuer"]

ISSUER = "https://clerk.autoforge.test"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenIssuer:
    issuer: str = ISSUER
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)

    @property
    def public_pem(self) -> str:
        return (
            self.key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def token(self, user: str, *, org: str | None = None, ttl_s: int = 300, **claims: Any) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {"sub": user, "iss": self.issuer, "iat": now, "exp": now + ttl_s}
        if org:
            payload["org_id"] = org
        payload.update(claims)
        return jwt.encode(payload, self.key, algorithm="RS256")

    def headers(self, user: str, *, org: str | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user, org=org, **claims)}"}
