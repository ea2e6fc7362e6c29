#!/usr/bin/env bash
# `make cluster`: three streamgate nodes on one machine, sharing a local Redis and PostgreSQL, behind nginx.
#
#   load balancer  http://127.0.0.1:8080   (nginx, deploy/nginx-cluster.conf: round-robin, no sticky sessions)
#   nodes          http://127.0.0.1:8081, :8082, :8083   (metrics on 9465, 9466, 9467)
#   Redis          127.0.0.1:6390           PostgreSQL 127.0.0.1:5440, database streamgate
#
# Everything runs in the foreground from a temporary directory (logs included) and stops on Ctrl-C.
# The nodes take any STREAMGATE_* setting from the environment (for example STREAMGATE_UPSTREAM_URL for a real
# provider; without it each node runs the built-in simulator, slowed down here so a stream lasts long enough to
# resume it elsewhere). With STREAMGATE_REDIS_URL or STREAMGATE_DATABASE_URL set, that engine is used instead of a
# local one. Ports: CLUSTER_LB_PORT, CLUSTER_NODE_PORT and CLUSTER_METRICS_PORT (the first node's; the others
# follow), CLUSTER_REDIS_PORT, CLUSTER_PG_PORT. CLUSTER_KEEP=1 keeps the directory afterwards.
#
# Needs: a built gateway/target/streamgate.jar (make cluster builds it), JAVA_HOME (make sets it), redis-server,
# PostgreSQL (/usr/lib/postgresql/<version>/bin) and, for the load balancer, nginx (Debian packages: redis-server,
# postgresql, nginx). As root, PostgreSQL runs as the postgres user (runuser), since it refuses to run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

LB_PORT=${CLUSTER_LB_PORT:-8080}
NODE_PORT=${CLUSTER_NODE_PORT:-8081}
METRICS_PORT=${CLUSTER_METRICS_PORT:-9465}
REDIS_PORT=${CLUSTER_REDIS_PORT:-6390}
PG_PORT=${CLUSTER_PG_PORT:-5440}
JAR="$ROOT/gateway/target/streamgate.jar"
JAVA="${JAVA_HOME:?JAVA_HOME must name a JDK 25 (make cluster sets it)}/bin/java"
NODES=(1 2 3)

die() { echo "cluster: $*" >&2; exit 1; }
[[ -f "$JAR" ]] || die "no $JAR: run make cluster (it builds the gateway first)"
command -v curl >/dev/null || die "curl is needed to wait for the nodes"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$LB_PORT" "$NODE_PORT" $((NODE_PORT + 1)) $((NODE_PORT + 2)) \
    "$METRICS_PORT" $((METRICS_PORT + 1)) $((METRICS_PORT + 2)); do
  port_free "$p" || die "port $p is in use (see the CLUSTER_*_PORT settings at the top of scripts/cluster.sh)"
done

