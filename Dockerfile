# Homeroom: one process serving the platforms whose tokens are set (see docs/deploying.md).
#   docker build -t homeroom .
#   docker run --rm homeroom --version
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Noto fonts so charts draw every script a class writes in (Korean, Chinese, Arabic, emoji).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user owns only the data folder (the SQLite file, if SQLite is used).
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin homeroom \
    && mkdir -p /data \
    && chown homeroom:homeroom /data

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY adapters ./adapters
COPY cogs ./cogs
# A regular (not editable) install: the package and its bytecode land in site-packages.
RUN pip install . && rm -rf /src

USER homeroom
WORKDIR /data
VOLUME ["/data"]
# Slack's HTTP mode listens here (set [slack] host = "0.0.0.0" in the configuration).
# 3000: Slack's HTTP mode; 8080: /healthz and /metrics
EXPOSE 3000 8080

# Not every adapter serves HTTP (Discord keeps a gateway connection), so the health check is
# a command: a database round trip plus the schema check, exit 0 when both pass.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["homeroom", "health"]

ENTRYPOINT ["homeroom"]
CMD ["run"]
