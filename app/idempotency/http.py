"""The HTTP side of idempotency: read the header and the raw body, wrap the handler's one service call.

Usage in a router::

    @router.post("", status_code=201, response_model=ThingOut)
    def create_thing(body: ThingIn, principal: ..., session: SessionDep, idem: IdempotencyDep) -> Response:
        return idem.respond(session, principal, lambda: ThingOut.of(service.create(...)), status_code=201)

Without the header the handler simply runs. With it, the first request's status, body and `ETag`/`Location`
headers are stored, and every retry gets them back with `Idempotent-Replayed: true`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.auth.principals import StaffPrincipal
from app.errors import Unprocessable
from app.idempotency import service
from app.idempotency.service import HEADER, StoredResponse

REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("etag", "location")
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass
class Reply:
    """What a handler returns through `respond`: a body, the headers to send (and store) with it, and optionally a
    status that depends on the outcome (e.g. 202 for a proposal instead of 200)."""

    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    status_code: int | None = None


def render(reply: Reply, status_code: int = 200) -> JSONResponse:
    """The JSON response for `reply` (its own status, if it has one, wins over `status_code`)."""
    return JSONResponse(
        jsonable_encoder(reply.body), status_code=reply.status_code or status_code, headers=reply.headers or None
    )


def _replay(stored: StoredResponse) -> Response:
    headers = {**stored.headers, REPLAYED_HEADER: "true"}
    return Response(stored.body, status_code=stored.status_code, headers=headers, media_type="application/json")


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    key: str | None
    method: str
    path: str
    request_hash: str

    def respond(
        self,
        session: Session,
        principal: StaffPrincipal,
        produce: Callable[[], Any],
        *,
        status_code: int = 200,
    ) -> Response:
        """Run `produce` (the handler's service call) once per key and return its response, stored for retries."""
        if self.key is None:
            return render(_as_reply(produce()), status_code)
        claimed = service.claim(
            session,
            principal=str(principal.user_id),
            key=self.key,
            request_hash=self.request_hash,
            method=self.method,
            path=self.path,
        )
        if isinstance(claimed, StoredResponse):
            return _replay(claimed)
        response = render(_as_reply(produce()), status_code)
        kept = {name: response.headers[name] for name in STORED_HEADERS if name in response.headers}
        service.complete(session, claimed, status_code=response.status_code, body=bytes(response.body), headers=kept)
        return response


def _as_reply(value: Any) -> Reply:
    return value if isinstance(value, Reply) else Reply(value)


async def idempotent_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            max_length=255,
            description="Any unique string per intended operation (a UUID is ideal). A retry with the same key "
            "and body returns the first response and changes nothing; the same key with another body is refused.",
        ),
    ] = None,
) -> IdempotentRequest:
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise Unprocessable(
            "The Idempotency-Key header must be 1 to 255 visible ASCII characters.",
            errors=[{"header": HEADER, "detail": "1 to 255 visible ASCII characters"}],
        )
    body = await request.body()
    return IdempotentRequest(
        idempotency_key, request.method, request.url.path, service.fingerprint(request.method, request.url.path, body)
    )


IdempotencyDep = Annotated[IdempotentRequest, Depends(idempotent_request)]
