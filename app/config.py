"""Configuration: one `Settings`, read from `LIAISON_*` environment variables.

Nothing else in the application reads `os.environ`; everything asks `get_settings()`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, IPvAnyNetwork, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'liaison.db'}"
# Only for local development: refused in production by the validator below.
DEVELOPMENT_SIGNING_KEY = "development-only-signing-key-change-me-0123456789"
MIN_SIGNING_KEY_BYTES = 32


class PortalConfig(BaseModel):
    """The family portal (`LIAISON_PORTAL__*`): session lifetimes, throttling, the contact channels families see."""

    base_url: str = "http://127.0.0.1:8000"
    """Where families reach the portal; used in emails."""
    contact_phone: str = "+7 800 000-00-00"
    contact_email: str = "family@pow-liaison.example"
    contact_hours: str = "09:00–21:00 (UTC+3)"
    """Shown as given (times and zones read the same in every language)."""
    idle_minutes: int = Field(default=30, ge=5, le=120)
    absolute_hours: int = Field(default=12, ge=1, le=24)
    reference_max_failures: int = Field(default=5, ge=3)
    address_max_failures: int = Field(default=20, ge=5)
    failure_window_minutes: int = Field(default=60, ge=5)
    base_delay_seconds: int = Field(default=60, ge=1)
    max_delay_seconds: int = Field(default=3600, ge=60)
    inquiries_per_address_per_hour: int = Field(default=5, ge=1)
    messages_per_session_per_hour: int = Field(default=10, ge=1)
    release_after_days: int = Field(default=7, ge=1, le=90)
    """A supervisor may let the portal tell a requester of a death only this many days after the first logged
    attempt to reach them in person, and only after `release_min_attempts` attempts."""
    release_min_attempts: int = Field(default=3, ge=1, le=20)


class ConsoleConfig(BaseModel):
    """The staff console (`LIAISON_CONSOLE__*`): session lifetimes and what a new member of staff sees first."""

    idle_minutes: int = Field(default=30, ge=5, le=120)
    absolute_hours: int = Field(default=12, ge=1, le=24)
    step_minutes: int = Field(default=5, ge=1, le=15)  # to finish a sign-in step (a second factor) after the password
    default_language: str = Field(default="uk", pattern="^(uk|ru|en)$")
    default_time_zone: str = "Europe/Kyiv"


class SmtpConfig(BaseModel):
    """Outgoing mail (`LIAISON_SMTP__*`): which SMTP server to hand messages to, and as whom."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = "POW Liaison <no-reply@pow-liaison.example>"
    security: str = Field(default="none", pattern="^(none|starttls|tls)$")
    """`none` (a relay on the same host), `starttls` (upgrade on 587) or `tls` (implicit TLS on 465)."""
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    timeout_seconds: float = Field(default=15.0, gt=0)


class ImapAccount(BaseModel):
    """One IMAP mailbox the worker reads, over IMAPS or STARTTLS only: mail never crosses a network in clear."""

    name: str = Field(default="hotline", pattern=r"^[a-z0-9][a-z0-9_.-]{0,39}$")
    """Stored with every message (with the folder's UIDVALIDITY and the UID) to identify it."""
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    """Default 993 for `tls`, 143 for `starttls`."""
    security: Literal["tls", "starttls"] = "tls"
    username: str
    password: str = Field(repr=False)
    folder: str = "INBOX"
    processed_folder: str | None = None
    """Move each message here once stored; unset: flag it `\\Seen` and leave it in `folder`."""
    ca_file: Path | None = None
    """A private CA (or the server's self-signed certificate) to trust instead of the system's CAs."""
    timeout_seconds: float = Field(default=30.0, gt=0)

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)


class MailboxConfig(BaseModel):
    """Email intake (`LIAISON_MAILBOX__*`): which mailboxes the worker reads, limits, acknowledgements.

    One mailbox: `LIAISON_MAILBOX__HOST`, `__USERNAME`, `__PASSWORD` (and `__SECURITY`, `__PORT`, `__FOLDER`,
    `__PROCESSED_FOLDER`, `__CA_FILE`). More: `LIAISON_MAILBOX__ACCOUNTS` as a JSON list of such objects.
    """

    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["tls", "starttls"] = "tls"
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    folder: str = "INBOX"
    processed_folder: str | None = None
    ca_file: Path | None = None
    accounts: list[ImapAccount] = Field(default_factory=list)
    directory: Path | None = None
    """Read `.eml` files dropped here instead of (or besides) IMAP; default `var/inbox` in development."""
    poll_seconds: float = Field(default=30.0, ge=0.2)
    """Between polls when the server offers no IDLE (and between looks at `directory`: see `directory_poll_seconds`)."""
    idle_seconds: float = Field(default=300.0, ge=1, le=1740)
    """Longest wait in IDLE before polling anyway (servers drop IDLE after 30 minutes)."""
    directory_poll_seconds: float = Field(default=2.0, ge=0.1)
    batch_size: int = Field(default=50, ge=1, le=1000)
    """Messages stored per transaction (one commit, then they are marked in the mailbox)."""
    max_message_bytes: int = Field(default=40 * 1024 * 1024, ge=1024)
    """A larger message is recorded with its header only and left in the mailbox, with the reason shown."""
    max_attachment_bytes: int = Field(default=15 * 1024 * 1024, ge=0)
    max_attachments: int = Field(default=20, ge=0)
    acknowledge: bool = True
    """Send each new sender one automatic acknowledgement (never to automatic mail)."""
    ack_interval_hours: int = Field(default=24 * 30, ge=1)
    """At most one acknowledgement per address in this many hours: a sender is "new" again only after it."""
    ack_max_per_hour: int = Field(default=200, ge=1)
    """All acknowledgements together, per hour: a flood of forged senders cannot turn us into a spam source."""

    def imap_accounts(self) -> list[ImapAccount]:
        primary = []
        if self.host:
            if not self.username or self.password is None:
                raise ValueError("LIAISON_MAILBOX__HOST needs LIAISON_MAILBOX__USERNAME and __PASSWORD")
            primary.append(
                ImapAccount(
                    host=self.host,
                    port=self.port,
                    security=self.security,
                    username=self.username,
                    password=self.password,
                    folder=self.folder,
                    processed_folder=self.processed_folder,
                    ca_file=self.ca_file,
                )
            )
        return primary + list(self.accounts)


