#!/usr/bin/env bash
# Benchmark of the local cluster with its real node (issue 13 targets, printed, not asserted):
#   1. cold build of every binary and image     (target <= 35 min on 2 cores)
#   2. warm `cluster.sh up` with the real node   (target <= 45 s)
#   3. `kubectl apply` of the development sample to Ready on real pods (target <= 90 s)
#
#   testenv/bench-cluster.sh            steps 2 and 3 (binaries and images must be built)
#   testenv/bench-cluster.sh --cold     also step 1, into empty temporary Go and image caches
#                                       (downloads ~1.5 GB of Go modules and Debian packages)
#
# Takes the cluster settings (TRADINGDB_STATE, ports) from the environment like cluster.sh, and
# stops and restarts that cluster; needs root. Ends with testenv/stop-local.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
unset KUBECONFIG

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
declare -a RESULTS=()
result() { RESULTS+=("$(printf '%-58s %8s s' "$1" "$2")"); }

if [[ "${1:-}" == --cold ]]; then
  tmp=$(mktemp -d /tmp/bench-cold.XXXXXX)
  t=$(now)
  GOCACHE=$tmp/gocache GOMODCACHE=$tmp/gomod TRADINGDB_CACHE=$tmp/cache \
    testenv/build-binaries.sh >/dev/null 2>"$tmp/build.log"
  result "cold build-binaries.sh (all binaries)" "$(since "$t")"
  # build-binaries.sh reports each build's own seconds.
  sed -n 's/.*built: *//p' "$tmp/build.log" | tr ',' '\n' | sed 's/) /)\n/g' | grep . |
    while read -r line; do echo "  cold: $line"; done
  if [[ -x testenv/images/build.sh ]]; then
    t=$(now)
    TRADINGDB_CACHE=$tmp/cache testenv/images/build.sh >/dev/null 2>"$tmp/images.log"
    result "cold images/build.sh (all images)" "$(since "$t")"
  fi
  GOMODCACHE=$tmp/gomod go clean -modcache 2>/dev/null || true
  rm -rf "$tmp"
fi

testenv/build-binaries.sh >/dev/null 2>&1
testenv/cluster.sh down >/dev/null 2>&1 || true
t=$(now)
testenv/cluster.sh up >/dev/null
result "warm cluster.sh up (3 kwok nodes + real node Ready)" "$(since "$t")"
trap 'testenv/stop-local.sh >/dev/null 2>&1 || true' EXIT

# The operator and every sample, as the README's run command does (kwok samples simulated).
testenv/run-local.sh >/dev/null
eval "$(testenv/cluster.sh env)"
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
command -v "$KUBECTL" >/dev/null || KUBECTL=kubectl
# Then the measured step: the development sample, from nothing, to Ready on real pods.
NS=${TRADINGDB_NAMESPACE:-trading}
$KUBECTL -n "$NS" delete tdb trading-dev --wait=true >/dev/null
$KUBECTL -n "$NS" delete pvc -l app.kubernetes.io/instance=trading-dev --wait=true >/dev/null 2>&1 || true
t=$(now)
$KUBECTL patch --local -f samples/tradingdatabase-development.yaml --type merge -o yaml \
  --patch-file testenv/real-pods-patch.json | $KUBECTL apply --server-side -n "$NS" -f - >/dev/null
until [ "$($KUBECTL -n "$NS" get tdb trading-dev -o jsonpath='{.status.phase}')" = Ready ]; do
  if awk -v a="$t" -v b="$(now)" 'BEGIN { exit !(b - a > 600) }'; then
    echo "trading-dev not Ready after 600 s" >&2
    exit 1
  fi
  sleep 0.5
done
result "kubectl apply development sample -> Ready (real pods)" "$(since "$t")"
[ "$($KUBECTL -n "$NS" get pod trading-dev-0 -o jsonpath='{.spec.nodeName}')" = real-node ] ||
  { echo "trading-dev-0 is not on the real node" >&2; exit 1; }

printf '%s\n' "${RESULTS[@]}"
