FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
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
EXPOSE 8000
CMD ["sh", "-c", "waymark db upgrade && waymark serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2}"]
