"""The portal's static files (CSS, icons), served from `app/static` with long caching and a content ETag.

A route rather than a mount so that it declares itself public like every other route.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth.dependencies import public
from app.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
}

router = APIRouter(prefix="/static", tags=["static"], include_in_schema=False)


@lru_cache(maxsize=64)
def _load(name: str) -> tuple[bytes, str, str] | None:
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR not in path.parents or not path.is_file() or path.suffix not in TYPES:
        return None
    data = path.read_bytes()
    return data, TYPES[path.suffix], '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@router.get("/{name:path}", dependencies=[public()])
def static_file(name: str, request: Request) -> Response:
    found = _load(name) if len(name) < 200 else None
    if found is None:
        raise NotFound("No such file.")
    data, media_type, etag = found
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type, headers=headers)
