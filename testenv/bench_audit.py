#!/usr/bin/env python3
"""API requests by client in a window of the API server's audit log (testenv/cluster.sh, TRADINGDB_AUDIT=1).

    bench_audit.py AUDIT_LOG FROM_BYTE FROM_MS TO_MS [N]

Reads from FROM_BYTE (the log's size when the window opened) to the end and counts the requests the
API server received between FROM_MS and TO_MS (milliseconds since the epoch): with batched audit
writes, a request of the window can be written after it closed.

Prints one line per client with its writes (create, update, patch, delete, deletecollection) and
reads (get, list), per TradingDatabase when N is given, then the latency of the operator's requests
(arrival to response, as the API server logs them) and its requests by resource, verb and code. The client is the user agent's program name; the controller manager's agent names the
controller ("kube-controller-manager/statefulset-controller"). The operator is the fabric8 client;
nothing else in the benchmark uses it. The last line is "operator-writes W", for the script to read.
"""
import collections
import datetime
import json
import sys

path, start = sys.argv[1], int(sys.argv[2])
since, until = (datetime.datetime.fromtimestamp(int(ms) / 1000, datetime.timezone.utc) for ms in sys.argv[3:5])
n = int(sys.argv[5]) if len(sys.argv) > 5 else 0
WRITES = {"create", "update", "patch", "delete", "deletecollection"}
READS = {"get", "list"}


def client(agent):
    program = agent.split("/", 1)[0]
    if program.startswith("fabric8-kubernetes-client"):
        return "operator"
    if program == "kube-controller-manager" and "/system:serviceaccount:kube-system:" in agent:
        return program + "/" + agent.rsplit(":", 1)[-1]
    return program or "(none)"


def stamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


writes = collections.Counter()
reads = collections.Counter()
operator = collections.Counter()
latencies = []  # seconds from the request's arrival to its response, the operator's requests
with open(path, "rb") as log:
    log.seek(start)
    for line in log:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut by the window's edge
        if event.get("stage") != "ResponseComplete":
            continue
        try:
            if not since <= stamp(event["requestReceivedTimestamp"]) <= until:
                continue
        except (KeyError, ValueError):
            continue
        who, verb = client(event.get("userAgent", "")), event.get("verb", "")
        ref = event.get("objectRef") or {}
        resource = ref.get("resource", event.get("requestURI", "?"))
        if ref.get("subresource"):
            resource += "/" + ref["subresource"]
        if verb in WRITES:
            writes[who] += 1
        elif verb in READS:
            reads[who] += 1
        else:
            continue
        if who == "operator":
            code = event.get("responseStatus", {}).get("code", 0)
            operator[(resource, verb, code)] += 1
            try:
                latencies.append((stamp(event["stageTimestamp"]) - stamp(event["requestReceivedTimestamp"])).total_seconds())
            except (KeyError, ValueError):
                pass

per = (lambda c: f" ({c / n:.2f} per TradingDatabase)") if n else (lambda c: "")
for who in sorted(set(writes) | set(reads), key=lambda w: -(writes[w] + reads[w])):
    print(f"    {who:<52} writes {writes[who]:>6}{per(writes[who])}, reads {reads[who]:>6}{per(reads[who])}")
if latencies:
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(f"    operator request latency in the API server: median {q(0.5):.0f} ms, p95 {q(0.95):.0f} ms, max {q(1):.0f} ms")
if operator:
    print("    operator by resource, verb and response code:")
    for (resource, verb, code), c in sorted(operator.items(), key=lambda kv: -kv[1])[:16]:
        print(f"      {resource:<40} {verb:<8} {code:<4} {c}")
print(f"operator-writes {writes['operator']}")
