"""The portal's routes in one router: the family pages, the family JSON API, the staff access endpoints, and the
static files the pages use (its HTML error pages: `app.portal.errors_html`, registered by `create_app`)."""

from __future__ import annotations

from fastapi import APIRouter

from app.portal.router_api import router as api_router
from app.portal.router_pages import router as pages_router
from app.portal.router_staff import router as staff_router
from app.portal.router_static import router as static_router

router = APIRouter()
router.include_router(pages_router)
router.include_router(api_router)
router.include_router(staff_router)
router.include_router(static_router)