class MetricsConfig(BaseModel):
    """Who may read `/metrics` (`LIAISON_METRICS__*`). Neither set: nobody; it is never public."""

    token: str | None = Field(default=None, repr=False)
    """A scraper sending `Authorization: Bearer <token>` may read it (at least 32 characters)."""
    networks: list[IPvAnyNetwork] = Field(default_factory=list)
    """Operator networks (JSON list, e.g. `["10.20.0.0/16"]`) whose direct connections may read it without a token;
    a request relayed by a proxy (`X-Forwarded-For`, `Forwarded`) never qualifies this way."""

    @model_validator(mode="after")
    def _strong_token(self) -> MetricsConfig:
        if self.token == "":
            self.token = None  # compose passes an unset variable as an empty string
        if self.token is not None and len(self.token) < 32:
            raise ValueError("LIAISON_METRICS__TOKEN must have at least 32 characters")
        return self


class AuditConfig(BaseModel):
    """The audit trail's sealing (`LIAISON_AUDIT__*`); see `app.audit.sealer` and `app.audit.checkpoints`."""

    max_seal_delay_seconds: float = Field(default=1.0, gt=0, le=3600)
    """The bound: events are linked into the hash chain within this long (the sealer looks four times as often);
    `liaison audit verify` reports an unsealed event older than this as an alarm."""
    checkpoint_interval_seconds: int = Field(default=60, ge=1)
    """While events arrive, a signed checkpoint of the chain's head is stored this often."""
    checkpoint_key: str | None = Field(default=None, repr=False)
    """Base64 of a 32-byte Ed25519 seed that signs checkpoints; derived from the JWT signing key when unset."""


EXAMPLE_CONTACTS = (PortalConfig().contact_phone, PortalConfig().contact_email)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIAISON_", env_file=None, extra="ignore", env_nested_delimiter="__")

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
    case_review_days: int = Field(default=7, ge=1, le=90)  # next review of a case after each change of state
    phone_default_region: str = Field(default="RU", pattern=r"^[A-Z]{2}$")  # for numbers typed without +country
    trust_forwarded_for: bool = False
    portal: PortalConfig = Field(default_factory=PortalConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    mailbox: MailboxConfig = Field(default_factory=MailboxConfig)
    mail_sink_dir: Path | None = None
    """Development only: where mail no SMTP server takes is kept (default `var/mail`); `app/notifications/sink.py`."""
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
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
        if self.portal.contact_phone in EXAMPLE_CONTACTS or self.portal.contact_email in EXAMPLE_CONTACTS:
            raise ValueError(
                "set the contact channels families see (LIAISON_PORTAL__CONTACT_PHONE, LIAISON_PORTAL__CONTACT_EMAIL)"
            )
        if "host" not in self.smtp.model_fields_set:
            raise ValueError("set the SMTP server families' email goes through (LIAISON_SMTP__HOST, __PORT, ...)")
        if "base_url" not in self.portal.model_fields_set:
            raise ValueError("set the portal's public address for links in emails (LIAISON_PORTAL__BASE_URL)")
        return self

    @model_validator(mode="after")
    def _distinct_mailboxes(self) -> Settings:
        names = [account.name for account in self.mailbox.imap_accounts()]
        if len(names) != len(set(names)):
            raise ValueError("each mailbox in LIAISON_MAILBOX__ACCOUNTS needs its own `name`")
        return self

    @model_validator(mode="after")
    def _portal_address_follows_the_server(self) -> Settings:
        """In development the links in emails point where `liaison serve` (`make run`) actually listens."""
        if self.environment == "development" and "base_url" not in self.portal.model_fields_set:
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104 (a comparison)
            self.portal.base_url = f"http://{host}:{self.port}"
        return self

    @property
    def mail_sink_directory(self) -> Path | None:
        if self.environment != "development":
            return None
        return self.mail_sink_dir or PROJECT_ROOT / "var" / "mail"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def runs_embedded_worker(self) -> bool:
        return self.embedded_worker if self.embedded_worker is not None else self.environment == "development"

    @property
    def mailbox_directory(self) -> Path | None:
        """The local drop directory read instead of IMAP: explicit, or `var/inbox` in development."""
        if self.mailbox.directory is not None:
            return self.mailbox.directory
        return PROJECT_ROOT / "var" / "inbox" if self.environment == "development" else None

    @property
    def effective_audit_salt(self) -> str:
        return self.audit_salt or f"audit:{self.jwt_signing_key}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
