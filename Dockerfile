# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 rondetafel
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER rondetafel
WORKDIR /home/rondetafel
# SQLite in a volume by default; set DATABASE_URL for PostgreSQL.
ENV DATABASE_URL=sqlite+aiosqlite:////home/rondetafel/data/rondetafel.db
VOLUME ["/home/rondetafel/data"]
CMD ["rondetafel", "run"]
