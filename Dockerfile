# POW Liaison, production image: dependencies built in one stage, a slim non-root runtime in the other.
# One image for every role: `liaison serve` (the default command), `liaison worker`, and the one-shot
# `liaison migrate && liaison seed` that runs before them (compose.yaml's `migrate` service). Servers and workers
# wait for the schema to reach the migrations' head; they never migrate themselves, so replicas cannot race.
# Needs LIAISON_DATABASE_URL (PostgreSQL) and LIAISON_JWT_SIGNING_KEY (>= 32 random bytes); see compose.yaml.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY app ./app
# The locked, hash-checked dependency set first; the app itself on top without re-resolving anything.
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes -r requirements.lock \
    && /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim AS runtime
# DejaVu fonts: the printable PDF travel instructions need Cyrillic glyphs.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /srv liaison
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv
# The source tree beside the installed package: migrations and alembic.ini are found relative to `app/`.
COPY --chown=root:root alembic.ini ./
COPY --chown=root:root migrations ./migrations
COPY --chown=root:root app ./app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/srv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LIAISON_ENVIRONMENT=production \
    LIAISON_HOST=0.0.0.0 \
    LIAISON_PORT=8000
USER liaison
EXPOSE 8000
# Probes /readyz on the port the server listens on (LIAISON_PORT), whatever it is set to.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "app.healthcheck"]
# SIGTERM (docker stop): the server stops accepting, drains in-flight requests for up to --grace seconds, exits;
# a worker finishes or gives back its current job. Exec form: the process is PID 1 and receives the signal itself.
STOPSIGNAL SIGTERM
CMD ["liaison", "serve", "--workers", "2", "--grace", "20"]
