#!/bin/sh
# Container entrypoint: web, worker and beat just start. Static files are collected when the image is built
# (platform/Dockerfile), so starting the web writes nothing to disk and a read-only or full VAR_DIR cannot stop it;
# migrations are a release step that runs once before them (docker-compose.yml's `migrate` service), never in every
# web container.
set -eu
case "${1:-web}" in
  web)
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
