FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint's libraries and the PDF font; PostgreSQL client tools for `waymark backup`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
      postgresql-client curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/waymark
COPY pyproject.toml README.md ./
COPY app ./app
COPY scrapers ./scrapers
RUN pip install --no-cache-dir .
COPY alembic.ini ./
COPY alembic ./alembic
COPY data ./data
COPY templates ./templates
# Reference data and standards are mounted at /srv/shared (see docker-compose.yml).
ENV REFERENCE_DATA_DIR=/srv/shared/data STANDARDS_DIR=/srv/shared/standards
# Never run as root.
RUN useradd --system --uid 10001 --home /srv/waymark waymark && chown -R waymark /srv/waymark
USER waymark
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/readyz || exit 1
CMD ["sh", "-c", "waymark db upgrade && waymark serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2}"]