RUN=$(mktemp -d /tmp/streamgate-cluster.XXXXXX)
chmod 755 "$RUN" # PostgreSQL's user and nginx's workers must reach their directories in here
PIDS=()      # every process started here, stopped in reverse on exit
NODE_PIDS=()
PG_BIN=""
PG_AS=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "cluster: stopping"
  for ((k = ${#PIDS[@]} - 1; k >= 0; k--)); do kill -TERM "${PIDS[k]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$PG_BIN" && -f "$RUN/pg/data/postmaster.pid" ]]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$RUN/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [[ "${CLUSTER_KEEP:-0}" == 1 ]]; then
    echo "cluster: logs and data kept in $RUN"
  else
    rm -rf "$RUN"
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# Redis: no persistence, loopback only.
if [[ -z "${STREAMGATE_REDIS_URL:-}" ]]; then
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  port_free "$REDIS_PORT" || die "port $REDIS_PORT (Redis) is in use; set CLUSTER_REDIS_PORT"
  mkdir "$RUN/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$RUN/redis" \
    --loglevel warning --logfile "$RUN/redis/redis.log" &
  PIDS+=($!)
  export STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
fi

# PostgreSQL: a fresh cluster in the run directory, trust authentication on loopback.
if [[ -z "${STREAMGATE_DATABASE_URL:-}" ]]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$PG_BIN" && -x "$PG_BIN/postgres" ]] || die "PostgreSQL is not installed (apt-get install postgresql)"
  port_free "$PG_PORT" || die "port $PG_PORT (PostgreSQL) is in use; set CLUSTER_PG_PORT"
  mkdir "$RUN/pg"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$RUN/pg"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$RUN/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    --no-instructions >"$RUN/initdb.log" 2>&1 || { cat "$RUN/initdb.log" >&2; die "initdb failed"; }
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$RUN/pg/data" -l "$RUN/pg/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $RUN/pg -c listen_addresses=127.0.0.1" start >/dev/null \
    || { cat "$RUN/pg/server.log" >&2; die "PostgreSQL did not start"; }
  "${PG_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres streamgate
  export STREAMGATE_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/streamgate"
fi

# The nodes. The simulator is slowed down (300 tokens, 50 ms apart: 15 s per answer) unless told otherwise.
export STREAMGATE_SIM_TOKENS=${STREAMGATE_SIM_TOKENS:-300}
export STREAMGATE_SIM_TOKEN_INTERVAL_MS=${STREAMGATE_SIM_TOKEN_INTERVAL_MS:-50}
mapfile -t JVM_OPTIONS < <(grep -v '^#' gateway/jvm.options | grep -v '^[[:space:]]*$')
ulimit -n 65536 2>/dev/null || true
for i in "${NODES[@]}"; do
  mkdir "$RUN/node$i"
  STREAMGATE_NODE_ID="node$i" \
  STREAMGATE_PORT=$((NODE_PORT + i - 1)) \
  STREAMGATE_METRICS_PORT=$((METRICS_PORT + i - 1)) \
  STREAMGATE_DATA_DIR="$RUN/node$i" \
    "$JAVA" "${JVM_OPTIONS[@]}" -jar "$JAR" >"$RUN/node$i.log" 2>&1 &
  PIDS+=($!)
  NODE_PIDS+=($!)
done
for i in "${NODES[@]}"; do
  port=$((NODE_PORT + i - 1))
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "${NODE_PIDS[i - 1]}" 2>/dev/null || { cat "$RUN/node$i.log" >&2; die "node$i exited"; }
    sleep 0.5
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$RUN/node$i.log" >&2; die "node$i did not start"; }
done

# The load balancer: the committed config, with this run's ports.
LB_URL=""
if command -v nginx >/dev/null; then
  mkdir "$RUN/nginx"
  sed -e "s/listen 8080;/listen 127.0.0.1:$LB_PORT;/" \
      -e "s/127\.0\.0\.1:8081 /127.0.0.1:$NODE_PORT /" \
      -e "s/127\.0\.0\.1:8082 /127.0.0.1:$((NODE_PORT + 1)) /" \
      -e "s/127\.0\.0\.1:8083 /127.0.0.1:$((NODE_PORT + 2)) /" \
      deploy/nginx-cluster.conf >"$RUN/nginx/nginx.conf"
  nginx -p "$RUN/nginx" -e stderr -c "$RUN/nginx/nginx.conf" -g 'daemon off;' 2>>"$RUN/nginx/stderr.log" &
  PIDS+=($!)
  for _ in $(seq 1 40); do
    curl -fsS -o /dev/null "http://127.0.0.1:$LB_PORT/healthz" 2>/dev/null && { LB_URL="http://127.0.0.1:$LB_PORT"; break; }
    sleep 0.25
  done
  [[ -n "$LB_URL" ]] || { cat "$RUN/nginx/stderr.log" >&2; die "nginx did not start"; }
else
  echo "cluster: nginx is not installed (apt-get install nginx): no load balancer, use the nodes directly" >&2
fi

cat <<EOF

streamgate cluster is up (Ctrl-C stops everything)
  load balancer  ${LB_URL:-(none)}
  node1          http://127.0.0.1:$NODE_PORT    metrics http://127.0.0.1:$METRICS_PORT/metrics
  node2          http://127.0.0.1:$((NODE_PORT + 1))    metrics http://127.0.0.1:$((METRICS_PORT + 1))/metrics
  node3          http://127.0.0.1:$((NODE_PORT + 2))    metrics http://127.0.0.1:$((METRICS_PORT + 2))/metrics
  Redis          $STREAMGATE_REDIS_URL
  PostgreSQL     $STREAMGATE_DATABASE_URL
  logs           $RUN/node1.log, node2.log, node3.log, nginx/

Try it: start a stream through the load balancer, resume it after event 5 in another terminal (the load balancer
picks the next node: any node serves it), and stop it from any node:
  curl -N -X POST ${LB_URL:-http://127.0.0.1:$NODE_PORT}/api/v1/conversations/demo/stream -H 'Content-Type: application/json' -d '{"message":"hello"}'
  curl -N ${LB_URL:-http://127.0.0.1:$((NODE_PORT + 1))}/api/v1/conversations/demo/stream -H 'Last-Event-ID: 5'
  curl -X DELETE ${LB_URL:-http://127.0.0.1:$((NODE_PORT + 2))}/api/v1/conversations/demo/stream
EOF

# Until Ctrl-C, or until a process ends by itself.
wait -n "${PIDS[@]}" || true
echo "cluster: a process ended by itself; see the logs in $RUN" >&2
CLUSTER_KEEP=1
