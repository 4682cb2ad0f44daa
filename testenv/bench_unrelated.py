#!/usr/bin/env python3
"""Creates COUNT unrelated objects for testenv/bench-operator.sh: half Secrets, half ConfigMaps, 1 KiB each.

    bench_unrelated.py PROXY_URL NAMESPACE COUNT

Sixteen requests at a time through `kubectl proxy`: kubectl creates them one after another, which took
minutes for 2,000 on 2 cores. Prints how many were created; exits 1 when any request failed.
"""
import base64
import concurrent.futures
import json
import sys
import urllib.request

base, ns, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
blob = "x" * 768


def create(i):
    kind, path = ("Secret", "secrets") if i % 2 == 0 else ("ConfigMap", "configmaps")
    body = {"apiVersion": "v1", "kind": kind,
            "metadata": {"name": f"{path[0]}-{i // 2}", "namespace": ns, "labels": {"app": "unrelated"}}}
    if kind == "Secret":
        body["data"] = {"blob": base64.b64encode(blob.encode()).decode()}
    else:
        body["data"] = {"blob": blob}
    request = urllib.request.Request(f"{base}/api/v1/namespaces/{ns}/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status == 201


with concurrent.futures.ThreadPoolExecutor(16) as pool:
    created = sum(pool.map(create, range(count)))
print(created)
sys.exit(0 if created == count else 1)
