# syntax=docker/dockerfile:1
# Build stage: wheels for the app and its dependencies.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY seed ./seed
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime stage: no compilers, a non-root user, the data folder as a volume.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SOTAY_DATA_DIR=/data SOTAY_ENV=production
RUN useradd --system --uid 10001 --home /app sotay && mkdir -p /data && chown sotay /data
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
# Migrations and the PWA are read from the working directory at run time.
COPY alembic.ini ./
COPY migrations ./migrations
COPY pwa ./pwa
COPY api ./api
USER sotay
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["sotay", "serve", "--host", "0.0.0.0", "--port", "8000"]
