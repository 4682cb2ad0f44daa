#!/usr/bin/env bash
# Scale benchmark of the packaged operator (issue 18). Prints numbers and the goals; asserts nothing.
#
#   testenv/bench-operator.sh [N ...]        default: 100 300 1000
#
# For each N, against the local control plane, with a fresh operator process run as the chart runs it
# (all namespaces watched, the chart's jvmOptions, -XX:MaxRAM = the chart's memory limit) and
# DATABASE_CHECKS=false (kwok pods run no PostgreSQL):
#   - convergence: N TradingDatabases created in one bulk `kubectl apply`; time from the end of that
#     apply (and from its start) until every one has all its dependents and a status for its generation
#   - CPU-seconds of the operator process over that time, and its resident memory (and peak)
#   - idle writes: API server write requests (apiserver_request_total, verbs other than GET, LIST,
#     WATCH) in BENCH_IDLE_SECONDS, minus the same window with the operator stopped
#   - restart: writes to re-converge after a restart (same baseline), WARN lines and Warning Events
#   - spec change: instances 1 -> 2 on all N in one apply, time until every one has its new
#     generation applied (StatefulSet scaled, disruption budget created)
#   - resident memory after BENCH_UNRELATED unrelated Secrets and ConfigMaps appear in another namespace
#
# Uses the control plane of testenv/cluster.sh when it runs (it needs enough kwok nodes for 2N pods:
# TRADINGDB_NODES >= 2N/100 + 1); otherwise starts one with enough nodes and stops it at the end.
# Settings: BENCH_IDLE_SECONDS (60), BENCH_UNRELATED (10000), BENCH_MAX_RAM (the chart's memory limit),
# BENCH_TIMEOUT (1200: seconds a convergence may take before the run of that N gives up and reports it),
# BENCH_HTTP_PORT (the operator's /metrics port; default: a free one), BENCH_KEEP=1 keeps the namespaces,
# BENCH_NMT=1 adds -XX:NativeMemoryTracking=summary and prints where native memory goes at the end,
# BENCH_OUT (default $TRADINGDB_STATE/bench): the operator's logs, histograms and write counts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] && COUNTS=("$@") || COUNTS=(100 300 1000)
IDLE=${BENCH_IDLE_SECONDS:-60}
UNRELATED=${BENCH_UNRELATED:-10000}
TIMEOUT=${BENCH_TIMEOUT:-1200}
STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
OUT=${BENCH_OUT:-$STATE/bench}
mkdir -p "$OUT"
MAX_N=$(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -1)
NODES_NEEDED=$((2 * MAX_N / 100 + 1))

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
load1() { cut -d' ' -f1 /proc/loadavg; }
secs() { awk -v ms="$1" 'BEGIN {printf "%.1f", ms / 1000}'; }

# ---------------------------------------------------------------- control plane, jar, JVM options
STARTED_CLUSTER=0
if ! testenv/cluster.sh status >/dev/null 2>&1; then
  log "starting a control plane with $NODES_NEEDED kwok nodes"
  TRADINGDB_NODES=$NODES_NEEDED testenv/cluster.sh up >&2
  STARTED_CLUSTER=1
fi
eval "$(testenv/cluster.sh env)"
KUBECTL=${KUBECTL:-kubectl}
k() { "$KUBECTL" "$@"; }
nodes=$(k get nodes -l type=kwok --no-headers | wc -l)
if [ "$nodes" -lt "$NODES_NEEDED" ]; then
  echo "only $nodes kwok nodes: N=$MAX_N needs $NODES_NEEDED (2N pods after the spec change, 110 per node);" \
    "restart the control plane with TRADINGDB_NODES=$NODES_NEEDED testenv/cluster.sh up" >&2
  exit 1
fi

operator_jar() { find target -maxdepth 1 -name 'tradingdb-operator-*.jar' ! -name '*-sources.jar' 2>/dev/null | head -1 || true; }
JAR=$(operator_jar)
if [ -z "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -type f | head -1)" ]; then
  log "packaging the operator"
  nice -n 10 ./mvnw -B -q -ntp package -DskipTests >&2
  JAR=$(operator_jar)
