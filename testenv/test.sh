#!/usr/bin/env bash
# The test command (README, CI): installs what the tests need, starts a throwaway PostgreSQL and a
# real Kubernetes control plane on 127.0.0.1 with kwok nodes and one real node, runs the whole
# Maven suite (unit tests, then the integration tests against those servers), and stops everything
# again, pass or fail. Two checks of cluster.sh itself ride along: a second `up` must refuse, and
# `down` must leave nothing of the real node behind (processes, mounts, netns, veths, bridge,
# iptables rules, cgroups); either failing fails the run. Before all that, shellcheck must find
# nothing in the project's shell scripts.
#
# Extra arguments go to Maven, e.g. `testenv/test.sh -Dit.test=TradingDatabaseIT`.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
testenv/install-packages.sh
# Every shell script of the project, shellcheck-clean at every severity: a finding fails the run
# before any server starts. -x follows `source` to the files next to a script.
mapfile -t scripts < <(find testenv src/main/resources -name '*.sh' -type f | sort; echo .ci/run)
shellcheck -x -P SCRIPTDIR "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts, no findings"
# TimescaleDB (full build) into the host's PostgreSQL, which postgres.sh preloads it into.
testenv/build-timescaledb.sh >/dev/null
binaries=$(testenv/build-binaries.sh)
# Argo CD's Lua runtime, for the health-check tests.
TRADINGDB_ARGOCD_LUA=$(sed -n 's/^ARGOCD_LUA_BIN=//p' <<<"$binaries")
export TRADINGDB_ARGOCD_LUA

# What a failed run leaves for diagnosis, printed where CI shows it: surefire's dump files (a fork that
# died says why there, with a thread dump), the tests' lines about a stopped informer or an exhausted
# JVM, and the end of each IT fork's GC log (the heap's course).
print_diagnostics() {
  local f crashed=
  for f in target/surefire-reports/*.dump* target/failsafe-reports/*.dump*; do
    [[ -f $f ]] || continue
    crashed=1
    echo "---- $f (first 150 lines)"
    head -n 150 "$f"
  done
  # A JVM that dies mid-test: lines that say why, from every test's output, and (when a fork left a
  # dump) the end of the output written last, the class that was running.
  grep -HE 'Fatal error in informer|informer stopped|failed for .*, will stop|OutOfMemoryError|StackOverflowError|Killing self' \
    target/failsafe-reports/*-output.txt target/surefire-reports/*-output.txt 2>/dev/null | cut -c1-600 | head -n 40
  f=$(find target/failsafe-reports target/surefire-reports -name '*-output.txt' -printf '%T@ %p\n' 2>/dev/null \
    | sort -n | tail -n 1 | cut -d' ' -f2-)
  if [[ -n $crashed && -n $f ]]; then
    echo "---- $f (written last; its last 25 lines)"
    tail -n 25 "$f" | cut -c1-600
  fi
  for f in target/gc-*.log; do
    [[ -f $f ]] || continue
    echo "---- $f ($(wc -l <"$f") collections logged; the last 15)"
    tail -n 15 "$f"
  done
}

cleanup() {
  local rc=$?
  if (( rc != 0 )); then
    print_diagnostics || true
  fi
  testenv/cluster.sh down || rc=1
  if ! testenv/cluster.sh leftovers; then
    echo "FAILED: cluster.sh down left the above behind" >&2
    rc=1
  fi
  testenv/postgres.sh down || true
  exit $rc
}
trap cleanup EXIT

testenv/postgres.sh up >/dev/null
eval "$(testenv/postgres.sh env)"
testenv/cluster.sh up
if testenv/cluster.sh up 2>/dev/null; then
  echo "FAILED: a second cluster.sh up did not refuse while the cluster runs" >&2
  exit 1
fi
eval "$(testenv/cluster.sh env)"
export TRADINGDB_TEST_KUBECONFIG="$KUBECONFIG"
# The tests must never fall back to a user's cluster: only the test kubeconfig is used.
unset KUBECONFIG

# Failsafe merges its summary files with earlier runs' in target/; start from fresh ones, and from no
# earlier run's dump files or GC logs.
rm -f target/failsafe-reports/failsafe-summary*.xml target/gc-*.log \
  target/surefire-reports/*.dump* target/failsafe-reports/*.dump*
echo "servers ready after $(( $(date +%s) - started ))s; running the suite"
./mvnw -B -ntp verify "$@"
echo "whole run took $(( $(date +%s) - started ))s"
