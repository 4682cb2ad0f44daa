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
# At convergence it also prints resident memory by region (heap, class archives, code, libjvm; bench_rss.py)
# and the operator's threads by kind.
#
# Uses the control plane of testenv/cluster.sh when it runs (it needs enough kwok nodes for 2N pods:
# TRADINGDB_NODES >= 2N/100 + 1); otherwise starts one with enough nodes and stops it at the end.
# Settings: BENCH_IDLE_SECONDS (60), BENCH_UNRELATED (10000), BENCH_MAX_RAM (the chart's memory limit),
# BENCH_TIMEOUT (1200: seconds a convergence may take before the run of that N gives up and reports it),
# BENCH_HTTP_PORT (the operator's /metrics port; default: a free one), BENCH_KEEP=1 keeps the namespaces,
# BENCH_JVM_EXTRA: JVM options added to the current code's (to try one before changing the chart),
# BENCH_NMT=1 adds -XX:NativeMemoryTracking=summary and prints where native memory goes at the end,
# BENCH_OUT (default $TRADINGDB_STATE/bench): the operator's logs, histograms and write counts.
# BENCH_CNPG=<file>: CloudNativePG's CPU-seconds and RSS per N from testenv/bench-cnpg.sh (its results.txt), to
# print beside ours instead of the numbers issue 18 measured on another machine.
# BENCH_BEFORE=<git revision>: also runs that revision's operator (its jar and its chart's JVM options), each N
# before the current code, and prints both side by side: before and after measured in the same run.
#
# Requests by client: a control plane the bench starts writes an audit log (TRADINGDB_AUDIT=1, Metadata level);
# the bench then counts the operator's own requests (the fabric8 user agent) in each window, next to the API
# server's totals, so that idle writes of the controllers or kwok are not mistaken for the operator's. Polling
# goes through one `kubectl proxy` and one Python process per second (bench_poll.py), not a dozen kubectl runs.
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
  TRADINGDB_AUDIT=${TRADINGDB_AUDIT:-1} TRADINGDB_NODES=$NODES_NEEDED testenv/cluster.sh up >&2
  STARTED_CLUSTER=1
  trap 'testenv/cluster.sh down >&2' EXIT # until the full cleanup below replaces it
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