fi
VALUES=helm/tradingdb-operator/values.yaml
JVM_OPTS=$(sed -n '/^jvmOptions: >-/,/^$/p' "$VALUES" | tail -n +2 | tr -s ' \n' ' ')
# The container memory limit the chart sets (resources.limits.memory), as the JVM would see it in the pod.
LIMIT=$(awk '/^resources:/ {r = 1} r && /^  limits:/ {l = 1} r && l && /memory:/ {print $2; exit}' "$VALUES")
MAX_RAM=${BENCH_MAX_RAM:-$(echo "$LIMIT" | sed -e 's/Mi$/m/' -e 's/Gi$/g/')}
# As the image build does: a class-data archive from a training run, here under target/.
ARCHIVE=$PWD/target/tradingdb-operator.jsa
if ! [ -s "$ARCHIVE" ] || ! [ "$ARCHIVE" -nt "$JAR" ]; then
  java -XX:ArchiveClassesAtExit="$ARCHIVE" -cp "$JAR" io.tradingdb.operator.CdsTraining >/dev/null 2>&1
fi
JVM_OPTS=${JVM_OPTS//\/app\/tradingdb-operator.jsa/$ARCHIVE}
[ "${BENCH_NMT:-0}" = 1 ] && JVM_OPTS="$JVM_OPTS -XX:NativeMemoryTracking=summary"
k apply --server-side --force-conflicts -f crds/ >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${BENCH_HTTP_PORT:-$(free_port)}

# ---------------------------------------------------------------- the operator process
PID=
start_operator() { # $1: log file
  HTTP_BIND=127.0.0.1 HTTP_PORT=$PORT DATABASE_CHECKS=false LOG_FORMAT=text \
    JAVA_TOOL_OPTIONS="-XX:MaxRAM=$MAX_RAM $JVM_OPTS" java -jar "$JAR" >"$1" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    sleep 0.2
    # A failed start (informers not synced in time on a loaded machine) can leave the JVM running.
    if ! alive || grep -q "Error starting operator" "$1"; then
      tail -20 "$1" >&2
      stop_operator
      return 1
    fi
  done
}
alive() { [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; }
stop_operator() {
  if alive; then
    kill "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICKS=$(getconf CLK_TCK)
cpu_s() { awk -v t="$1" -v hz="$TICKS" 'BEGIN {printf "%.1f", t / hz}'; }
rss_mib() { awk -v f="$1" '$1 == f":" {printf "%d", $2 / 1024}' "/proc/$PID/status"; }
metric_sum() { # $1: metric name, $2: label filter regex
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" -v f="$2" \
    'index($0, m) == 1 && $0 ~ f {s += $NF} END {printf "%d", s}'
}
heap_mib() { # heap in use now (live and not yet collected), from the operator's own metrics
  curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%d", s / 1048576}'
}
cleanup() {
  stop_operator
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    k delete namespace -l tradingdb-bench=true --wait=false >/dev/null 2>&1 || true
  fi
  if [ "$STARTED_CLUSTER" = 1 ]; then testenv/cluster.sh down >&2 || true; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- API server numbers
# Write requests the API server has served so far (all clients); the by-resource breakdown goes to a file.
writes() {
  k get --raw /metrics | awk '/^apiserver_request_total\{/ && !/verb="(GET|LIST|WATCH|CONNECT)"/ {s += $NF}
    END {printf "%d", s}'
}
writes_by_resource() {
  k get --raw /metrics | awk '/^apiserver_request_total\{/ && !/verb="(GET|LIST|WATCH|CONNECT)"/ {
      match($0, /resource="[^"]*"/); r = substr($0, RSTART + 10, RLENGTH - 11)
      match($0, /subresource="[^"]*"/); if (RLENGTH > 14) r = r "/" substr($0, RSTART + 13, RLENGTH - 14)
      match($0, /verb="[^"]*"/); v = substr($0, RSTART + 6, RLENGTH - 7); s[r " " v] += $NF}
    END {for (x in s) print x, s[x]}' | sort
}
# The difference of two writes_by_resource snapshots, non-zero lines only.
diff_writes() {
  awk 'FNR == NR {before[$1 " " $2] = $3; next} {d = $3 - before[$1 " " $2]; if (d) printf "    %-44s %-7s %d\n", $1, $2, d}' "$1" "$2"
}

# Objects in a namespace, read cheaply: one item and the server's count of the rest.
count() { # $1: API path of a namespaced collection
  k get --raw "$1?limit=1" | python3 -c 'import json, sys
d = json.load(sys.stdin); print(len(d["items"]) + (d["metadata"].get("remainingItemCount") or 0))'
}

tdbs() { # $1 namespace, $2 count, $3 instances
  local i
  for ((i = 0; i < $2; i++)); do
    printf 'apiVersion: tradingdb.io/v1alpha1\nkind: TradingDatabase\nmetadata: {name: db-%d, namespace: %s}\n' "$i" "$1"
    printf 'spec: {profile: development, databaseName: ai_trading, instances: %d, storage: {data: {size: 1Gi}}}\n---\n' "$3"
  done
}

# TradingDatabases whose status is written for their current generation, in phase $2 ("" = any).
converged_count() { # $1 namespace, $2 phase or ""
  k get tdb -n "$1" -o jsonpath='{range .items[*]}{.metadata.generation} {.status.observedGeneration} {.status.phase}{"\n"}{end}' |
    awk -v want="$2" '$1 == $2 && (want == "" || $3 == want) {c++} END {printf "%d", c}'
}

# Patroni's one visible act, which nothing here runs: it labels the pod holding the leader lock.
label_primaries() { # $1 namespace
  k label pods -n "$1" -l 'apps.kubernetes.io/pod-index=0,app.kubernetes.io/name=tradingdatabase,!role' role=primary \
    >/dev/null 2>&1 || true
}

warning_reasons() { # $1 namespace; the operator's own Events (the scheduler's are not counted)
  k get events -n "$1" --field-selector type=Warning,source=tradingdb-operator -o jsonpath='{range .items[*]}{.reason}{"\n"}{end}' |
    sort | uniq -c | awk '{printf "%s%s=%s", sep, $2, $1; sep = ", "} END {if (!NR) printf "none"}'
}

# Dependents of a development-profile cluster: 4 Secrets (superuser, replication, tls, ca), the Patroni
# ConfigMap, 3 Services, ServiceAccount, Role, RoleBinding, StatefulSet; a PodDisruptionBudget from 2 instances.
dependents_complete() { # $1 namespace, $2 N, $3 instances
  local ns=$1 n=$2
  [ "$(count "/apis/apps/v1/namespaces/$ns/statefulsets")" -ge "$n" ] &&
    [ "$(count "/api/v1/namespaces/$ns/services")" -ge $((3 * n)) ] &&
    [ "$(count "/api/v1/namespaces/$ns/secrets")" -ge $((4 * n)) ] &&
    [ "$(count "/api/v1/namespaces/$ns/configmaps")" -ge $((n + 1)) ] &&
    [ "$(count "/api/v1/namespaces/$ns/serviceaccounts")" -ge $((n + 1)) ] &&
    [ "$(count "/apis/rbac.authorization.k8s.io/v1/namespaces/$ns/roles")" -ge "$n" ] &&
    [ "$(count "/apis/rbac.authorization.k8s.io/v1/namespaces/$ns/rolebindings")" -ge "$n" ] &&
    { [ "$3" -lt 2 ] || [ "$(count "/apis/policy/v1/namespaces/$ns/poddisruptionbudgets")" -ge "$n" ]; }
}

# Waits until every TradingDatabase in $1 converged ($2 N, $3 instances); prints the wall time it took in ms,
# -1 when the operator died, -2 when it gave up after BENCH_TIMEOUT seconds.
await_converged() {
  local ns=$1 n=$2 inst=$3 t0 c
  t0=$(now_ms)
  while :; do
    alive || { log "operator process died (see its log)"; echo -1; return; }
    if [ $(($(now_ms) - t0)) -gt $((TIMEOUT * 1000)) ]; then
      log "gave up after $TIMEOUT s: $(converged_count "$ns" "") of $n converged"; echo -2; return
    fi
    label_primaries "$ns"
    c=$(converged_count "$ns" "")
    if [ "$c" -ge "$n" ] && dependents_complete "$ns" "$n" "$inst"; then break; fi
    sleep 1
  done
  echo $(($(now_ms) - t0))
}

wait_jobs_but_operator() {
  local j
  for j in $(jobs -p); do [ "$j" = "$PID" ] || wait "$j"; done
}

unrelated_objects() { # $1 namespace, $2 count: half Secrets, half ConfigMaps, 1 KiB of data each
  local i data
  data=$(head -c 768 /dev/zero | tr '\0' 'x' | base64 -w0)
  for ((i = 0; i < $2 / 2; i++)); do
    printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: s-%d, namespace: %s, labels: {app: unrelated}}\ndata: {blob: %s}\n---\n' "$i" "$1" "$data"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-%d, namespace: %s, labels: {app: unrelated}}\ndata: {blob: "%s"}\n---\n' "$i" "$1" "$data"
  done
}

# ---------------------------------------------------------------- one run per N
declare -A R
run() {
  local n=$1 ns=bench-$1 t0 t1 c0 ms wlog
  wlog=$OUT/operator-$n.log
  log "N=$n: starting the operator (MaxRAM=$MAX_RAM, all namespaces, log $wlog)"
  k create namespace "$ns" >/dev/null
  k label namespace "$ns" tradingdb-bench=true >/dev/null
  t0=$(now_ms)
  start_operator "$wlog"
  R[$n,start]=$(secs $(($(now_ms) - t0)))
  sleep 2
  c0=$(cpu_ticks)

  log "N=$n: creating $n TradingDatabases in one apply"
  R[$n,load]=$(load1)
  t0=$(now_ms)
  tdbs "$ns" "$n" 1 | k apply --server-side -f - >/dev/null
  t1=$(now_ms)
  ms=$(await_converged "$ns" "$n" 1)
  if [ "$ms" -lt 0 ]; then
    if [ "$ms" = -1 ]; then R[$n,conv]="died: "; else R[$n,conv]="gave up after $TIMEOUT s: "; fi
    R[$n,conv]+="$(converged_count "$ns" "") of $n had a status (RSS $(rss_mib VmRSS 2>/dev/null || echo -) MiB, CPU-s $(cpu_s $(($(cpu_ticks 2>/dev/null || echo "$c0") - c0))))"
    stop_operator
    R[$n,died]=1
    k delete namespace "$ns" --wait=false >/dev/null
    return
  fi
  R[$n,create]=$(secs $((t1 - t0)))
  R[$n,conv]=$(secs "$ms")
  R[$n,load]="${R[$n,load]} / $(load1)"
  R[$n,conv_total]=$(secs $((t1 - t0 + ms)))
  R[$n,cpu]=$(cpu_s $(($(cpu_ticks) - c0)))
  R[$n,cpu_total]=$(cpu_s "$(cpu_ticks)")
  R[$n,rss_conv]=$(rss_mib VmRSS)
  log "N=$n: converged ${R[$n,conv]} s after the last create; waiting for phase Ready on all"
  until [ "$(converged_count "$ns" Ready)" -ge "$n" ] || ! alive; do label_primaries "$ns"; sleep 2; done
  R[$n,ready]=$(secs $(($(now_ms) - t1)))
  R[$n,cpu_ready]=$(cpu_s $(($(cpu_ticks) - c0)))
  sleep 15
  R[$n,rss]=$(rss_mib VmRSS)
  R[$n,hwm]=$(rss_mib VmHWM)

  log "N=$n: idle for $IDLE s"
  local w0 w1 b0 b1 c1 s0 s1
  writes_by_resource >"$OUT/idle-$n.0"; w0=$(writes); c1=$(cpu_ticks)
  sleep "$IDLE"
  w1=$(writes); writes_by_resource >"$OUT/idle-$n.1"
  R[$n,idle_cpu]=$(cpu_s $(($(cpu_ticks) - c1)))
  stop_operator
  sleep 5
  log "N=$n: baseline without the operator, $IDLE s"
  writes_by_resource >"$OUT/base-$n.0"; b0=$(writes)
  sleep "$IDLE"
  b1=$(writes); writes_by_resource >"$OUT/base-$n.1"
  R[$n,idle_writes]=$(((w1 - w0) - (b1 - b0)))
  R[$n,baseline]=$((b1 - b0))

  log "N=$n: restart"
  local rlog=$OUT/operator-$n-restart.log rs re
  writes_by_resource >"$OUT/restart-$n.0"; s0=$(writes); rs=$(now_ms)
  if ! start_operator "$rlog"; then
    R[$n,conv]="${R[$n,conv]} s; then the RESTART FAILED: $(grep -m1 -oE 'OutOfMemoryError[^"]*|Error starting operator.*' "$rlog" || echo 'see the log') ($rlog)"
    R[$n,died]=1
    return
  fi
  until [ "$(metric_sum operator_sdk_reconciliations_success_total 'kind="TradingDatabase"')" -ge "$n" ] || ! alive; do sleep 1; done
  if ! alive; then
    R[$n,conv]="${R[$n,conv]} s; then the restarted operator DIED: $(grep -m1 -oE 'OutOfMemoryError.*' "$rlog" || echo 'see the log') ($rlog)"
    R[$n,died]=1
    return
  fi
  re=$(($(now_ms) - rs))
  R[$n,restart_mem]="RSS $(rss_mib VmRSS) MiB (peak $(rss_mib VmHWM)), heap used $(heap_mib) MiB"
  sleep 5
  s1=$(writes); writes_by_resource >"$OUT/restart-$n.1"
  R[$n,restart]=$(secs "$re")
  R[$n,restart_mem]="${R[$n,restart_mem]}; settled: RSS $(rss_mib VmRSS) MiB, heap used $(heap_mib) MiB"
  # Baseline scaled to the restart window's length.
  R[$n,restart_writes]=$(((s1 - s0) - (b1 - b0) * ($(now_ms) - rs) / (IDLE * 1000)))
  R[$n,warn]=$({ grep -cE ' (WARN|ERROR) ' "$wlog" "$rlog" || true; } | awk -F: '{s += $2} END {print s}')
  R[$n,warn_events]=$(warning_reasons "$ns")

  log "N=$n: spec change, instances 1 -> 2 on all"
  c1=$(cpu_ticks)
  R[$n,load]="${R[$n,load]} / $(load1)"
  t0=$(now_ms)
  tdbs "$ns" "$n" 2 | k apply --server-side -f - >/dev/null
  t1=$(now_ms)
  ms=$(await_converged "$ns" "$n" 2)
  if [ "$ms" -lt 0 ]; then R[$n,spec]="died or gave up"; R[$n,died]=1; stop_operator; return; fi
  R[$n,spec]=$(secs "$ms")
  R[$n,load]="${R[$n,load]} / $(load1)"
  R[$n,spec_total]=$(secs $((t1 - t0 + ms)))
  R[$n,spec_cpu]=$(cpu_s $(($(cpu_ticks) - c1)))

  log "N=$n: $UNRELATED unrelated Secrets and ConfigMaps"
  local uns=bench-unrelated-$n
  k create namespace "$uns" >/dev/null
  k label namespace "$uns" tradingdb-bench=true >/dev/null
  sleep 10
  R[$n,rss_before_unrelated]=$(rss_mib VmRSS)
  # Four kubectl processes at once: 10,000 creates one after another take minutes here.
  rm -f "$OUT/unrelated-$n."*
  unrelated_objects "$uns" "$UNRELATED" | split -l $((5 * ((UNRELATED + 3) / 4))) - "$OUT/unrelated-$n."
  for f in "$OUT/unrelated-$n."*; do k create -f "$f" >/dev/null & done
  wait_jobs_but_operator
  sleep 20
  R[$n,rss_unrelated]=$(rss_mib VmRSS)
  R[$n,hwm_end]=$(rss_mib VmHWM)
  R[$n,warn_end]=$({ grep -cE ' (WARN|ERROR) ' "$wlog" "$rlog" || true; } | awk -F: '{s += $2} END {print s}')
  # Overload: reconciles run one at a time while the heap is short (MemoryPressure), said in a log line and metrics.
  R[$n,pressure]="$(grep -hc 'memory pressure:' "$wlog" "$rlog" | awk '{s += $1} END {print s + 0}') log lines, $(metric_sum tradingdb_operator_reconciles_throttled_total '') reconciles throttled (restarted process), live heap ratio $(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^tradingdb_operator_heap_live_ratio/ {print $NF}')"
  # Last, as it forces a full collection: the live heap and its biggest classes.
  [ "${BENCH_NMT:-0}" = 1 ] && { jcmd "$PID" VM.native_memory summary >"$OUT/nmt-$n.txt" 2>&1 || true; }
  jcmd "$PID" GC.class_histogram >"$OUT/histogram-$n.txt" 2>&1 || true
  R[$n,live]=$(awk '/^Total/ {printf "%d", $3 / 1048576}' "$OUT/histogram-$n.txt")
  stop_operator
  if [ "$n" != "$MAX_N" ]; then
    log "N=$n: deleting the namespaces before the next N"
    k delete namespace "$ns" "$uns" --timeout=600s >/dev/null
  fi
}

for n in "${COUNTS[@]}"; do run "$n"; done

# ---------------------------------------------------------------- report
declare -A CNPG_CPU=([100]=6.7 [300]=28.9 [1000]=189.9) CNPG_RSS=([100]=89 [300]=135 [1000]=307)
echo
echo "operator: $JAR, JAVA_TOOL_OPTIONS=-XX:MaxRAM=$MAX_RAM $JVM_OPTS"
echo "control plane: $(k get nodes -l type=kwok --no-headers | wc -l) kwok nodes; idle windows $IDLE s; machine load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${COUNTS[@]}"; do
  echo
  echo "N=$n"
  if [ -n "${R[$n,died]:-}" ]; then
    echo "  convergence                           ${R[$n,conv]} (spec change: ${R[$n,spec]:-not reached})"
    [ -z "${R[$n,rss]:-}" ] && continue
  fi
  printf '  %-44s %s\n' \
    "JVM start to /readyz (informers synced)" "${R[$n,start]} s" \
    "bulk create (kubectl apply)" "${R[$n,create]} s" \
    "convergence after the last create" "${R[$n,conv]} s (from the start of the create ${R[$n,conv_total]} s; goal <= 60 s at 1000)" \
    "CPU-seconds to converge" "${R[$n,cpu]}; with the JVM's start ${R[$n,cpu_total]} (CNPG ${CNPG_CPU[$n]:--})" \
    "phase Ready on all (primaries labelled) after" "${R[$n,ready]} s (CPU-s ${R[$n,cpu_ready]})" \
    "RSS converged / settled / peak" "${R[$n,rss_conv]} / ${R[$n,rss]} / ${R[$n,hwm]} MiB (CNPG ${CNPG_RSS[$n]:--}; goal < 256 at 1000)" \
    "idle writes in $IDLE s (minus baseline)" "${R[$n,idle_writes]} (baseline ${R[$n,baseline]}; CPU-s ${R[$n,idle_cpu]})" \
    "restart: reconciled all after" "${R[$n,restart]} s, writes to re-converge ${R[$n,restart_writes]}" \
    "restart: memory when all reconciled" "${R[$n,restart_mem]}" \
    "WARN log lines, Warning Events by reason" "${R[$n,warn]}; ${R[$n,warn_events]} (goal 0, none)" \
    "spec change 1->2 on all, after the last apply" "${R[$n,spec]:--} s (from its start ${R[$n,spec_total]:--} s, CPU-s ${R[$n,spec_cpu]:--}; goal <= 60 s at 1000)" \
    "RSS before / with $UNRELATED unrelated objects" "${R[$n,rss_before_unrelated]:--} / ${R[$n,rss_unrelated]:--} MiB (peak over the run ${R[$n,hwm_end]:--})" \
    "WARN log lines over the whole run" "${R[$n,warn_end]:--}" \
    "memory pressure (overload)" "${R[$n,pressure]:--}" \
    "live heap at the end (class histogram)" "${R[$n,live]:--} MiB ($OUT/histogram-$n.txt)" \
    "machine load: create / converged / spec / done" "${R[$n,load]}"
  if [ -s "$OUT/nmt-$n.txt" ]; then
    echo "  native memory (NMT, committed KiB) at the end:"
    grep -E '^(Total|-  *[A-Za-z ]+ \(reserved)' "$OUT/nmt-$n.txt" | sed -E 's/reserved=[0-9]+KB, //; s/^/    /' | head -14
  fi
  echo "  writes by resource while idle (operator running, then stopped; see $OUT):"
  diff_writes "$OUT/idle-$n.0" "$OUT/idle-$n.1" | head -20
  echo "  --- baseline"
  diff_writes "$OUT/base-$n.0" "$OUT/base-$n.1" | head -20
done
