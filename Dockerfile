# POW Liaison, production image: dependencies built in one stage, a slim non-root runtime in the other.
# Runs migrations, loads reference data, then serves. Needs LIAISON_DATABASE_URL (PostgreSQL) and
# LIAISON_JWT_SIGNING_KEY (>= 32 random bytes); see compose.yaml.

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
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
CMD ["sh", "-c", "liaison migrate && liaison seed && exec liaison serve --workers 2"]
