"""The published OpenAPI contract, rendered deterministically so that a test can compare it byte for byte."""

from __future__ import annotations

import json

from app.config import Settings
from app.main import create_app


def render_openapi() -> str:
    app = create_app(Settings(environment="development", database_url="sqlite://"))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
