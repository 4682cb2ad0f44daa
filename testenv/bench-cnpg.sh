#!/usr/bin/env bash
# CloudNativePG's manager on the same local control plane as testenv/bench-operator.sh, for issue 18's
# comparison: measured on the same machine on the same day, not taken from another machine's numbers.
# Prints numbers; asserts nothing. No test needs it.
#
#   CNPG_SRC=<cloudnative-pg source checkout> testenv/bench-cnpg.sh [N ...]     default: 100 300
#
# The manager is built from CNPG_SRC (`go build ./cmd/manager`; the Go module proxy serves its
# dependencies, but not CloudNativePG itself, so the source has to come from a checkout or release
# archive), or taken from CNPG_MANAGER. Its CRDs come from $CNPG_SRC/config/crd/bases (or CNPG_CRDS).
#
# For each N, with a fresh manager process watching all namespaces (leader election off, webhooks not
# registered: the controller applies the same defaults itself) and N Clusters of 1 instance and 1Gi
# created in one `kubectl apply`, as in issue 18's first measurement:
#   - workload: time until every Cluster has its initdb Job, from the end of the apply (and from its start)
#   - CPU-seconds of the manager over that time (from 2 s after it is up, as bench-operator.sh counts ours)
#   - resident memory at that point and its peak
#   - CPU-seconds and API requests by the manager for BENCH_IDLE_SECONDS after that (it keeps working:
#     it waits for the Jobs, which kwok never finishes, and rechecks them)
# $OUT/results.txt gets "N CPU-s RSS" per line, for BENCH_CNPG of testenv/bench-operator.sh.
#
# Uses the control plane of testenv/cluster.sh when it runs; otherwise starts one with enough kwok nodes
# and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] && COUNTS=("$@") || COUNTS=(100 300)
IDLE=${BENCH_IDLE_SECONDS:-30}
TIMEOUT=${BENCH_TIMEOUT:-1200}
STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
OUT=${BENCH_OUT:-$STATE/bench-cnpg}
mkdir -p "$OUT"
MAX_N=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -1)
NODES_NEEDED=$((MAX_N / 100 + 1))

