# Image for the worker (used by docker-compose.yml; not built in CI, which has no container engine).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY ingest ./ingest
COPY schemas ./schemas
RUN pip install --no-cache-dir -c constraints.txt . && useradd -r ingest && mkdir -p /var/lib/ingest && chown ingest /var/lib/ingest
USER ingest
ENTRYPOINT []
CMD ["ingest", "worker"]
