#!/usr/bin/env python3
"""One poll of testenv/bench-operator.sh, in one process through `kubectl proxy`.

    bench_poll.py PROXY_URL NAMESPACE N INSTANCES

Labels the pods Patroni would label (nothing runs Patroni on kwok nodes: the pod holding the leader
lock gets role=primary), then prints three numbers: TradingDatabases whose status is written for
their current generation, those of them in phase Ready, and 1 when all N have every dependent of
their spec (else 0). A development-profile cluster has 4 Secrets (superuser, replication, tls, ca),
the Patroni ConfigMap, 3 Services, a ServiceAccount, Role, RoleBinding and StatefulSet, and a
PodDisruptionBudget from 2 instances.

One Python process per poll instead of a dozen kubectl processes: on 2 cores those cost the control
plane and the operator about half a core while they measured them.
"""
import json
import sys
import urllib.parse
import urllib.request

base, ns, n, instances = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def get(path):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.load(response)


def count(path):
    """Objects in a collection: one item and the server's count of the rest."""
    page = get(path + "?limit=1")
    return len(page["items"]) + (page["metadata"].get("remainingItemCount") or 0)


unlabelled = "apps.kubernetes.io/pod-index=0,app.kubernetes.io/name=tradingdatabase,!role"
pods = get(f"/api/v1/namespaces/{ns}/pods?labelSelector=" + urllib.parse.quote(unlabelled))
for pod in pods["items"]:
    request = urllib.request.Request(
        f"{base}/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}",
        data=b'{"metadata":{"labels":{"role":"primary"}}}',
        headers={"Content-Type": "application/merge-patch+json"},
        method="PATCH")
    try:
        urllib.request.urlopen(request, timeout=60).close()
    except urllib.error.HTTPError:
        pass  # deleted or replaced meanwhile: labelled on the next poll

converged = ready = 0
for tdb in get(f"/apis/tradingdb.io/v1alpha1/namespaces/{ns}/tradingdatabases")["items"]:
    status = tdb.get("status") or {}
    if status.get("observedGeneration") == tdb["metadata"].get("generation"):
        converged += 1
        ready += status.get("phase") == "Ready"

complete = converged >= n and all(
    count(path) >= want
    for path, want in [
        (f"/apis/apps/v1/namespaces/{ns}/statefulsets", n),
        (f"/api/v1/namespaces/{ns}/services", 3 * n),
        (f"/api/v1/namespaces/{ns}/secrets", 4 * n),
        (f"/api/v1/namespaces/{ns}/configmaps", n + 1),
        (f"/api/v1/namespaces/{ns}/serviceaccounts", n + 1),
        (f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", n),
        (f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", n),
    ] + ([(f"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets", n)] if instances >= 2 else []))
print(converged, ready, int(complete))
