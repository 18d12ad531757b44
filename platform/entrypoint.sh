#!/bin/sh
# Container entrypoint: web collects static files first; worker and beat just start. Migrations are a release step
# that runs once before them (docker-compose.yml's `migrate` service), never in every web container.
set -eu
case "${1:-web}" in
  web)
    python manage.py collectstatic --noinput
    exec gunicorn config.wsgi -c platform/gunicorn.conf.py
    ;;
  worker)
    exec celery -A config worker --loglevel=INFO --queues=celery,tutor
    ;;
  beat)
    exec celery -A config beat --loglevel=INFO --schedule=/tmp/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
