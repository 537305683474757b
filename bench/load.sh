#!/usr/bin/env bash
# Load on loopback with a real generator (wrk) against the Procfile's gunicorn: /healthz as the baseline,
# then a cached embed, a CSV download and a page shell.  Bounded: 10 s per route.
#   apt-get install wrk && bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8061}
PORT=$PORT WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} GUNICORN_THREADS=${GUNICORN_THREADS:-4} \
  bash -c "exec $(sed 's/^web: //' Procfile)" >/tmp/kz-load-gunicorn.log 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
for route in /healthz /embed/trends "/data/kz-migration.csv" /trends; do
  curl -sf "http://127.0.0.1:$PORT$route" >/dev/null   # warm the per-snapshot caches
  echo "== $route"
  wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$PORT$route" | grep -E "Requests/sec|50%|99%"
done
