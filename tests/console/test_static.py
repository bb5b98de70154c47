"""The vendored htmx is the pinned release, unmodified, served from our own origin with its licence beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

HTMX = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "htmx"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"  # htmx.org 2.0.11, dist/htmx.min.js


def test_vendored_htmx_matches_the_pinned_checksum_and_keeps_its_licence():
    assert hashlib.sha256((HTMX / "htmx.min.js").read_bytes()).hexdigest() == HTMX_SHA256
    assert "Zero-Clause BSD" in (HTMX / "LICENSE.txt").read_text()
    assert "2.0.11" in (HTMX / "README.md").read_text() and HTMX_SHA256 in (HTMX / "README.md").read_text()


def test_scripts_and_styles_are_served_locally_with_a_javascript_type(client):
    script = client.get("/static/vendor/htmx/htmx.min.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert hashlib.sha256(script.content).hexdigest() == HTMX_SHA256
    assert client.get("/static/console/console.js").status_code == 200
    assert client.get("/static/console/console.css").status_code == 200
    page = client.get("/staff")
    assert 'src="/static/vendor/htmx/htmx.min.js"' in page.text and "https://" not in page.text
