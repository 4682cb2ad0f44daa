#!/usr/bin/env bash
# A real Kubernetes control plane as plain processes on 127.0.0.1, for the
# operator's integration tests and for local demos:
#
#   etcd -> kube-apiserver -> kube-controller-manager, kube-scheduler,
#                             kwok (fake nodes and pod lifecycles),
#                             testenv-storage (volume provisioner)
#           testenv-egress: the API server's own outbound connections
#                           (webhooks, kubelet, pod/service proxy) go through
#                           it, and it lets through loopback and the real
#                           node's bridge (198.18.0.0/16) only
#   and one real node (real-node.sh): containerd, kubelet, kube-proxy, CoreDNS
#   on a bridge 198.18.0.1/16 that has no uplink
#
# Usage: testenv/cluster.sh up|down|status|env|leftovers
#   leftovers: exit 1 and list them if `down` left anything of the real node
#              (process, mount, netns, veth, bridge, iptables rule, cgroup)
#
# The control plane listens on 127.0.0.1; the real node's parts on the bridge
# address 198.18.0.1 or loopback. Nothing is configured to reach any other
# address: kwok pods never really run and their IPs are never answered. See
# README.md for the rules a test must follow so it stays that way.
#
# Settings (environment):
#   TRADINGDB_STATE           state dir: pids, logs, certs, etcd data, kubeconfig
#                             (default /tmp/tradingdb-testenv)
#   TRADINGDB_CACHE           binary cache, see build-binaries.sh
#   TRADINGDB_APISERVER_PORT  kube-apiserver secure port     (default 26443)
#   TRADINGDB_ETCD_PORT       etcd client port               (default 23790)
#   TRADINGDB_ETCD_PEER_PORT  etcd peer port                 (default 23800)
#   TRADINGDB_KCM_PORT        controller-manager secure port (default 26257)
#   TRADINGDB_SCHEDULER_PORT  scheduler secure port          (default 26259)
#   TRADINGDB_NODES           number of kwok nodes            (default 3)
#   TRADINGDB_REAL_NODE       1 = also start the real node (default; needs root),
#                             0 = kwok nodes only
#   TRADINGDB_NODE_IMAGES     testenv/images names to import into the real node
#                             (default: all but the operator; built on first use)
#   TRADINGDB_ETCD_BIN        use this etcd instead of the one built
#   TRADINGDB_AUDIT           1 = the API server writes an audit log of every
#                             request but watches (Metadata level: user, user
#                             agent, verb, object; no bodies) to $STATE/audit.log,
#                             so a benchmark can count requests by client
#   TRADINGDB_KEEP_ON_FAILURE 1 = leave processes running when `up` fails
#   KUBECTL                   kubectl to use (default: a 1.33 one if the
#                             Google Cloud SDK ships it, else `kubectl`)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
APISERVER_PORT=${TRADINGDB_APISERVER_PORT:-26443}
ETCD_PORT=${TRADINGDB_ETCD_PORT:-23790}
ETCD_PEER_PORT=${TRADINGDB_ETCD_PEER_PORT:-23800}
KCM_PORT=${TRADINGDB_KCM_PORT:-26257}
SCHEDULER_PORT=${TRADINGDB_SCHEDULER_PORT:-26259}
NODES=${TRADINGDB_NODES:-3}
KEEP_ON_FAILURE=${TRADINGDB_KEEP_ON_FAILURE:-0}
REAL_NODE=${TRADINGDB_REAL_NODE:-1}
AUDIT=${TRADINGDB_AUDIT:-0}
CACHE=${TRADINGDB_CACHE:-$HOME/.cache/tradingdb-operator}

# shellcheck source=real-node.sh
source "$HERE/real-node.sh"
# Routed by kube-proxy on the real node only; see real-node.sh for the addresses.
SERVICE_CIDR=$NODE_SERVICE_CIDR
# Pod IPs that kwok writes into pod status. Nothing answers them.
POD_CIDR=$KWOK_POD_CIDR
# The StorageClass provisioner served by testenv-storage.
PROVISIONER=testenv.tradingdb.io/hostpath

# Start order; `down` stops them in reverse (the real node's first, see node_down).
COMPONENTS=(etcd testenv-egress kube-apiserver kube-controller-manager kube-scheduler kwok testenv-storage)
((REAL_NODE)) && COMPONENTS+=("${NODE_COMPONENTS[@]}")

