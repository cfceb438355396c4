FROM python:3.11-slim-bookworm
# CJK fonts so Chinese prints (not boxes); harfbuzz-subset so a PDF page renders in milliseconds.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py compilemessages --ignore=.venv || true
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
