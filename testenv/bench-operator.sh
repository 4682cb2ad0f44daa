#!/usr/bin/env bash
# Benchmark of the operator process itself (issue targets, printed, not asserted):
#   - time from JVM start to the first TradingDatabase's status being written (target < 3 s)
#   - resident memory with 100 TradingDatabases reconciled (target < 256 MiB)
# Runs the packaged jar with the Helm chart's JVM options against the local control plane.
#
#   testenv/bench-operator.sh [count]     (default 100; needs testenv/cluster.sh up)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100}
eval "$(testenv/cluster.sh env)"
KUBECTL=${KUBECTL:-kubectl}
NS=bench-$(date +%s)

JAR=$(ls target/tradingdb-operator-*.jar 2>/dev/null | grep -v sources | head -1 || true)
if [ -z "$JAR" ]; then
  mvn -B -q -ntp package -DskipTests
  JAR=$(ls target/tradingdb-operator-*.jar | head -1)
fi
# The chart's JVM options, and the container memory limit the chart sets (384Mi).
JVM_OPTS=$(sed -n '/^jvmOptions: >-/,/^$/p' helm/tradingdb-operator/values.yaml | tail -n +2 | tr -s ' \n' ' ')
# As the image build does: a class-data archive from a training run, here under target/.
ARCHIVE=$PWD/target/tradingdb-operator.jsa
java -XX:ArchiveClassesAtExit="$ARCHIVE" -jar "$JAR" --cds-training >/dev/null 2>&1
JVM_OPTS=${JVM_OPTS//\/app\/tradingdb-operator.jsa/$ARCHIVE}
$KUBECTL apply --server-side --force-conflicts -f crds/ >/dev/null
$KUBECTL create namespace "$NS" >/dev/null

tdb() {
  cat <<YAML
apiVersion: tradingdb.io/v1alpha1
kind: TradingDatabase
metadata: {name: $1, namespace: $NS}
spec: {profile: development, databaseName: ai_trading}
YAML
}
tdb bench-0 | $KUBECTL apply --server-side -f - >/dev/null

LOG=$(mktemp)
start=$(date +%s%N)
WATCH_NAMESPACES=$NS HTTP_BIND=127.0.0.1 HTTP_PORT=0 JAVA_TOOL_OPTIONS="-XX:MaxRAM=384m $JVM_OPTS" \
  java -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; $KUBECTL delete namespace $NS --wait=false >/dev/null 2>&1 || true' EXIT
until [ -n "$($KUBECTL get tdb bench-0 -n "$NS" -o jsonpath='{.status.observedGeneration}' 2>/dev/null)" ]; do
  sleep 0.05
  if ! kill -0 $PID 2>/dev/null; then cat "$LOG"; exit 1; fi
done
first_ms=$(( ($(date +%s%N) - start) / 1000000 ))

if [ "$COUNT" -gt 1 ]; then
  for i in $(seq 1 $((COUNT - 1))); do tdb "bench-$i"; echo ---; done | $KUBECTL apply --server-side -f - >/dev/null
fi
until [ "$($KUBECTL get tdb -n "$NS" -o jsonpath='{range .items[*]}{.status.observedGeneration}{"\n"}{end}' | grep -c .)" -ge "$COUNT" ]; do
  sleep 1
done
all_s=$(( ($(date +%s%N) - start) / 1000000000 ))
sleep 20
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
hwm_kb=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
printf '%-52s %s\n' "first TradingDatabase reconciled after JVM start" "${first_ms} ms (target < 3000 ms)"
printf '%-52s %s\n' "all $COUNT TradingDatabases reconciled after" "${all_s} s"
printf '%-52s %s\n' "resident memory with $COUNT TradingDatabases" "$((rss_kb / 1024)) MiB (peak $((hwm_kb / 1024)) MiB; target < 256 MiB)"