# kubectl 1.32 is two minors behind the 1.34 server (outside the supported
# skew); the Google Cloud SDK also ships 1.33, which is inside it.
if [[ -z "${KUBECTL:-}" ]]; then
  if [[ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.33 ]]; then
    KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
  else
    KUBECTL=kubectl
  fi
fi

log() { printf '[cluster] %s\n' "$*" >&2; }
kc() { "$KUBECTL" --kubeconfig "$STATE/kubeconfig" "$@"; }

pidfile() { echo "$STATE/pids/$1.pid"; }
logfile() { echo "$STATE/logs/$1.log"; }

# Alive = the recorded pid exists and is still the program we started (pids
# get reused, and a stale pid file must not make us signal a stranger).
running() {
  local pf pid
  pf=$(pidfile "$1")
  [[ -f "$pf" ]] || return 1
  pid=$(<"$pf")
  [[ -n "$pid" ]] || return 1
  _runs "$pid" "$(basename "$(_bin_of "$1")")"
}

# _runs PID NAME: PID is alive (not a zombie) and its command line names NAME.
# A component is started as `setsid BIN ...`, so its pid execs twice; while the
# kernel swaps in the second program, /proc/PID/cmdline reads empty for a moment.
# An empty command line of a live process therefore counts as running: once a
# component has died it is a zombie or gone, never an empty live process (a pid
# reused by a kernel thread also reads empty; kernel threads ignore signals). Read
# in bash alone: with pipefail, `tr | grep -q` could fail on a SIGPIPE of tr.
_runs() {
  local pid=$1 name=$2 stat cmd
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != [ZX] ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ -z "$cmd" || "$cmd" == *"$name"* ]]
}

# The executable each component runs, as recorded at start (for `running`).
_bin_of() { cat "$STATE/pids/$1.bin" 2>/dev/null || echo "$1"; }

# Each component gets its own session (setsid), so `down` can signal the
# whole process group: whatever a component forks goes down with it.
start() {
  local name=$1
  shift
  log "starting $name"
  setsid "$@" </dev/null >"$(logfile "$name")" 2>&1 &
  local pid=$! i
  echo "$pid" >"$(pidfile "$name")"
  echo "$1" >"$STATE/pids/$name.bin"
  # Until the exec happens, /proc shows this shell's command line and
  # `running` would call the component dead; give the exec a moment.
  for ((i = 0; i < 100; i++)); do
    _runs "$pid" "$(basename "$1")" && break
    sleep 0.02
  done
}

fail() {
  local name=$1
  shift
  log "ERROR: $*"
  if [[ -n "$name" && -f "$(logfile "$name")" ]]; then
    log "last lines of $(logfile "$name"):"
    tail -n 40 "$(logfile "$name")" >&2 || true
  fi
  if [[ "$KEEP_ON_FAILURE" != 1 ]]; then
    log "stopping what was started (TRADINGDB_KEEP_ON_FAILURE=1 keeps it)"
    cmd_down >&2 || true
  fi
  exit 1
}

# wait_until NAME SECONDS CMD...: retry CMD until it succeeds; give up early
# if the component NAME died, since then it never will.
wait_until() {
  local name=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$name" ]] && ! running "$name"; then
      fail "$name" "$name exited while waiting for: $*"
    fi
    if ((SECONDS >= deadline)); then
      fail "$name" "timed out after ${timeout}s waiting for: $*"
    fi
    sleep 0.2
  done
}

