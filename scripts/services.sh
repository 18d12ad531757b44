#!/usr/bin/env bash
# Start PostgreSQL and Redis for the tests when they are installed here but stopped. Never installs servers:
# without them the suite runs on SQLite and the embedded broker, and the tests that need them are skipped.
set -uo pipefail

if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$version" ]; then
    echo "Starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || echo "PostgreSQL did not start" >&2
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || echo "Redis did not start" >&2
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# Create the database DATABASE_URL names when it points at a local PostgreSQL and does not exist yet.
if [[ "${DATABASE_URL:-}" == postgres* ]] && command -v psql >/dev/null 2>&1; then
  db=${DATABASE_URL##*/}; db=${db%%\?*}
  base=${DATABASE_URL%/*}
  if ! psql "$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1; then
    psql "$base/postgres" -c "CREATE DATABASE \"$db\"" >/dev/null && echo "Created database $db"
  fi
fi
exit 0
