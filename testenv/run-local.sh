#!/usr/bin/env bash
# The README's run command: the operator's main job on this machine.
#
# With KUBECONFIG set: runs the operator against that cluster and applies samples/ to namespace
# "trading". Without it: starts the local control plane (testenv/cluster.sh) with its real node
# and a throwaway PostgreSQL (testenv/postgres.sh) on 127.0.0.1 first, and also applies
# testenv/local-samples/, whose DbUsers and BackupSchedules target that PostgreSQL as an external
# database, so they do real work.
#
# The development sample runs on the real node: PostgreSQL 17, TimescaleDB and Patroni really run
# in its pod (the stand-in image from testenv/images), and Patroni labels the primary itself. The
# staging and production samples stay on kwok's simulated nodes: nothing runs in those pods, and
# this script plays Patroni's one visible act (labelling the primary pod) so they can reach Ready.
# TRADINGDB_REAL_NODE=0 puts everything on kwok, as before.
#
# Stop everything with testenv/stop-local.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
NS=${TRADINGDB_NAMESPACE:-trading}
HTTP_PORT=${TRADINGDB_HTTP_PORT:-18080}
mkdir -p "$STATE"

local_mode=false
if [ -z "${KUBECONFIG:-}" ]; then
  local_mode=true
  testenv/install-packages.sh
  testenv/build-binaries.sh
  testenv/postgres.sh up >/dev/null
  testenv/cluster.sh status >/dev/null 2>&1 || testenv/cluster.sh up
  eval "$(testenv/cluster.sh env)"
fi
KUBECTL=${KUBECTL:-kubectl}
kc() { "$KUBECTL" "$@"; }

operator_jar() { find target -maxdepth 1 -name 'tradingdb-operator-*.jar' ! -name '*-sources.jar' 2>/dev/null | head -1; }
JAR=$(operator_jar)
if [ -z "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "building the operator"
  ./mvnw -B -q -ntp package -DskipTests
  JAR=$(operator_jar)
fi

kc apply --server-side --force-conflicts -f crds/ >/dev/null
kc create namespace "$NS" --dry-run=client -o yaml | kc apply --server-side -f - >/dev/null

if [ -f "$STATE/operator.pid" ] && kill -0 "$(cat "$STATE/operator.pid")" 2>/dev/null; then
  echo "operator already running (pid $(cat "$STATE/operator.pid"))"
else
  # On simulated nodes no PostgreSQL runs in the pods: the operator must not try to reach them
  # (their *.svc names would even be looked up outside this machine).
  checks=true
  targets_denied=()
  $local_mode && checks=false
  # The local samples' external database is the throwaway PostgreSQL on this machine's loopback, which the
  # chart's defaults deny (in a cluster it would be the operator pod's own loopback).
  $local_mode && targets_denied=("EXTERNAL_TARGETS_DENIED=169.254.0.0/16,fe80::/10")
  env "${targets_denied[@]}" DATABASE_CHECKS="$checks" WATCH_NAMESPACES="$NS" HTTP_BIND=127.0.0.1 HTTP_PORT="$HTTP_PORT" \
    nohup java -jar "$JAR" >"$STATE/operator.log" 2>&1 &
  echo $! >"$STATE/operator.pid"
  echo "operator started (pid $!), log: $STATE/operator.log, metrics: http://127.0.0.1:$HTTP_PORT/metrics"
fi

# The development sample on the real node (real-pods-patch.json): the stand-in images, a toleration
# of the node's taint, and the WaitForFirstConsumer class, whose volumes are local to that node.
real_pods=false
if $local_mode && [ "${TRADINGDB_REAL_NODE:-1}" = 1 ] && kc get node real-node >/dev/null 2>&1; then
  real_pods=true
fi
for f in samples/*.yaml; do
  if $real_pods && [ "$(basename "$f")" = tradingdatabase-development.yaml ]; then
    kc patch --local -f "$f" --type merge -o yaml --patch-file testenv/real-pods-patch.json |
      kc apply --server-side -n "$NS" -f - >/dev/null
  else
    kc apply --server-side -n "$NS" -f "$f" >/dev/null
  fi
done
if $local_mode && [ -d testenv/local-samples ]; then
  eval "$(testenv/postgres.sh env)"
  # The admin credentials reach the cluster as a Secret made from the password file, never a file in git.
  kc -n "$NS" create secret generic local-postgres-admin \
    --from-literal=username="$TRADINGDB_TEST_PG_USER" \
    --from-file=password="$TRADINGDB_TEST_PG_PASSWORD_FILE" \
    --dry-run=client -o yaml | kc apply --server-side -f - >/dev/null
  kc apply --server-side -n "$NS" -f testenv/local-samples/ >/dev/null
fi

if $local_mode; then
  # Simulated Patroni on kwok nodes: label instance 0 of each cluster as primary once its pod is
  # Running. On the real node Patroni does it.
  for _ in $(seq 1 90); do
    pending=0
    for tdb in $(kc get tdb -n "$NS" -o jsonpath='{.items[*].metadata.name}'); do
      phase=$(kc get pod "$tdb-0" -n "$NS" -o jsonpath='{.status.phase}' 2>/dev/null || true)
      node=$(kc get pod "$tdb-0" -n "$NS" -o jsonpath='{.spec.nodeName}' 2>/dev/null || true)
      if [ "$node" = real-node ]; then
        :
      elif [ "$phase" = Running ]; then
        kc label pod "$tdb-0" -n "$NS" role=primary --overwrite >/dev/null
        for r in $(kc get pods -n "$NS" -l "app.kubernetes.io/instance=$tdb,app.kubernetes.io/component=postgresql" -o name | grep -v "/$tdb-0$"); do
          kc label "$r" -n "$NS" role=replica --overwrite >/dev/null
        done
      else
        pending=1
      fi
      [ "$(kc get tdb "$tdb" -n "$NS" -o jsonpath='{.status.phase}')" = Ready ] || pending=1
    done
    [ $pending = 0 ] && break
    sleep 2
  done
fi
kc get trading -n "$NS"