port_free() {
  # A connect to loopback is the cheapest portable "is something listening".
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------- certificates

# RSA keys in PKCS#8 PEM: understood by Go, openssl and the Java clients
# (fabric8) without extra providers.
newkey() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# new_ca NAME CN: a self-signed CA.
new_ca() {
  local pki=$STATE/pki
  newkey "$pki/$1.key"
  openssl req -x509 -new -key "$pki/$1.key" -subj "/CN=$2" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$pki/$1.crt" 2>/dev/null
}

# sign NAME SUBJECT EXTENSIONS [CA]: key + cert signed by CA (default: ca).
sign() {
  local name=$1 subj=$2 ext=$3 ca=${4:-ca} pki=$STATE/pki
  newkey "$pki/$name.key"
  openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 \
    -extfile <(printf '%s\n' "$ext") -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}

make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  new_ca ca tradingdb-testenv-ca

  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # 198.19.0.1 is the `kubernetes` Service IP in-cluster clients verify
  # against; 198.18.0.1 the node address pods reach it through.
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:${SERVICE_CIDR%.0/*}.1,IP:$NODE_IP"
  # system:masters bypasses RBAC: only for the admin and the simulators.
  sign admin "/O=system:masters/CN=tradingdb-testenv-admin" "$client"
  sign kwok "/O=system:masters/CN=kwok" "$client"
  sign testenv-storage "/O=system:masters/CN=testenv-storage" "$client"
  # The controller manager and the scheduler get the identities their
  # built-in RBAC roles are bound to, as on a real cluster.
  sign kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  sign kube-scheduler "/CN=system:kube-scheduler" "$client"
  # API server client cert for kubelet calls (logs/exec): kwok nodes have
  # 127.0.0.1 as their address, the real node its bridge address.
  sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"

  # Front proxy (aggregation layer), as kubeadm sets it up: without it the
  # controller manager and scheduler log errors about a missing
  # requestheader CA, and aggregated APIs could not authenticate users.
  new_ca front-proxy-ca tradingdb-testenv-front-proxy-ca
  sign front-proxy-client "/CN=front-proxy-client" "$client" front-proxy-ca
  ((REAL_NODE)) && node_pki

  # Service account tokens: the API server signs and verifies with this
  # pair, the controller manager signs legacy token Secrets with the key.
  newkey "$pki/sa.key"
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  chmod 600 "$pki"/*.key
}

# write_kubeconfig FILE CERTNAME: certificates embedded, so the file can be
# copied or read by any client without relative paths.
write_kubeconfig() {
  local file=$1 name=$2 pki=$STATE/pki
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tradingdb-testenv
  cluster:
    server: https://127.0.0.1:${APISERVER_PORT}
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: ${name}
  user:
    client-certificate-data: $(base64 -w0 "$pki/$name.crt")
    client-key-data: $(base64 -w0 "$pki/$name.key")
contexts:
- name: tradingdb-testenv
  context:
    cluster: tradingdb-testenv
    user: ${name}
current-context: tradingdb-testenv
EOF
  chmod 600 "$file"
}

# ------------------------------------------------------------ cluster objects

# Nodes kwok will manage (its annotation selector), one per zone so that
# required pod anti-affinity on hostname or zone can spread 3 replicas.
node_manifests() {
  local i zones=(a b c d e f)
  for ((i = 0; i < NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/region: testenv
    topology.kubernetes.io/zone: testenv-${zones[i % ${#zones[@]}]}
    type: kwok
status:
  capacity: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
  allocatable: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
EOF
  done
}

# `standard` is the default class and binds at once; `standard-wffc` is the
# same with WaitForFirstConsumer, for tests that want the scheduler to pick
# the node first. Both are served by testenv-storage and can be expanded.
storage_manifests() {
  local mode name
  for mode in Immediate WaitForFirstConsumer; do
    name=standard
    [[ $mode == WaitForFirstConsumer ]] && name=standard-wffc
    cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $name
  annotations:
    storageclass.kubernetes.io/is-default-class: "$([[ $name == standard ]] && echo true || echo false)"
provisioner: $PROVISIONER
reclaimPolicy: Delete
volumeBindingMode: $mode
allowVolumeExpansion: true
EOF
  done
}

nodes_ready() {
  local n
  n=$(kc get nodes -l type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    grep -c '^True$' || true)
  ((n >= NODES))
}

# ------------------------------------------------------------------ commands

cmd_up() {
  local t0=$SECONDS c any=0 all=1
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then any=1; else all=0; fi
  done
  # Starting over would pull the cluster from under whoever uses it.
  if ((all)) && kc get --raw /readyz >/dev/null 2>&1; then
    log "ERROR: a cluster is already running in $STATE (kube-apiserver https://127.0.0.1:$APISERVER_PORT)."
    log "Use it (eval \"\$(testenv/cluster.sh env)\") or stop it first (testenv/cluster.sh down)."
    exit 1
  fi
  if ((any)); then
    log "partly running: restarting from scratch"
    cmd_down
  fi
  ((REAL_NODE)) && node_refuse_second

  # Paths of the cached binaries (this builds them on the first run).
  local paths
  paths=$("$HERE/build-binaries.sh") || fail "" "build-binaries.sh failed"
  eval "$paths"
  GOMODCACHE_K8S=$KUBE_SRC_DIR
  # Escape hatch to try another etcd (e.g. Debian's /usr/bin/etcd).
  ETCD_BIN=${TRADINGDB_ETCD_BIN:-$ETCD_BIN}

  command -v "$KUBECTL" >/dev/null || fail "" "kubectl not found (set KUBECTL)"
  command -v openssl >/dev/null || fail "" "openssl not found"
  local port
  for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$KCM_PORT" "$SCHEDULER_PORT"; do
    port_free "$port" || fail "" "port 127.0.0.1:$port is already in use"
  done

  # A fresh cluster every time: tests must not depend on leftovers. The
  # state dir is shared (postgres.sh keeps a running PostgreSQL in
  # $STATE/postgres, run-local.sh the operator's pid and log), so only this
  # script's own files go, and the dir's own mode is left alone.
  rm -rf "${STATE:?}"/{pids,logs,pki,etcd,kwok-home} "$STATE"/kubeconfig "$STATE"/*.kubeconfig \
    "$STATE"/egress-selector.yaml "$STATE"/egress.sock
  mkdir -p "$STATE"/{pids,logs,pki,etcd,kwok-home}
  chmod 700 "$STATE"/{pki,etcd}
  make_pki
  for c in admin kube-controller-manager kube-scheduler kwok testenv-storage; do
    write_kubeconfig "$STATE/$c.kubeconfig" "$c"
  done
  mv "$STATE/admin.kubeconfig" "$STATE/kubeconfig"

  local pki=$STATE/pki
  start etcd "$ETCD_BIN" \
    --name testenv \
    --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "testenv=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new \
    --initial-cluster-token tradingdb-testenv \
    --logger zap --log-outputs stderr
  wait_until etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  # The unix socket path must fit in sun_path (108 bytes).
  local egress_sock=$STATE/egress.sock
  ((${#egress_sock} < 100)) || fail "" "TRADINGDB_STATE path too long for a unix socket: $egress_sock"
  local egress_allow=()
  ((REAL_NODE)) && egress_allow=(--allow-cidr "$NODE_POD_SUBNET")
  start testenv-egress "$KUBE_BIN_DIR/testenv-egress" --socket "$egress_sock" "${egress_allow[@]}"
  wait_until testenv-egress 10 test -S "$egress_sock"
  # "cluster": kubelets, pods, services, service-referenced webhooks and
  # aggregated APIs; "controlplane": URL webhooks and authn/authz webhooks.
  # etcd is left direct (it is on loopback by construction).
  local sel
  {
    echo "apiVersion: apiserver.k8s.io/v1beta1"
    echo "kind: EgressSelectorConfiguration"
    echo "egressSelections:"
    for sel in cluster controlplane; do
      printf -- '- name: %s\n  connection:\n    proxyProtocol: HTTPConnect\n' "$sel"
      printf '    transport:\n      uds:\n        udsName: %s\n' "$egress_sock"
    done
  } >"$STATE/egress-selector.yaml"

  # Node,RBAC: RBAC is really enforced (tests impersonate service accounts
  # and expect denials). The default admission plugins include PodSecurity;
  # NodeRestriction is added as on a kubeadm cluster.
  # With the real node the `kubernetes` Service points at the node address,
  # where apiserver-bridge forwards to loopback. Without it there is nothing
  # in-cluster to serve, and Endpoints may not hold loopback addresses (the
  # reconciler would log an error every 10s): no reconciler then.
  # Kubelets are dialled by InternalIP: node names must never reach a resolver.
  local advertise=(--advertise-address "$NODE_IP")
  ((REAL_NODE)) || advertise=(--advertise-address 127.0.0.1 --endpoint-reconciler-type none)
  local audit=()
  if [ "$AUDIT" = 1 ]; then
    # Metadata only, and the response stages only: one line per request, no object bodies (no Secret data).
    cat >"$STATE/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    verbs: [watch]
  - level: Metadata
POLICY
    # Batched, so requests do not wait for the log: written at least every second, or 400 at a time.
    audit=(--audit-policy-file "$STATE/audit-policy.yaml" --audit-log-path "$STATE/audit.log"
      --audit-log-format json --audit-log-maxsize 4000 --audit-log-maxbackup 1
      --audit-log-mode batch --audit-log-batch-max-wait 1s --audit-log-batch-buffer-size 100000)
  fi
  start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" \
    --bind-address 127.0.0.1 \
    "${advertise[@]}" \
    --secure-port "$APISERVER_PORT" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file "$pki/apiserver.crt" \
    --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --egress-selector-config-file "$STATE/egress-selector.yaml" \
    --requestheader-client-ca-file "$pki/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User \
    --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy-client.crt" \
    --proxy-client-key-file "$pki/front-proxy-client.key" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --allow-privileged=true \
    --profiling=false \
    "${audit[@]}" \
    --v=1
  wait_until kube-apiserver 90 kc get --raw /readyz

  start kube-controller-manager "$KUBE_BIN_DIR/kube-controller-manager" \
    --kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$KCM_PORT" \
    --leader-elect=false \
    --cluster-name tradingdb-testenv \
    --service-account-private-key-file "$pki/sa.key" \
    --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials \
    --cluster-signing-cert-file "$pki/ca.crt" \
    --cluster-signing-key-file "$pki/ca.key" \
    --controllers '*,-cloud-node-lifecycle-controller,-node-route-controller,-service-lb-controller' \
    --profiling=false \
    --v=1

  start kube-scheduler "$KUBE_BIN_DIR/kube-scheduler" \
    --kubeconfig "$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$SCHEDULER_PORT" \
    --leader-elect=false \
    --profiling=false \
    --v=1

  # HOME is redirected so a ~/.kwok/kwok.yaml on the machine (always loaded
  # when present) cannot change its behaviour. Without --node-port and
  # --server-address kwok serves nothing; its default stages make nodes
  # Ready, pods Running/Ready, Job pods Succeeded, and finish deletions.
  HOME="$STATE/kwok-home" start kwok "$KWOK_BIN" \
    --kubeconfig "$STATE/kwok.kubeconfig" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 \
    --cidr "$POD_CIDR" \
    --node-lease-duration-seconds 40

  local local_volumes=()
  ((REAL_NODE)) && local_volumes=(--local-node "$NODE_NAME" --local-path "$NODE_DIR/volumes")
  start testenv-storage "$KUBE_BIN_DIR/testenv-storage" \
    --kubeconfig "$STATE/testenv-storage.kubeconfig" \
    --provisioner "$PROVISIONER" "${local_volumes[@]}"

  { node_manifests; storage_manifests; } | kc apply -f - >/dev/null ||
    fail kube-apiserver "could not create nodes and storage classes"

  wait_until kwok 60 nodes_ready
  # Pods can only be created once the namespace's `default` ServiceAccount
  # exists, which the controller manager creates.
  wait_until kube-controller-manager 60 kc -n default get serviceaccount default
  wait_until kube-controller-manager 30 curl -fsSk "https://127.0.0.1:$KCM_PORT/healthz"
  wait_until kube-scheduler 30 curl -fsSk "https://127.0.0.1:$SCHEDULER_PORT/healthz"

  local real=""
  if ((REAL_NODE)); then
    node_up
    real=" + real node $NODE_NAME ($NODE_IP)"
  fi
  log "up in $((SECONDS - t0))s: kube-apiserver https://127.0.0.1:$APISERVER_PORT, $NODES kwok nodes$real Ready"
  cmd_env
}

stop_component() {
  local c=$1 pf pid
  pf=$(pidfile "$c")
  [[ -f "$pf" ]] || return 0
  if running "$c"; then
    pid=$(<"$pf")
    log "stopping $c (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    # Whatever ignored SIGTERM, or was forked into the group, goes now.
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pf" "$STATE/pids/$c.bin"
}

cmd_down() {
  local i
  # The real node goes first and whole (it checks what it owns), whatever TRADINGDB_REAL_NODE says.
  node_down
  [[ -d "$STATE/pids" ]] || { log "nothing to stop"; return 0; }
  # Reverse start order: clients first, etcd last.
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    stop_component "${COMPONENTS[i]}"
  done
}

cmd_status() {
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then
      printf '%-24s running (pid %s)\n' "$c" "$(<"$(pidfile "$c")")"
    else
      printf '%-24s stopped\n' "$c"
      rc=1
    fi
  done
  if ((rc == 0)) && kc get --raw /readyz >/dev/null 2>&1; then
    echo "kube-apiserver /readyz ok: https://127.0.0.1:$APISERVER_PORT"
    kc get nodes -o wide 2>/dev/null || true
  fi
  return $rc
}

cmd_env() {
  echo "export KUBECONFIG=$STATE/kubeconfig"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  leftovers) node_leftovers ;;
  *)
    echo "usage: $0 up|down|status|env|leftovers" >&2
    exit 2
    ;;
esac
