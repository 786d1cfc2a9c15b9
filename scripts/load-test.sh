#!/usr/bin/env bash
# Load test (issue 10 item 7): ForBetter under gunicorn on PostgreSQL, 50 simulated users for a bounded time.
#
#   scripts/load-test.sh                  # 50 users, 60 s, database forbetter_load on 127.0.0.1:55432
#   USERS=20 DURATION=30s scripts/load-test.sh
#
# Needs the `load` extra (.venv/bin/pip install -r requirements-load.lock) and a PostgreSQL server the user may
# create databases on. The database named by LOAD_DB is dropped and re-created: never point it at one you want to keep.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-55432}
PGUSER=${PGUSER:-postgres}
LOAD_DB=${LOAD_DB:-forbetter_load}
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-60s}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8765}
OUT=${OUT:-$(mktemp -d /tmp/forbetter-load.XXXXXX)}

if [ "$LOAD_DB" = "forbetter" ]; then
  echo "Refusing to use the database named forbetter: choose another LOAD_DB" >&2
  exit 2
fi
export PGHOST PGPORT PGUSER
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$LOAD_DB"
export MEDIA_ROOT="$OUT/media"
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost CONN_MAX_AGE=60 LOG_LEVEL=WARNING
# Demo sign-ins are real: keep the lockout from counting 50 sign-ins from one address as an attack.
export AXES_FAILURE_LIMIT=1000

echo "== database $LOAD_DB on $PGHOST:$PGPORT (results in $OUT)"
"$PGBIN/dropdb" --if-exists "$LOAD_DB"
"$PGBIN/createdb" "$LOAD_DB"
"$BIN/python" manage.py migrate --no-input -v 0
"$BIN/python" manage.py seed_demo -v 0
"$BIN/python" load/prepare.py > "$OUT/plan.json"

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT"
"$BIN/gunicorn" forbetter.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/sign-in/" && break
  sleep 0.2
done

echo "== locust: $USERS users (spawn $SPAWN_RATE/s) for $DURATION"
LOAD_PLAN="$OUT/plan.json" LOAD_NOTES="$OUT/notes.json" "$BIN/locust" -f load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" --stop-timeout 10 \
  --csv "$OUT/load" --only-summary --loglevel WARNING > "$OUT/locust.txt" 2>&1 || true

status=0
"$BIN/python" load/summary.py "$OUT/load_stats.csv" "$OUT/load_failures.csv" "$OUT/notes.json" || status=$?
if grep -q "Traceback\|Error" "$OUT/gunicorn.log"; then
  echo "gunicorn logged errors: see $OUT/gunicorn.log"
  status=1
fi
exit $status
