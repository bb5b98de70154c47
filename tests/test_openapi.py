from pathlib import Path

from app.openapi import render_openapi

PUBLISHED = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def test_published_openapi_matches_the_app():
    assert PUBLISHED.exists(), "run `make openapi` to publish the contract"
    assert PUBLISHED.read_text() == render_openapi(), "openapi/openapi.json is stale: run `make openapi`"
