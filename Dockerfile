# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
# The data folder exists and belongs to the bot's user before VOLUME: a new
# named volume copies the folder's owner, so SQLite can write there.
RUN useradd --create-home --uid 10001 rondetafel \
 && install -d -o rondetafel -g rondetafel /home/rondetafel/data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER rondetafel
WORKDIR /home/rondetafel
# SQLite in a volume by default; set DATABASE_URL for PostgreSQL.
ENV DATABASE_URL=sqlite+aiosqlite:////home/rondetafel/data/rondetafel.db \
    HEARTBEAT_FILE=/tmp/rondetafel.alive
VOLUME ["/home/rondetafel/data"]
# The bot touches HEARTBEAT_FILE every 30 s while its event loop runs.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
  CMD ["rondetafel", "health"]
CMD ["rondetafel", "run"]
