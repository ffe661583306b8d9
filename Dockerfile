# Image for the worker (used by docker-compose.yml; not built in CI, which has no container engine).
# Build stage: the wheel, with the Rust extension (native/) compiled by maturin.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates gcc libc6-dev \
 && curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain 1.85.0
ENV PATH=/root/.cargo/bin:$PATH
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY native ./native
COPY ingest ./ingest
COPY schemas ./schemas
RUN pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim
WORKDIR /app
COPY constraints.txt ./
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir -c constraints.txt /wheels/*.whl && useradd -r ingest && mkdir -p /var/lib/ingest && chown ingest /var/lib/ingest
USER ingest
ENTRYPOINT []
CMD ["ingest", "worker"]
