# Production image: the portal's Python code with its pinned requirements and collected static files.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 EQAZYNA_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home eqazyna
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=frontend /build/node_modules ./node_modules
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=node_modules -v 0
USER eqazyna
EXPOSE 8000
CMD ["gunicorn", "eqazyna.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
