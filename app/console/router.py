"""The console's routes in one router (each screen group is its own module) and its HTML error pages.

Adding a screen: see `docs/console.md`.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.console import account, cases, errors_html, landing

errors_html.install()

router = APIRouter()
for module in (landing, account, cases):
    router.include_router(module.router)
