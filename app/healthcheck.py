"""The container's health probe: `python -m app.healthcheck` asks this host's server for `/readyz`.

It probes the port the server was configured with (`LIAISON_PORT`), not a fixed one, and imports nothing but the
settings, so running it every few seconds costs little. Exit 0 when ready, 1 otherwise.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from app.config import get_settings


def probe(port: int, timeout_seconds: float = 4.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=timeout_seconds) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main() -> int:
    return 0 if probe(get_settings().port) else 1


if __name__ == "__main__":
    sys.exit(main())
