#!/usr/bin/env bash
# `make production`: the import worker (started again if it dies) beside gunicorn's web workers, which leave
# uploads to it (MALI3W_JOB_RUNNER=worker); both stop together (Ctrl-C, or SIGTERM to this script).
# Several servers behind one address: run this on each, with the same DATABASE_URL (PostgreSQL) and
# MALI3W_SECRET_KEY; every server's worker takes jobs from the one queue in the database.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
WORKERS=${WORKERS:-3}
BIND=${BIND:-127.0.0.1:8050}
export MALI3W_JOB_RUNNER=worker

(
    child=
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM INT
    while true; do
        "$BIN/python" -m dashboard worker &
        child=$!
        wait "$child"
        echo "serve-production: the import worker ended (status $?); starting it again in 2 s" >&2
        sleep 2
    done
) &
supervisor=$!

"$BIN/gunicorn" --workers "$WORKERS" --threads 4 --preload --bind "$BIND" --timeout 120 app:server &
web=$!
trap 'kill -TERM "$web" "$supervisor" 2>/dev/null' TERM INT
status=0
while kill -0 "$web" 2>/dev/null; do
    wait "$web"
    status=$?
done
kill -TERM "$supervisor" 2>/dev/null
wait "$supervisor" 2>/dev/null
exit "$status"
