"""The anchor of `make bench-http`: a bare FastAPI app reading one row by primary key over SQLAlchemy.

Served exactly like the project (uvicorn with httptools and uvloop, the same worker count, access log off), on the
same database, so the ratio against it measures what the project adds and nothing else. The engine is SQLAlchemy's
default for the URL, as a bare application would have it.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.staff.models import StaffUser


def create_anchor() -> FastAPI:
    url = os.environ["LIAISON_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    row_id = uuid.UUID(os.environ["BENCH_ANCHOR_ID"])
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    query = select(StaffUser.id, StaffUser.username, StaffUser.full_name).where(StaffUser.id == row_id)

    @app.get("/row")
    def row() -> dict[str, Any]:
        with Session(engine) as session:
            found = session.execute(query).first()
        if found is None:
            raise HTTPException(404)
        return {"id": str(found.id), "username": found.username, "full_name": found.full_name}

    return app
