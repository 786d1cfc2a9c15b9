#!/usr/bin/env bash
# Serve the app with a background-task worker beside it (for Monte Carlo runs); stop both together.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# The worker and the server share the SQLite file; settings open it in WAL mode with IMMEDIATE transactions and a
# busy timeout so neither loses a save to "database is locked" (decision record 0011). A Monte Carlo run the
# worker was running when it stopped is marked failed once its heartbeat is two minutes old.
# DEBUG is off unless the environment turns it on (DEBUG=1), so a mistyped address or an error shows the
# styled error pages rather than Django's technical ones; the traceback of an error is printed here instead.
# Static files come from WhiteNoise, which needs no DEBUG (tests/web/test_demo_server.py checks both).
"$BIN/python" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "ForBetter is on http://$HOST:$PORT (background worker pid $worker). Press Ctrl+C to stop."
"$BIN/python" manage.py runserver "$HOST:$PORT"
