#!/bin/sh
# Container entrypoint: web migrates and collects static files first; worker and beat just start.
set -eu
case "${1:-web}" in
  web)
    python manage.py migrate --noinput
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
