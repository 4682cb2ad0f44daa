#!/usr/bin/env bash
# End-to-end check of the test cluster started by cluster.sh: proves that
# the pieces the operator's integration tests rely on really work together.
#
#   StatefulSet (3 replicas, volumeClaimTemplates, required anti-affinity):
#     PVCs Bound, pods spread over 3 kwok nodes, rollout complete
#   PVC expansion through the `standard` class
#   CronJob "* * * * *" -> Job -> pod -> Job complete
#   garbage collection of dependents of deleted and of missing owners
#   RBAC denies an impersonated ServiceAccount what its Role does not grant
#   PodSecurity admission rejects a privileged pod in a `restricted` namespace
#   deleting the namespace releases and deletes the provisioned PVs
#
# Usage: testenv/smoke-test.sh   (against a cluster that is already up;
# KUBECONFIG defaults to the one cluster.sh writes). Takes about 1-2 min,
# most of it waiting for the CronJob's next minute.
set -euo pipefail

STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
if [[ -z "${KUBECTL:-}" ]]; then
  KUBECTL=kubectl
  [[ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.33 ]] && KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
fi
NS=smoke-$$
PASSED=0
FAILED=0

kc() { "$KUBECTL" -n "$NS" "$@"; }
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
failed() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }

# eventually SECONDS DESCRIPTION CMD...: poll CMD until it succeeds.
eventually() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      failed "$what (not within ${timeout}s)"
      return 0 # recorded; carry on with the other checks
    fi
    sleep 1
  done
  pass "$what"
}

cleanup() { "$KUBECTL" delete namespace "$NS" "$NS-psa" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

"$KUBECTL" create namespace "$NS" >/dev/null
eventually 60 "default ServiceAccount created in a new namespace" kc get serviceaccount default

# The CronJob goes first: its first run is up to a minute away, and the
# other checks run meanwhile.
kc apply -f - >/dev/null <<'EOF'
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: tick
            image: busybox:1.36
            command: ["true"]
EOF

kc apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: Parallel
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels: {app: db}
            topologyKey: topology.kubernetes.io/zone
      containers:
      - name: postgres
        image: postgres:17
        resources:
          requests: {cpu: 500m, memory: 1Gi}
        readinessProbe:
          exec: {command: ["pg_isready"]}
        volumeMounts:
        - {name: data, mountPath: /var/lib/postgresql/data}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 10Gi}
EOF

if kc rollout status statefulset/db --timeout=120s >/dev/null; then
  pass "StatefulSet db rolled out (3/3 Ready)"
else
  failed "StatefulSet db rollout"
  kc get pods,pvc -o wide || true
fi

bound=$(kc get pvc -l app=db -o jsonpath='{range .items[*]}{.status.phase}{" "}{.status.capacity.storage}{"\n"}{end}' | grep -c '^Bound 10Gi$' || true)
if [[ $bound == 3 ]]; then pass "3 PVCs Bound with the requested 10Gi"; else failed "PVCs bound: $bound of 3"; fi

nodes=$(kc get pods -l app=db -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | grep -c . || true)
if [[ $nodes == 3 ]]; then pass "pods spread over 3 nodes by anti-affinity"; else failed "pods on $nodes distinct nodes"; fi

kc patch pvc data-db-0 --type merge -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}' >/dev/null
eventually 30 "PVC data-db-0 expanded to 20Gi" \
  bash -c "[[ \$($KUBECTL -n $NS get pvc data-db-0 -o jsonpath='{.status.capacity.storage}') == 20Gi ]]"

# Garbage collection: a dependent of an owner that is then deleted, and a
# dependent whose owner never existed (dangling reference), both go away.
kc create configmap owner >/dev/null
owner_uid=$(kc get configmap owner -o jsonpath='{.metadata.uid}')
# dependent_of NAME OWNER UID: a ConfigMap owned by the ConfigMap OWNER/UID.
dependent_of() {
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: $1
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: $2, uid: $3}
EOF
}
dependent_of dependent owner "$owner_uid"
dependent_of orphan ghost 00000000-0000-0000-0000-000000000000
kc delete configmap owner >/dev/null
eventually 60 "GC deleted the dependent of a deleted owner" bash -c "! $KUBECTL -n $NS get configmap dependent"
eventually 60 "GC deleted a ConfigMap whose owner does not exist" bash -c "! $KUBECTL -n $NS get configmap orphan"

# RBAC: a ServiceAccount that may only read ConfigMaps.
kc create serviceaccount limited >/dev/null
kc create role cm-reader --verb=get,list,watch --resource=configmaps >/dev/null
kc create rolebinding cm-reader --role=cm-reader --serviceaccount="$NS:limited" >/dev/null
as=(--as "system:serviceaccount:$NS:limited")
eventually 10 "RBAC allows what the Role grants (list configmaps)" kc "${as[@]}" get configmaps
if out=$(kc "${as[@]}" create configmap denied 2>&1); then
  failed "RBAC: create configmap as $NS:limited was allowed"
elif grep -qi forbidden <<<"$out"; then
  pass "RBAC denies an ungranted verb (create configmaps): Forbidden"
else
  failed "RBAC: unexpected error: $out"
fi

# PodSecurity: a namespace that enforces `restricted`, and a privileged pod.
"$KUBECTL" create namespace "$NS-psa" >/dev/null
"$KUBECTL" label namespace "$NS-psa" pod-security.kubernetes.io/enforce=restricted >/dev/null
if out=$("$KUBECTL" -n "$NS-psa" run privileged --image=busybox:1.36 --restart=Never \
  --overrides='{"spec":{"containers":[{"name":"privileged","image":"busybox:1.36","securityContext":{"privileged":true}}]}}' 2>&1); then
  failed "PodSecurity admitted a privileged pod"
elif grep -q 'violates PodSecurity' <<<"$out"; then
  pass "PodSecurity rejects a privileged pod under enforce=restricted"
else
  failed "PodSecurity: unexpected error: $out"
fi

# Back to the CronJob: a Job, its pod, and kwok completing it.
eventually 90 "CronJob created a Job" bash -c "$KUBECTL -n $NS get jobs -o name | grep -q job.batch/tick-"
eventually 30 "the Job's pod was created" bash -c "$KUBECTL -n $NS get pods -l batch.kubernetes.io/job-name -o name | grep -q pod/"
eventually 60 "the Job completed (kwok marks Job pods Succeeded)" \
  bash -c "$KUBECTL -n $NS get jobs -o jsonpath='{.items[*].status.succeeded}' | grep -q 1"

# Tear down: the namespace goes, its PVCs with it, and testenv-storage
# deletes the Released PVs.
pvs=$(kc get pvc -o jsonpath='{range .items[*]}{.spec.volumeName}{" "}{end}')
trap - EXIT
"$KUBECTL" delete namespace "$NS-psa" --wait=false >/dev/null
if "$KUBECTL" delete namespace "$NS" --timeout=120s >/dev/null; then
  pass "namespace deleted"
else
  failed "namespace deletion"
fi
# shellcheck disable=SC2086 # word splitting wanted: a list of PV names
eventually 60 "PVs of deleted claims were deleted" bash -c "! $KUBECTL get pv $pvs 2>/dev/null | grep -q pvc-"

echo "smoke: $PASSED passed, $FAILED failed"
((FAILED == 0))
