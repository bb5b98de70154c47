"""Known attacks on JWT handling, replayed against the API: each must be refused with 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from tests.conftest import TEST_SIGNING_KEY

AUD, ISS = "pow-liaison-api", "pow-liaison"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(header: dict, payload: dict, key: bytes) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def claims_for(staff, **overrides) -> dict:
    access = jwt.get_unverified_claims(staff.access_token)
    claims = {
        "sub": access["sub"],
        "sid": access["sid"],
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "iat": int(time.time()),
        "exp": int(time.time()) + 300,
        "aud": AUD,
        "iss": ISS,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def me(client, token: str) -> int:
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture
def staff(make_staff):
    return make_staff("operator")


def test_call_with_genuine_token_is_accepted(client, staff):
    assert me(client, staff.access_token) == 200
    assert me(client, jwt.encode(claims_for(staff), TEST_SIGNING_KEY, algorithm="HS256")) == 200


def test_call_with_alg_none_is_rejected(client, staff):
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims_for(staff)).encode())
    assert me(client, f"{header}.{payload}.") == 401
    assert me(client, f"{header}.{payload}") == 401


@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_call_with_hs256_signed_by_rsa_public_key_is_rejected(client, staff, encoding):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fmt = serialization.Encoding.PEM if encoding == "pem" else serialization.Encoding.DER
    public_bytes = private.public_key().public_bytes(fmt, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = hs256({"alg": "HS256", "typ": "JWT"}, claims_for(staff), public_bytes)
    assert me(client, token) == 401


def test_call_with_rs256_token_is_rejected(client, staff):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert me(client, jwt.encode(claims_for(staff), pem.decode(), algorithm="RS256")) == 401


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "jti", "aud", "iss", "typ"])
def test_call_with_missing_claim_is_rejected(client, staff, missing):
    token = jwt.encode(claims_for(staff, **{missing: None}), TEST_SIGNING_KEY, algorithm="HS256")
    assert me(client, token) == 401


@pytest.mark.parametrize(
    ("claim", "value"),
    [("aud", "another-service"), ("iss", "someone-else"), ("typ", "refresh"), ("typ", "family")],
)
def test_call_with_wrong_claim_value_is_rejected(client, staff, claim, value):
    token = jwt.encode(claims_for(staff, **{claim: value}), TEST_SIGNING_KEY, algorithm="HS256")
    assert me(client, token) == 401


def test_call_with_expired_token_is_rejected(client, staff):
    token = jwt.encode(
        claims_for(staff, iat=int(time.time()) - 3600, exp=int(time.time()) - 1), TEST_SIGNING_KEY, algorithm="HS256"
    )
    assert me(client, token) == 401


def test_call_with_refresh_token_as_access_token_is_rejected(client, staff):
    assert me(client, staff.refresh_token) == 401


def test_call_with_tampered_payload_is_rejected(client, staff, make_staff):
    admin = make_staff("admin")
    header, _payload, signature = staff.access_token.split(".")
    forged = b64(json.dumps(claims_for(admin)).encode())
    token = f"{header}.{forged}.{signature}"
    assert me(client, token) == 401
    assert client.get("/api/v1/admin/users", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_call_with_token_signed_by_other_key_is_rejected(client, staff):
    assert me(client, jwt.encode(claims_for(staff), "another-key-" + "y" * 40, algorithm="HS256")) == 401


def test_call_with_garbage_token_is_rejected(client):
    for token in ("", "abc", "a.b.c", "Bearer", "x" * 5000):
        assert me(client, token) == 401


def test_call_with_token_issued_in_the_future_is_rejected(client, staff):
    now = int(time.time())
    future = jwt.encode(claims_for(staff, iat=now + 3600, exp=now + 3900), TEST_SIGNING_KEY, algorithm="HS256")
    assert me(client, future) == 401


def test_call_with_token_issued_within_clock_skew_is_accepted(client, staff):
    now = int(time.time())
    token = jwt.encode(claims_for(staff, iat=now + 10, exp=now + 300), TEST_SIGNING_KEY, algorithm="HS256")
    assert me(client, token) == 200


def test_call_with_token_living_longer_than_any_issued_is_rejected(client, staff):
    now = int(time.time())
    # Validly signed, issued now, but for a year: this service never issues an access token over 15 minutes.
    forever = jwt.encode(claims_for(staff, iat=now, exp=now + 365 * 86400), TEST_SIGNING_KEY, algorithm="HS256")
    assert me(client, forever) == 401
    refresh = jwt.encode(
        claims_for(staff, typ="refresh", iat=now, exp=now + 365 * 86400), TEST_SIGNING_KEY, algorithm="HS256"
    )
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
