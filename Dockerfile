# syntax=docker/dockerfile:1
#
# One image for every Sanphalang service; the command picks the service:
#   docker run sanphalang:local sanphalang serve orgs
# docker-compose.yml and deploy/k8s/ run it once per service.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: install the package and its pinned dependencies into a virtualenv ------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Only what the package needs: no virtualenv, var/, tests or git history in the build context
# that reaches the image.
COPY pyproject.toml constraints.txt README.md ./
COPY sanphalang ./sanphalang
COPY services ./services
COPY gateway ./gateway
# The vendored front-end files (ECharts, the Sarabun web font) into gateway/web/static/vendor/,
# from the npm registry at deploy/static/'s pinned versions, as `make setup` makes them
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY deploy/static ./deploy/static
COPY deploy/local/ensure-static.sh ./deploy/local/ensure-static.sh
RUN deploy/local/ensure-static.sh
RUN pip install -c constraints.txt .

# --- runtime ------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

# tini as PID 1 forwards SIGTERM to the service and reaps the children of exec probes.
# Chromium prints the monthly report's PDF (gateway/pdf.py); fonts-thai-tlwg is its Thai
# fallback font while the vendored Sarabun loads. postgresql-client gives `sanphalang backup`
# and `restore` pg_dump and pg_restore (15, as the server; a newer server needs a newer client).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini chromium fonts-thai-tlwg postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 sanphalang \
    && useradd --system --uid 10001 --gid sanphalang --home-dir /home/sanphalang \
       --create-home --shell /usr/sbin/nologin sanphalang \
    && install -d -o sanphalang -g sanphalang -m 0750 /var/lib/sanphalang

COPY --from=build /opt/venv /opt/venv
# Sets the broker users' passwords from their AMQP URIs (the broker-users Job in deploy/k8s).
COPY deploy/rabbitmq/set-passwords.py /opt/sanphalang/set-passwords.py

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SANPHALANG_HOST=0.0.0.0 \
    SANPHALANG_VAR=/var/lib/sanphalang

WORKDIR /home/sanphalang
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

# The gateway's HTTP port (SANPHALANG_PORT); the other services only talk AMQP.
EXPOSE 8700

ENTRYPOINT ["tini", "--"]
CMD ["sanphalang", "serve", "gateway"]
