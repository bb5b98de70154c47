"""Every JWT this service issues or accepts goes through this module, and only this module.

python-jose has known pitfalls: it will verify an HMAC signature with whatever key material it is given (an RSA
public key in PEM or DER included), and `exp`/`aud` checks are optional. So: one algorithm, HS256, as an explicit
one-item list; a random key of at least 32 bytes; every registered claim required; and a `typ` claim so an access
token, a refresh token and a family token can never stand in for each other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from jose import JWTError, jwt

from app.config import MIN_SIGNING_KEY_BYTES, Settings
from app.db import utcnow

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh", "family"]
REQUIRED_CLAIMS = ("exp", "iat", "sub", "jti", "aud", "iss", "typ")
# Clocks of the processes that issue and check tokens may differ a little; more than this is a forged or broken iat.
CLOCK_SKEW = timedelta(seconds=30)


class InvalidToken(Exception):
    """The token is malformed, forged, expired, or of the wrong type. The reason is for logs, not clients."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    sub: str
    jti: str
    typ: TokenType
    issued_at: datetime
    expires_at: datetime
    sid: str | None


def _key(settings: Settings) -> str:
    key = settings.jwt_signing_key
    if len(key.encode()) < MIN_SIGNING_KEY_BYTES:
        raise RuntimeError("JWT signing key shorter than 32 bytes")
    return key


def encode(
    settings: Settings, *, sub: str, typ: TokenType, lifetime: timedelta, sid: str | None = None
) -> tuple[str, TokenClaims]:
    now = utcnow().replace(microsecond=0)
    claims = TokenClaims(sub=sub, jti=uuid.uuid4().hex, typ=typ, issued_at=now, expires_at=now + lifetime, sid=sid)
    payload: dict[str, Any] = {
        "sub": sub,
        "jti": claims.jti,
        "typ": typ,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    if sid is not None:
        payload["sid"] = sid
    return jwt.encode(payload, _key(settings), algorithm=ALGORITHM), claims


def decode(settings: Settings, token: str, *, expected_type: TokenType) -> TokenClaims:
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise InvalidToken("malformed header") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected algorithm")
    try:
        payload = jwt.decode(
            token,
            _key(settings),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "verify_signature": True,
                "verify_exp": True,
                "verify_iat": True,
                "verify_aud": True,
                "verify_iss": True,
                "verify_sub": True,
                "verify_jti": True,
                "require_exp": True,
                "require_iat": True,
                "require_aud": True,
                "require_iss": True,
                "require_sub": True,
                "require_jti": True,
                "leeway": 0,
            },
        )
    except JWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in payload]
    if missing:
        raise InvalidToken(f"missing claims {missing}")
    if payload["typ"] != expected_type:
        raise InvalidToken("wrong token type")
    try:
        claims = TokenClaims(
            sub=str(payload["sub"]),
            jti=str(payload["jti"]),
            typ=payload["typ"],
            issued_at=datetime.fromtimestamp(int(payload["iat"]), tz=utcnow().tzinfo),
            expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=utcnow().tzinfo),
            sid=str(payload["sid"]) if payload.get("sid") is not None else None,
        )
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise InvalidToken("malformed claims") from exc
    # A token "issued" in the future, or living longer than this service ever issues one of its type, was not made
    # here as claimed (a leaked key minting long-lived tokens, or a clock far off): refuse it whatever its signature.
    if claims.issued_at > utcnow() + CLOCK_SKEW:
        raise InvalidToken("issued in the future")
    if claims.expires_at - claims.issued_at > max_lifetime(settings, claims.typ):
        raise InvalidToken("lifetime longer than allowed")
    return claims


def max_lifetime(settings: Settings, typ: TokenType) -> timedelta:
    """The longest lifetime this service gives a token of type `typ` (with the clock skew allowed)."""
    if typ == "access":
        longest = timedelta(minutes=settings.access_token_minutes)
    elif typ == "refresh":
        longest = timedelta(days=settings.refresh_token_days)
    else:
        longest = timedelta(hours=settings.portal.absolute_hours)
    return longest + CLOCK_SKEW