# A variant is an operator build with its chart's settings: "after" is this checkout, "before" BENCH_BEFORE's.
declare -A JARS OPTS ENVS RAMS
prepare_variant() { # $1: variant, $2: source folder
  local v=$1 src=$2 jar values opts limit archive
  jar=$(find "$src/target" -maxdepth 1 -name 'tradingdb-operator-*.jar' ! -name '*-sources.jar' 2>/dev/null | head -1 || true)
  if [ -z "$jar" ] || [ -n "$(find "$src/src/main" "$src/pom.xml" -newer "$jar" -type f | head -1)" ]; then
    log "packaging the operator ($v, $src)"
    nice -n 10 ./mvnw -B -q -ntp -f "$src/pom.xml" package -DskipTests >&2
    jar=$(find "$src/target" -maxdepth 1 -name 'tradingdb-operator-*.jar' ! -name '*-sources.jar' | head -1)
  fi
  values=$src/helm/tradingdb-operator/values.yaml
  opts=$(sed -n '/^jvmOptions: >-/,/^$/p' "$values" | tail -n +2 | tr -s ' \n' ' ')
  # The container memory limit the chart sets (resources.limits.memory), as the JVM would see it in the pod.
  limit=$(awk '/^resources:/ {r = 1} r && /^  limits:/ {l = 1} r && l && /memory:/ {print $2; exit}' "$values")
  RAMS[$v]=${BENCH_MAX_RAM:-$(echo "$limit" | sed -e 's/Mi$/m/' -e 's/Gi$/g/')}
  # As the image build does: a class-data archive from a training run, here under target/.
  archive=$(cd "$src" && pwd)/target/tradingdb-operator.jsa
  if ! [ -s "$archive" ] || ! [ "$archive" -nt "$jar" ]; then
    # The training command of that revision's Dockerfile, with this jar and archive.
    local training
    training=$(sed -n 's#^RUN java -XX:ArchiveClassesAtExit=/app/tradingdb-operator.jsa ##p' "$src/Dockerfile")
    training=${training//\/app\/tradingdb-operator.jar/$jar}
    # shellcheck disable=SC2086 # the Dockerfile's words
    java -XX:ArchiveClassesAtExit="$archive" $training >/dev/null 2>&1 || log "$v: the class-data training exited with $?"
  fi
  opts=${opts//\/app\/tradingdb-operator.jsa/$archive}
  [ "${BENCH_NMT:-0}" = 1 ] && opts="$opts -XX:NativeMemoryTracking=summary"
  [ "$v" = after ] && opts="$opts ${BENCH_JVM_EXTRA:-}"
  JARS[$v]=$jar
  OPTS[$v]=$opts
  # The image's environment for the JVM (the Dockerfile's ENV MALLOC_* lines), as the pod would have it.
  ENVS[$v]=$(sed -n 's/^ENV \(MALLOC_[A-Z_]*=[^ ]*\)$/\1/p' "$src/Dockerfile" | tr '\n' ' ')
}
VARIANTS=(after)
if [ -n "${BENCH_BEFORE:-}" ]; then
  BEFORE_SRC=$OUT/src-before
  rm -rf "$BEFORE_SRC"
  mkdir -p "$BEFORE_SRC"
  git archive "$BENCH_BEFORE" | tar -x -C "$BEFORE_SRC"
  prepare_variant before "$BEFORE_SRC"
  VARIANTS=(before after)
fi
prepare_variant after .
k apply --server-side --force-conflicts -f crds/ >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${BENCH_HTTP_PORT:-$(free_port)}
PROXY_PORT=$(free_port)
"$KUBECTL" proxy --address 127.0.0.1 --port "$PROXY_PORT" >"$OUT/proxy.log" 2>&1 &
PROXY_PID=$!
PROXY=http://127.0.0.1:$PROXY_PORT
until curl -sf "$PROXY/readyz" >/dev/null 2>&1; do sleep 0.2; done
AUDIT_LOG=$STATE/audit.log
# A mark for audit_window: the audit log's size and the time now.
mark() { echo "$(stat -c %s "$AUDIT_LOG" 2>/dev/null || echo 0):$(now_ms)"; }
# Requests by client between two marks, from the audit log; the report runs them at the end, when the API
# server has flushed its batches. $1 $2: marks, $3: N (0: no per-TradingDatabase numbers), $4: file for the report.
audit_window() {
  [ -s "$AUDIT_LOG" ] || return 0
  python3 testenv/bench_audit.py "$AUDIT_LOG" "${1%%:*}" "${1##*:}" "${2##*:}" "$3" >"$4"
}
operator_writes() { # $1: an audit_window file; "-" without an audit log
  if [ -s "$1" ]; then sed -n 's/^operator-writes //p' "$1"; else echo -; fi
}
declare -a WINDOWS=() # audit_window arguments, run at the end

# ---------------------------------------------------------------- the operator process
PID=
start_operator() { # $1: log file; the variant is $V
  # shellcheck disable=SC2086 # ENVS holds NAME=value words
  env ${ENVS[$V]} HTTP_BIND=127.0.0.1 HTTP_PORT=$PORT DATABASE_CHECKS=false LOG_FORMAT=text \
    JAVA_TOOL_OPTIONS="-XX:MaxRAM=${RAMS[$V]} ${OPTS[$V]}" java -jar "${JARS[$V]}" >"$1" 2>&1 &
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
# A JVM that ran out of heap exits, but stays a zombie (kill -0 succeeds) until it is waited for.
alive() { [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$PID/status" 2>/dev/null; }
stop_operator() {
  if alive; then
    kill "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat" 2>/dev/null || echo 0; }
TICKS=$(getconf CLK_TCK)
cpu_s() { awk -v t="$1" -v hz="$TICKS" 'BEGIN {printf "%.1f", t / hz}'; }
# CPU ticks of each control-plane process (testenv/cluster.sh's pid files): where the 2 cores go besides the operator.
cp_ticks() {
  local f
  for f in "$STATE"/pids/*.pid; do
    printf '%s %s\n' "$(basename "$f" .pid)" "$(awk '{print $14 + $15}' "/proc/$(cat "$f")/stat" 2>/dev/null || echo 0)"
  done
}
cp_cpu() { # $1 $2: cp_ticks files; prints "kube-apiserver 123.4, etcd 20.1, ..." (CPU-seconds between them)
  awk -v hz="$TICKS" 'FNR == NR {b[$1] = $2; next}
    {d = ($2 - b[$1]) / hz; if (d >= 0.1) {printf "%s%s %.1f", sep, $1, d; sep = ", "}}' "$1" "$2"
}
# CPU ticks of the operator's threads by kind (same format as cp_ticks, so cp_cpu subtracts them):
# the JIT compiler, the VM thread (Serial GC's collections run there), other JVM threads, and the
# operator's own threads grouped by name with their numbers stripped (reconcilers, informers, HTTP).
# A thread that ends between two readings is missing from the second, so the groups can add up to less.
thread_group() { # $1: a thread's name (comm); prints its kind for jvm_ticks and the thread count
  case $1 in
    C1\ Compiler* | C2\ Compiler*) echo jit ;;
    VM\ Thread | GC\ Thread* | VM\ Periodic*) echo gc+vm ;;
    Service\ Thread | Monitor\ Deflat* | Signal\ Dispatch* | Finalizer | Reference\ Handl* | Common-Cleaner | Notification\ Thr* | Sweeper*) echo jvm-other ;;
    *) local name; name=$(tr -d '0-9#' <<<"$1" | tr -s ' -' '_' | sed 's/_*$//'); echo "${name:-unnamed}" ;;
  esac
}
jvm_ticks() {
  local t name
  for t in /proc/"$PID"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    printf '%s %s\n' "$(thread_group "$name")" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | sort -k2,2nr
}
rss_mib() { awk -v f="$1" '$1 == f":" {printf "%d", $2 / 1024}' "/proc/$PID/status" 2>/dev/null || echo -; }
# The operator's metrics; nothing when it is gone (it can die of the load between two checks).
metrics() { curl -sf "http://127.0.0.1:$PORT/metrics" || true; }
per_cluster() { # $1: a count, $2: the number of clusters
  awk -v c="$1" -v n="$2" 'BEGIN {printf "%.1f", c / n}'
}
metric_sum() { # $1: metric name, $2: label filter regex
  metrics | awk -v m="$1" -v f="$2" \
    'index($0, m) == 1 && $0 ~ f {s += $NF} END {printf "%d", s}'
}
# The operator's smaps, heap ranges and code cache bounds, for bench_rss.py; $1: a file prefix.
rss_regions() {
  local t name
  for t in /proc/"$PID"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) && thread_group "$name"
  done | sort | uniq -c | sort -rn >"$1.threads"
  cp "/proc/$PID/smaps" "$1.smaps" 2>/dev/null &&
    jcmd "$PID" GC.heap_info >"$1.heap" 2>&1 && jcmd "$PID" Compiler.codecache >"$1.code" 2>&1
}
heap_mib() { # heap in use now (live and not yet collected), from the operator's own metrics
  metrics | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%d", s / 1048576}'
}
cleanup() {
  stop_operator
  kill "$PROXY_PID" 2>/dev/null || true
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

tdbs() { # $1 namespace, $2 count, $3 instances
  local i
  for ((i = 0; i < $2; i++)); do
    printf 'apiVersion: tradingdb.io/v1alpha1\nkind: TradingDatabase\nmetadata: {name: db-%d, namespace: %s}\n' "$i" "$1"
    printf 'spec: {profile: development, databaseName: ai_trading, instances: %d, storage: {data: {size: 1Gi}}}\n---\n' "$3"
  done
}

# One poll (bench_poll.py): labels primaries as Patroni would; prints converged, Ready, all dependents (1/0).
poll() { # $1 namespace, $2 N, $3 instances
  python3 testenv/bench_poll.py "$PROXY" "$1" "$2" "$3" 2>/dev/null || echo "0 0 0"
}
converged_count() { poll "$1" 0 1 | cut -d' ' -f1; }

warning_reasons() { # $1 namespace; the operator's own Events (the scheduler's are not counted)
  k get events -n "$1" --field-selector type=Warning,source=tradingdb-operator -o jsonpath='{range .items[*]}{.reason}{"\n"}{end}' |
    sort | uniq -c | awk '{printf "%s%s=%s", sep, $2, $1; sep = ", "} END {if (!NR) printf "none"}'
}

# Waits until every TradingDatabase in $1 converged ($2 N, $3 instances); prints the wall time it took in ms,
# -1 when the operator died, -2 when it gave up after BENCH_TIMEOUT seconds.
await_converged() {
  local ns=$1 n=$2 inst=$3 t0
  t0=$(now_ms)
  while :; do
    alive || { log "operator process died (see its log)"; echo -1; return; }
    if [ $(($(now_ms) - t0)) -gt $((TIMEOUT * 1000)) ]; then
      log "gave up after $TIMEOUT s: $(converged_count "$ns") of $n converged"; echo -2; return
    fi
    [ "$(poll "$ns" "$n" "$inst" | cut -d' ' -f3)" = 1 ] && break
    sleep 1
  done
  echo $(($(now_ms) - t0))
}



# ---------------------------------------------------------------- one run per N
declare -A R
V=after
delete_namespaces() { # $@: namespaces; waits, so that the next run does not share the machine with a deletion
  k delete namespace "$@" --ignore-not-found --timeout=900s >/dev/null || log "namespaces still terminating: $*"
}
# The first OutOfMemoryError line of an operator log; fails when there is none.
oom_error() { grep -h -m1 -oE 'java.lang.OutOfMemoryError[^"]*' "$1"; }
run() { # $1: N; the variant is $V
  local n=$1 K=$V/$1 ns=bench-$V-$1 t0 t1 c0 ms wlog a0 a1
  wlog=$OUT/operator-$V-$n.log
  log "$K: starting the operator (MaxRAM=${RAMS[$V]}, all namespaces, log $wlog)"
  k create namespace "$ns" >/dev/null
  k label namespace "$ns" tradingdb-bench=true >/dev/null
  t0=$(now_ms)
  start_operator "$wlog"
  R[$K,start]=$(secs $(($(now_ms) - t0)))
  sleep 2
  c0=$(cpu_ticks)

  log "$K: creating $n TradingDatabases in one apply"
  R[$K,load]=$(load1)
  a0=$(mark); cp_ticks >"$OUT/cp-$V-$n.0"; jvm_ticks >"$OUT/threads-$V-$n.0"
  t0=$(now_ms)
  tdbs "$ns" "$n" 1 | k apply --server-side -f - >/dev/null
  t1=$(now_ms)
  ms=$(await_converged "$ns" "$n" 1)
  if [ "$ms" -lt 0 ]; then
    if [ "$ms" = -1 ]; then R[$K,conv]="died: "; else R[$K,conv]="gave up after $TIMEOUT s: "; fi
    R[$K,conv]+="$(converged_count "$ns") of $n had a status (RSS $(rss_mib VmRSS 2>/dev/null || echo -) MiB, CPU-s $(cpu_s $(($(cpu_ticks 2>/dev/null || echo "$c0") - c0))))"
    local oom
    if oom=$(oom_error "$wlog"); then R[$K,conv]+=", $oom"; fi
    stop_operator
    R[$K,died]=1
    delete_namespaces "$ns"
    return
  fi
  R[$K,create]=$(secs $((t1 - t0)))
  R[$K,conv]=$(secs "$ms")
  R[$K,load]="${R[$K,load]} / $(load1)"
  R[$K,conv_total]=$(secs $((t1 - t0 + ms)))
  R[$K,cpu]=$(cpu_s $(($(cpu_ticks) - c0)))
  R[$K,cpu_total]=$(cpu_s "$(cpu_ticks)")
  R[$K,reconciles]=$(metric_sum operator_sdk_reconciliations_started_total 'kind="TradingDatabase"')
  R[$K,rss_conv]=$(rss_mib VmRSS)
  rss_regions "$OUT/rss-$V-$n" && R[$K,rss_regions]=$(python3 testenv/bench_rss.py "$OUT/rss-$V-$n".{smaps,heap,code} 2>&1)
  a1=$(mark); cp_ticks >"$OUT/cp-$V-$n.1"; jvm_ticks >"$OUT/threads-$V-$n.1"
  R[$K,cp_cpu]=$(cp_cpu "$OUT/cp-$V-$n.0" "$OUT/cp-$V-$n.1")
  R[$K,thread_cpu]=$(cp_cpu "$OUT/threads-$V-$n.0" "$OUT/threads-$V-$n.1")
  WINDOWS+=("$a0 $a1 $n $OUT/audit-$V-$n-create.txt")
  log "$K: converged ${R[$K,conv]} s after the last create; waiting for phase Ready on all"
  until [ "$(poll "$ns" "$n" 1 | cut -d' ' -f2)" -ge "$n" ] || ! alive; do sleep 2; done
  R[$K,ready]=$(secs $(($(now_ms) - t1)))
  R[$K,cpu_ready]=$(cpu_s $(($(cpu_ticks) - c0)))
  R[$K,reconciles_ready]=$(metric_sum operator_sdk_reconciliations_started_total 'kind="TradingDatabase"')
  sleep 15
  R[$K,rss]=$(rss_mib VmRSS)
  R[$K,hwm]=$(rss_mib VmHWM)

  log "$K: idle for $IDLE s"
  local w0 w1 b0 b1 c1 s0 s1
  writes_by_resource >"$OUT/idle-$V-$n.0"; w0=$(writes); c1=$(cpu_ticks); a0=$(mark)
  sleep "$IDLE"
  w1=$(writes); writes_by_resource >"$OUT/idle-$V-$n.1"; a1=$(mark)
  R[$K,idle_cpu]=$(cpu_s $(($(cpu_ticks) - c1)))
  WINDOWS+=("$a0 $a1 0 $OUT/audit-$V-$n-idle.txt")
  stop_operator
  sleep 5
  log "$K: baseline without the operator, $IDLE s"
  writes_by_resource >"$OUT/base-$V-$n.0"; b0=$(writes)
  sleep "$IDLE"
  b1=$(writes); writes_by_resource >"$OUT/base-$V-$n.1"
  R[$K,idle_writes]=$(((w1 - w0) - (b1 - b0)))
  R[$K,baseline]=$((b1 - b0))

  log "$K: restart"
  local rlog=$OUT/operator-$V-$n-restart.log rs re
  writes_by_resource >"$OUT/restart-$V-$n.0"; s0=$(writes); rs=$(now_ms); a0=$(mark)
  if ! start_operator "$rlog"; then
    R[$K,conv]="${R[$K,conv]} s; then the RESTART FAILED: $(grep -m1 -oE 'java.lang.OutOfMemoryError[^"]*|Error starting operator.*' "$rlog" || echo 'see the log') ($rlog)"
    R[$K,died]=1
    delete_namespaces "$ns"
    return
  fi
  until [ "$(metric_sum operator_sdk_reconciliations_success_total 'kind="TradingDatabase"')" -ge "$n" ] || ! alive; do sleep 1; done
  if ! alive; then
    R[$K,conv]="${R[$K,conv]} s; then the restarted operator DIED: $(oom_error "$rlog" || echo 'see the log') ($rlog)"
    R[$K,died]=1
    delete_namespaces "$ns"
    return
  fi
  re=$(($(now_ms) - rs))
  R[$K,restart_mem]="RSS $(rss_mib VmRSS) MiB (peak $(rss_mib VmHWM)), heap used $(heap_mib) MiB"
  sleep 5
  s1=$(writes); writes_by_resource >"$OUT/restart-$V-$n.1"; a1=$(mark)
  R[$K,restart]=$(secs "$re")
  R[$K,restart_mem]="${R[$K,restart_mem]}; settled: RSS $(rss_mib VmRSS) MiB, heap used $(heap_mib) MiB"
  # Baseline scaled to the restart window's length.
  R[$K,restart_writes]=$(((s1 - s0) - (b1 - b0) * ($(now_ms) - rs) / (IDLE * 1000)))
  WINDOWS+=("$a0 $a1 $n $OUT/audit-$V-$n-restart.txt")
  R[$K,warn]=$({ grep -cE ' (WARN|ERROR) ' "$wlog" "$rlog" || true; } | awk -F: '{s += $2} END {print s}')
  R[$K,warn_events]=$(warning_reasons "$ns")

  log "$K: spec change, instances 1 -> 2 on all"
  c1=$(cpu_ticks)
  R[$K,load]="${R[$K,load]} / $(load1)"
  a0=$(mark); cp_ticks >"$OUT/cp-$V-$n.2"
  t0=$(now_ms)
  tdbs "$ns" "$n" 2 | k apply --server-side -f - >/dev/null
  t1=$(now_ms)
  ms=$(await_converged "$ns" "$n" 2)
  if [ "$ms" -lt 0 ]; then R[$K,spec]="died or gave up"; R[$K,died]=1; stop_operator; delete_namespaces "$ns"; return; fi
  R[$K,spec]=$(secs "$ms")
  R[$K,load]="${R[$K,load]} / $(load1)"
  R[$K,spec_total]=$(secs $((t1 - t0 + ms)))
  R[$K,spec_cpu]=$(cpu_s $(($(cpu_ticks) - c1)))
  WINDOWS+=("$a0 $(mark) $n $OUT/audit-$V-$n-spec.txt")
  cp_ticks >"$OUT/cp-$V-$n.3"
  R[$K,spec_cp_cpu]=$(cp_cpu "$OUT/cp-$V-$n.2" "$OUT/cp-$V-$n.3")

  log "$K: $UNRELATED unrelated Secrets and ConfigMaps"
  local uns=bench-unrelated-$V-$n
  k create namespace "$uns" >/dev/null
  k label namespace "$uns" tradingdb-bench=true >/dev/null
  sleep 10
  R[$K,rss_before_unrelated]=$(rss_mib VmRSS)
  local u0
  u0=$(now_ms)
  python3 testenv/bench_unrelated.py "$PROXY" "$uns" "$UNRELATED" >/dev/null || log "$K: not every unrelated object was created"
  R[$K,unrelated_s]=$(secs $(($(now_ms) - u0)))
  sleep 20
  if ! alive; then
    R[$K,rss_unrelated]="DIED: $(oom_error "$rlog" || echo 'see the log'),"
    R[$K,died]=1
    PID=
    delete_namespaces "$ns" "$uns"
    return
  fi
  R[$K,rss_unrelated]=$(rss_mib VmRSS)
  R[$K,hwm_end]=$(rss_mib VmHWM)
  R[$K,warn_end]=$({ grep -cE ' (WARN|ERROR) ' "$wlog" "$rlog" || true; } | awk -F: '{s += $2} END {print s}')
  # Overload: reconciles run one at a time while the heap is short (MemoryPressure), said in a log line and metrics.
  R[$K,pressure]="$(grep -hc 'memory pressure:' "$wlog" "$rlog" | awk '{s += $1} END {print s + 0}') log lines, $(metric_sum tradingdb_operator_reconciles_throttled_total '') reconciles throttled (restarted process), live heap ratio $(metrics | awk '/^tradingdb_operator_heap_live_ratio/ {print $NF}')"
  # Last, as it forces a full collection: the live heap and its biggest classes.
  [ "${BENCH_NMT:-0}" = 1 ] && { jcmd "$PID" VM.native_memory summary >"$OUT/nmt-$V-$n.txt" 2>&1 || true; }
  jcmd "$PID" GC.class_histogram >"$OUT/histogram-$V-$n.txt" 2>&1 || true
  R[$K,live]=$(awk '/^Total/ {printf "%d", $3 / 1048576}' "$OUT/histogram-$V-$n.txt")
  if ! alive; then # died meanwhile
    R[$K,rss_unrelated]="DIED: $(oom_error "$rlog" || echo 'see the log'),"
    R[$K,died]=1
  fi
  stop_operator
  # The last run's namespaces go at exit (cleanup), unless BENCH_KEEP=1.
  if [ "$K" != "${VARIANTS[-1]}/${COUNTS[-1]}" ]; then
    log "$K: deleting the namespaces before the next run"
    delete_namespaces "$ns" "$uns"
  fi
}

for n in "${COUNTS[@]}"; do
  for V in "${VARIANTS[@]}"; do
    run "$n"
    # Each run's numbers as they are, in case a later run does not end.
    for key in "${!R[@]}"; do
      if [[ $key == "$V/$n,"* ]]; then printf '%s=%s\n' "$key" "${R[$key]}"; fi
    done | sort >"$OUT/result-$V-$n.txt"
  done
done

# ---------------------------------------------------------------- report
sleep 3 # the API server writes its audit batches at least every second
for w in "${WINDOWS[@]}"; do
  # shellcheck disable=SC2086 # four words: two marks, N, file
  audit_window $w
done
for n in "${COUNTS[@]}"; do
  for V in "${VARIANTS[@]}"; do
    K=$V/$n
    R[$K,conv_writes]=$(operator_writes "$OUT/audit-$V-$n-create.txt")
    R[$K,idle_op]=$(operator_writes "$OUT/audit-$V-$n-idle.txt")
    R[$K,restart_op]=$(operator_writes "$OUT/audit-$V-$n-restart.txt")
    R[$K,spec_op]=$(operator_writes "$OUT/audit-$V-$n-spec.txt")
  done
done
# CloudNativePG's numbers: from BENCH_CNPG (the results file of testenv/bench-cnpg.sh, same machine), else the
# ones in issue 18, measured on another, faster machine.
declare -A CNPG_CPU=([100]=6.7 [300]=28.9 [1000]=189.9) CNPG_RSS=([100]=89 [300]=135 [1000]=307)
if [ -n "${BENCH_CNPG:-}" ]; then
  while read -r n cpu rss; do CNPG_CPU[$n]=$cpu; CNPG_RSS[$n]=$rss; done <"$BENCH_CNPG"
fi
echo
for V in "${VARIANTS[@]}"; do
  echo "operator $V: ${JARS[$V]}, ${ENVS[$V]}JAVA_TOOL_OPTIONS=-XX:MaxRAM=${RAMS[$V]} ${OPTS[$V]}"
done
echo "control plane: $(k get nodes -l type=kwok --no-headers | wc -l) kwok nodes; idle windows $IDLE s; machine load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s "$AUDIT_LOG" ] || echo "no audit log ($AUDIT_LOG): the operator's own requests are not counted (start the control plane with TRADINGDB_AUDIT=1)"
val() { echo "${R[$1/$2,$3]:--}"; }
# One row per N; "before / after" when BENCH_BEFORE is set.
both() { # $1 N, $2 field, $3 unit
  local v out="" sep=""
  for v in "${VARIANTS[@]}"; do
    if [ -n "${R[$v/$1,died]:-}" ] && [ -z "${R[$v/$1,$2]:-}" ]; then out+="${sep}died"; else out+="$sep$(val "$v" "$1" "$2")"; fi
    sep=" / "
  done
  echo "$out$3"
}
echo
names="${VARIANTS[*]}"
echo "Each cell: ${names// / \/ }."
echo
echo "| N | convergence after the last create | from the start of the create | CPU-s to converge (CNPG) | RSS converged / peak, MiB (CNPG) | operator writes per TradingDatabase, create | idle: operator writes / API server writes minus baseline | restart: all reconciled after / operator writes | spec change 1->2 after the last apply | RSS with $UNRELATED unrelated objects | WARN lines; Warning Events |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${COUNTS[@]}"; do
  rss=""; sep=""
  for V in "${VARIANTS[@]}"; do rss+="$sep$(val "$V" "$n" rss_conv) / $(val "$V" "$n" hwm)"; sep=" ; "; done
  ops=""; sep=""
  for V in "${VARIANTS[@]}"; do
    w=$(val "$V" "$n" conv_writes)
    [ "$w" != - ] && w=$(awk -v w="$w" -v n="$n" 'BEGIN {printf "%.1f", w / n}')
    ops+="$sep$w"; sep=" / "
  done
  idle=""; sep=""
  for V in "${VARIANTS[@]}"; do idle+="$sep$(val "$V" "$n" idle_op) / $(val "$V" "$n" idle_writes)"; sep=" ; "; done
  rst=""; sep=""
  for V in "${VARIANTS[@]}"; do rst+="$sep$(val "$V" "$n" restart) s / $(val "$V" "$n" restart_op)"; sep=" ; "; done
  warn=""; sep=""
  for V in "${VARIANTS[@]}"; do warn+="$sep$(val "$V" "$n" warn_end); $(val "$V" "$n" warn_events)"; sep=" / "; done
  echo "| $n | $(both "$n" conv " s") | $(both "$n" conv_total " s") | $(both "$n" cpu "") (${CNPG_CPU[$n]:--}) | $rss (${CNPG_RSS[$n]:--}) | $ops | $idle | $rst | $(both "$n" spec " s") | $(both "$n" rss_unrelated " MiB") | $warn |"
done
echo "(goals at 1000: convergence and spec change <= 60 s, CPU-s and RSS at or below CNPG's, RSS < 256 MiB, 0 idle and restart writes, no WARN line or Warning Event)"

for n in "${COUNTS[@]}"; do
  for V in "${VARIANTS[@]}"; do
    K=$V/$n
    echo
    echo "N=$n, $V"
    if [ -n "${R[$K,died]:-}" ]; then
      echo "  convergence                                  ${R[$K,conv]} (spec change: ${R[$K,spec]:-not reached})"
      [ -z "${R[$K,rss]:-}" ] && continue
    fi
    printf '  %-44s %s\n' \
      "JVM start to /readyz (informers synced)" "${R[$K,start]} s" \
      "bulk create (kubectl apply)" "${R[$K,create]} s" \
      "convergence after the last create" "${R[$K,conv]} s (from the start of the create ${R[$K,conv_total]} s; goal <= 60 s at 1000)" \
      "CPU-seconds to converge" "${R[$K,cpu]}; with the JVM's start ${R[$K,cpu_total]} (CNPG ${CNPG_CPU[$n]:--})" \
      "operator CPU-s by thread, create to convergence" "${R[$K,thread_cpu]:--}" \
      "control plane CPU-s, create to convergence" "${R[$K,cp_cpu]:--}" \
      "phase Ready on all (primaries labelled) after" "${R[$K,ready]} s (CPU-s ${R[$K,cpu_ready]})" \
      "TradingDatabase reconciles per cluster" "$(per_cluster "${R[$K,reconciles]}" "$n") at convergence, $(per_cluster "${R[$K,reconciles_ready]}" "$n") at Ready" \
      "RSS converged / settled / peak" "${R[$K,rss_conv]} / ${R[$K,rss]} / ${R[$K,hwm]} MiB (CNPG ${CNPG_RSS[$n]:--}; goal < 256 at 1000)" \
      "RSS converged by region, MiB" "${R[$K,rss_regions]:--}" \
      "threads at convergence" "$(awk '{n += $1; if (NR <= 6) {t = t sep $2 " " $1; sep = ", "}} END {print n " (" t ", ...)"}' "$OUT/rss-$V-$n.threads" 2>/dev/null)" \
      "idle writes in $IDLE s (minus baseline)" "${R[$K,idle_writes]} (baseline ${R[$K,baseline]}; CPU-s ${R[$K,idle_cpu]}); the operator's own (audit log): ${R[$K,idle_op]}" \
      "restart: reconciled all after" "${R[$K,restart]} s, writes to re-converge ${R[$K,restart_writes]}; the operator's own: ${R[$K,restart_op]}" \
      "restart: memory when all reconciled" "${R[$K,restart_mem]}" \
      "WARN log lines, Warning Events by reason" "${R[$K,warn]}; ${R[$K,warn_events]} (goal 0, none)" \
      "spec change 1->2 on all, after the last apply" "${R[$K,spec]:--} s (from its start ${R[$K,spec_total]:--} s, CPU-s ${R[$K,spec_cpu]:--}; goal <= 60 s at 1000); the operator's writes: ${R[$K,spec_op]:--}" \
      "control plane CPU-s, spec change" "${R[$K,spec_cp_cpu]:--}" \
      "RSS before / with $UNRELATED unrelated objects" "${R[$K,rss_before_unrelated]:--} / ${R[$K,rss_unrelated]:--} MiB (peak over the run ${R[$K,hwm_end]:--}; created in ${R[$K,unrelated_s]:--} s)" \
      "WARN log lines over the whole run" "${R[$K,warn_end]:--}" \
      "memory pressure (overload)" "${R[$K,pressure]:--}" \
      "live heap at the end (class histogram)" "${R[$K,live]:--} MiB ($OUT/histogram-$V-$n.txt)" \
      "machine load: create / converged / spec / done" "${R[$K,load]}"
    if [ -s "$OUT/nmt-$V-$n.txt" ]; then
      echo "  native memory (NMT, committed KiB) at the end:"
      grep -E '^(Total|-  *[A-Za-z ]+ \(reserved)' "$OUT/nmt-$V-$n.txt" | sed -E 's/reserved=[0-9]+KB, //; s/^/    /' | head -14
    fi
    for w in create idle restart spec; do
      [ -s "$OUT/audit-$V-$n-$w.txt" ] || continue
      echo "  requests by client, $w (audit log):"
      grep -v '^operator-writes' "$OUT/audit-$V-$n-$w.txt" | head -24
    done
    echo "  API server writes by resource while idle (operator running, then stopped; see $OUT):"
    diff_writes "$OUT/idle-$V-$n.0" "$OUT/idle-$V-$n.1" | head -20
    echo "  --- baseline"
    diff_writes "$OUT/base-$V-$n.0" "$OUT/base-$V-$n.1" | head -20
  done
done