log() { printf '[bench-cnpg %s] %s\n' "$(date +%T)" "$*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN {printf "%.1f", ms / 1000}'; }

# ---------------------------------------------------------------- the manager binary and its CRDs
MANAGER=${CNPG_MANAGER:-}
CRDS=${CNPG_CRDS:-}
if [ -z "$MANAGER" ]; then
  [ -n "${CNPG_SRC:-}" ] || { echo "set CNPG_SRC to a cloudnative-pg source checkout, or CNPG_MANAGER to its manager binary" >&2; exit 2; }
  MANAGER=$OUT/manager
  if [ ! -x "$MANAGER" ] || [ -n "$(find "$CNPG_SRC/cmd" "$CNPG_SRC/internal" "$CNPG_SRC/pkg" -newer "$MANAGER" -name '*.go' | head -1)" ]; then
    log "building the CloudNativePG manager from $CNPG_SRC"
    (cd "$CNPG_SRC" && GOFLAGS=-buildvcs=false nice -n 10 go build -o "$MANAGER" ./cmd/manager)
  fi
fi
[ -n "$CRDS" ] || CRDS=${CNPG_SRC:?set CNPG_CRDS or CNPG_SRC}/config/crd/bases
[ -d "$CRDS" ] || { echo "no CRD folder $CRDS" >&2; exit 2; }

# ---------------------------------------------------------------- control plane
STARTED=0
if ! testenv/cluster.sh status >/dev/null 2>&1; then
  log "starting a control plane with $NODES_NEEDED kwok nodes"
  TRADINGDB_NODES=$NODES_NEEDED testenv/cluster.sh up >&2
  STARTED=1
  trap 'testenv/cluster.sh down >&2' EXIT # until the one below replaces it
fi
eval "$(testenv/cluster.sh env)"
k() { kubectl "$@"; }
# The clusters and poolers CRDs are too large for a client-side apply's annotation.
k apply --server-side --force-conflicts -f "$CRDS" >/dev/null
k wait --for condition=Established --timeout=120s crd/clusters.postgresql.cnpg.io >/dev/null

# The manager runs from a folder of its own: at start-up it looks for operator/manager_<arch> there (the
# image's layout), and it reads the webhook server's certificate from WEBHOOK_CERT_DIR, which also keeps
# it from creating webhook Secrets and patching webhook configurations that do not exist out of a cluster.
RUN=$OUT/run
mkdir -p "$RUN/operator" "$RUN/plugins" "$RUN/webhook-certs"
ARCH=$(go env GOARCH 2>/dev/null || echo amd64)
ln -sf "$(realpath "$MANAGER")" "$RUN/operator/manager_$ARCH"
if [ ! -s "$RUN/webhook-certs/apiserver.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj /CN=localhost \
    -keyout "$RUN/webhook-certs/apiserver.key" -out "$RUN/webhook-certs/apiserver.crt" 2>/dev/null
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

PID=
stop_manager() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
cleanup() {
  stop_manager
  if ((STARTED)); then testenv/cluster.sh down >&2; fi
}
trap cleanup EXIT
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat" 2>/dev/null || echo 0; }
TICKS=$(getconf CLK_TCK)
cpu_s() { awk -v t="$1" -v hz="$TICKS" 'BEGIN {printf "%.1f", t / hz}'; }
rss_mib() { awk -v f="$1:" '$1 == f {printf "%d", $2 / 1024}' "/proc/$PID/status"; }

clusters() { # $1: namespace, $2: N
  local i
  for ((i = 0; i < $2; i++)); do
    printf 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg-%d\n  namespace: %s\n' "$i" "$1"
    printf 'spec:\n  instances: 1\n  storage:\n    size: 1Gi\n---\n'
  done
}
initdb_jobs() { k get jobs -n "$1" --no-headers 2>/dev/null | grep -c -- '-initdb ' || true; }

declare -A R
for n in "${COUNTS[@]}"; do
  ns=bench-cnpg-$n
  k create namespace "$ns" >/dev/null
  port=$(free_port)
  log "N=$n: starting the manager (all namespaces, metrics on 127.0.0.1:$port)"
  (cd "$RUN" && exec env WEBHOOK_CERT_DIR="$RUN/webhook-certs" PLUGIN_SOCKET_DIR="$RUN/plugins" \
    "$RUN/operator/manager_$ARCH" controller --leader-elect=false \
    --metrics-bind-address="127.0.0.1:$port" --webhook-port="$(free_port)" >"$OUT/manager-$n.log" 2>&1) &
  PID=$!
  until curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1; do
    sleep 0.2
    kill -0 "$PID" 2>/dev/null || { tail -20 "$OUT/manager-$n.log" >&2; exit 1; }
  done
  sleep 2
  c0=$(cpu_ticks)
  log "N=$n: creating $n Clusters in one apply"
  t0=$(now_ms)
  clusters "$ns" "$n" | k apply -f - >/dev/null
  t1=$(now_ms)
  while [ "$(initdb_jobs "$ns")" -lt "$n" ]; do
    if [ $(($(now_ms) - t1)) -gt $((TIMEOUT * 1000)) ]; then
      log "N=$n: gave up after $TIMEOUT s with $(initdb_jobs "$ns") of $n initdb Jobs"
      break
    fi
    sleep 1
  done
  t2=$(now_ms)
  R[$n,jobs]=$(initdb_jobs "$ns")
  R[$n,create]=$(secs $((t1 - t0)))
  R[$n,conv]=$(secs $((t2 - t1)))
  R[$n,conv_total]=$(secs $((t2 - t0)))
  R[$n,cpu]=$(cpu_s $(($(cpu_ticks) - c0)))
  R[$n,cpu_total]=$(cpu_s "$(cpu_ticks)")
  R[$n,rss]=$(rss_mib VmRSS)
  log "N=$n: every Cluster has its initdb Job ${R[$n,conv]} s after the apply; idle for $IDLE s"
  c1=$(cpu_ticks)
  sleep "$IDLE"
  R[$n,idle_cpu]=$(cpu_s $(($(cpu_ticks) - c1)))
  R[$n,hwm]=$(rss_mib VmHWM)
  stop_manager
  log "N=$n: deleting the namespace"
  k delete namespace "$ns" --timeout=900s >/dev/null || log "namespace $ns still terminating"
done

for n in "${COUNTS[@]}"; do echo "$n ${R[$n,cpu]} ${R[$n,rss]}"; done >"$OUT/results.txt"
echo
echo "CloudNativePG $("$MANAGER" version 2>/dev/null | head -1 || echo "(version unknown)"), $(nproc) cores, $(date -u +%F)"
echo "| N | initdb Jobs | apply | workload after the apply (from its start) | CPU-s to workload (with start) | RSS at workload / peak, MiB | CPU-s in the next $IDLE s |"
echo "|---|---|---|---|---|---|---|"
for n in "${COUNTS[@]}"; do
  echo "| $n | ${R[$n,jobs]} | ${R[$n,create]} s | ${R[$n,conv]} s (${R[$n,conv_total]} s) | ${R[$n,cpu]} (${R[$n,cpu_total]}) | ${R[$n,rss]} / ${R[$n,hwm]} | ${R[$n,idle_cpu]} |"
done
