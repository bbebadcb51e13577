#!/usr/bin/env bash
# Make sure the local PostgreSQL that the store tests use (127.0.0.1:5432, database
# `test`, user `postgres`, trust auth) is up. Tests that need it skip with a reason
# when it cannot be reached, except under CI=true, where they must run.
set -u
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && exit 0
    sleep 1
  done
fi
echo "PostgreSQL is not reachable on 127.0.0.1:5432; its tests will be skipped (outside CI)." >&2
exit 0
