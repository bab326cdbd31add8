# Serves the bundled snapshot on port 8000 (SQLite inside the container), or a shared PostgreSQL
# store when DATABASE_URL is set (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lendercheck ./lendercheck
COPY api ./api
COPY scrapers ./scrapers
COPY data/snapshot ./data/snapshot
RUN pip install --no-cache-dir -e .
ENV LENDERCHECK_DATA_DIR=/app/data
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["lendercheck", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
