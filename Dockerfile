# safecity-bot: the Telegram help bot, with its content pack and catalogs inside.
#
#   docker build -t safecity-bot .
#   docker run --rm --stop-timeout 10 -e TELEGRAM_BOT_TOKEN=... safecity-bot   # polling
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... -e WEBHOOK_URL=https://bot.example.org/tg \
#     -e WEBHOOK_LISTEN=0.0.0.0 -e WEBHOOK_PORT=8080 -e WEBHOOK_SECRET=... -p 8080:8080 safecity-bot
#
# Content and catalog edits go live without a restart: mount your own over
# /app/content and /app/locales, and the bot picks changes up (or `docker kill -s HUP`).
#
# Outreach kit, written to a host folder as your own user:
#   docker run --rm --user "$(id -u)" -v "$PWD/out:/out" safecity-bot \
#     safecity-bot flyers --out /out --bot-username NAME      # or: site --out /out
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin safecity

# `safecity-bot flyers`: Pango lays out the text (WeasyPrint) and the Noto
# fonts cover the pack's 11 scripts (Arabic, Nastaliq Urdu, Bengali, CJK, ...).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Code and dependencies first: a content edit does not reinstall anything.
# (README.m[d]: the glob keeps the build working before the README exists.)
COPY pyproject.toml README.m[d] ./
COPY bot ./bot
# The package is installed into site-packages; the source copy is not needed after.
RUN pip install . && rm -rf build *.egg-info bot

COPY content ./content
COPY locales ./locales

ENV SAFECITY_CONTENT=/app/content \
    SAFECITY_LOCALES=/app/locales \
    SAFECITY_CACHE=/app/cache \
    SAFECITY_DATA=/app/data \
    LOG_LEVEL=INFO

RUN mkdir -p /app/cache /app/data && chown safecity /app/cache /app/data && chmod 700 /app/data

# Topic counts (per day, topic, language and outcome; never ids or text):
# `docker run -v safecity-data:/app/data ...` keeps them; STATS=off counts nothing.
VOLUME ["/app/data"]

USER safecity

# Train the matcher for the shipped content now, so a start loads its weights.
# (Mounted content of your own is trained once at its first start, ~1 s.)
RUN safecity-bot ask "hello" > /dev/null

# Webhook mode only (WEBHOOK_PORT); polling needs no open port.
EXPOSE 8080

# Webhook mode: GET /healthz on the webhook port. Polling mode has no server,
# so the probe passes while the process runs (Docker restarts it when it exits).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["safecity-bot", "health"]

# Exec form: the bot is PID 1 and gets SIGTERM itself. It stops taking updates,
# answers what it can within SHUTDOWN_GRACE (8 s, under `docker stop`'s default
# 10 s before SIGKILL), leaves the rest unconfirmed for Telegram to send again
# to the next container, and exits 0. Keep --stop-timeout above SHUTDOWN_GRACE.
STOPSIGNAL SIGTERM
CMD ["safecity-bot", "run"]
