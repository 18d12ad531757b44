#!/bin/sh
# Container entrypoint: web migrates first; worker and beat just start. Static files are collected when the image is
# built (platform/Dockerfile), so starting the web writes nothing to disk and a read-only or full VAR_DIR cannot stop it.
set -eu
case "${1:-web}" in
  web)
    python manage.py migrate --noinput
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
