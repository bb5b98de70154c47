"""Configuration: one `Settings`, read from `LIAISON_*` environment variables.

Nothing else in the application reads `os.environ`; everything asks `get_settings()`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'liaison.db'}"
# Only for local development: refused in production by the validator below.
DEVELOPMENT_SIGNING_KEY = "development-only-signing-key-change-me-0123456789"
MIN_SIGNING_KEY_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIAISON_", env_file=None, extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = DEFAULT_SQLITE_URL
    jwt_signing_key: str = Field(default=DEVELOPMENT_SIGNING_KEY, repr=False)
    jwt_issuer: str = "pow-liaison"
    jwt_audience: str = "pow-liaison-api"
    access_token_minutes: int = Field(default=10, ge=1, le=15)
    refresh_token_days: int = Field(default=7, ge=1, le=30)
    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    demo_password: str | None = Field(default=None, repr=False)
    # Salt for hashing sensitive values in audit details; derived from the signing key when unset.
    audit_salt: str | None = Field(default=None, repr=False)
    login_max_failures: int = 10
    login_window_minutes: int = 15
    first_response_hours: int = 48
    trust_forwarded_for: bool = False
    embedded_worker: bool | None = None
    """Run background jobs in a thread of the server process. Default: on in development (so `make run` needs no
    second process), off elsewhere, where `liaison worker` processes do the work."""

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment != "production":
            return self
        key = self.jwt_signing_key
        if not key or key == DEVELOPMENT_SIGNING_KEY or len(key.encode()) < MIN_SIGNING_KEY_BYTES:
            raise ValueError(
                f"LIAISON_JWT_SIGNING_KEY must be set to at least {MIN_SIGNING_KEY_BYTES} random bytes in production"
            )
        if self.database_url == DEFAULT_SQLITE_URL or self.database_url.startswith("sqlite"):
            raise ValueError("LIAISON_DATABASE_URL must point at PostgreSQL in production")
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def runs_embedded_worker(self) -> bool:
        return self.embedded_worker if self.embedded_worker is not None else self.environment == "development"

    @property
    def effective_audit_salt(self) -> str:
        return self.audit_salt or f"audit:{self.jwt_signing_key}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
