# shellcheck shell=bash
# The real node of the test cluster, sourced by cluster.sh (uses its start/running/fail/sign/...).
#
#   bridge tdb0 198.18.0.1/16 (node IP) -- veths -- pods 198.18.0.10 .. 198.18.127.254
#   containerd (own root/state/socket under $STATE/node) + runc + CNI bridge/host-local
#   kubelet (cgroup v1, cgroupfs) registering node "real-node", tainted so kwok-targeted
#   workloads never land on it by accident
#   kube-proxy (iptables), CoreDNS (cluster.local on 198.18.0.1:53, Service kube-dns 198.19.0.10)
#   apiserver-bridge: 198.18.0.1:<apiserver port> -> 127.0.0.1:<apiserver port>, so pods reach
#   the API server through the `kubernetes` Service while it keeps listening on loopback only
#
# One real node per machine: bridges, iptables chains and kernel settings are machine-wide,
# so `up` refuses while another state dir's node holds $NODE_OWNER.
#
# Nothing reaches off the machine: the bridge has no uplink, packets entering from tdb0 may only
# go back to tdb0 or to 198.18.0.0/15 on this host (TRADINGDB-NODE-GUARD chains), Service IPs are
# routed onto the bridge (never the default route), kwok's fake pod IPs sit in 198.18.128.0/17 on
# the bridge where nothing answers, CoreDNS has no forwarder, and containerd pulls through a
# proxy on 127.0.0.1:9 that refuses (images are imported, never pulled).

NODE_NAME=real-node
NODE_BRIDGE=tdb0
NODE_IP=198.18.0.1
NODE_POD_SUBNET=198.18.0.0/16
NODE_POD_RANGE_START=198.18.0.10
NODE_POD_RANGE_END=198.18.127.254
# Where kwok's fake pod IPs come from: on the bridge's subnet, never handed to a real pod.
# shellcheck disable=SC2034  # read by cluster.sh, which sources this file
KWOK_POD_CIDR=198.18.128.1/17
NODE_SERVICE_CIDR=198.19.0.0/16
NODE_DNS_IP=198.19.0.10
NODE_TAINT_KEY=tradingdb.io/real-node
NODE_CGROUP=tradingdb-testenv-node
NODE_GUARD=TRADINGDB-NODE-GUARD
NODE_OWNER=/run/tradingdb-testenv-node.owner
PAUSE_IMAGE=localhost/pause:3.10.1
TOOLBOX_IMAGE=localhost/toolbox:busybox
NODE_DIR=$STATE/node
# shellcheck disable=SC2034  # read by cluster.sh
NODE_COMPONENTS=(apiserver-bridge containerd kubelet kube-proxy coredns)
# testenv/images names imported at `up` (TRADINGDB_NODE_IMAGES; empty: none).
NODE_STANDIN_IMAGES=${TRADINGDB_NODE_IMAGES-timescaledb-ha pgbouncer pgbouncer-exporter postgres-exporter backup-tools}
# Kernel settings the kubelet changes (unless protectKernelDefaults) or the node needs;
# saved at `up` and put back at `down`.
NODE_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.bridge.bridge-nf-call-iptables
  net.bridge.bridge-nf-call-ip6tables)

# containerd's root (content and unpacked images) outlives the node like the binary cache does:
# a warm `up` finds every image unpacked. `down` deletes all containers, so only images stay.
# shellcheck disable=SC2153  # CACHE is cluster.sh's binary and image cache
NODE_IMAGE_STORE=$CACHE/real-node/containerd-root

node_ctr() { ctr --address "$NODE_DIR/containerd.sock" -n k8s.io "$@"; }
# Manifest digest of an OCI layout tar, and of an image in the store (empty when absent):
# equal means the image is there already and need not be imported again.
node_tar_digest() { tar -xOf "$1" ./index.json | jq -r '.manifests[0].digest'; }
node_image_digest() { node_ctr images ls "name==$1" | awk 'NR == 2 { print $3 }'; }

# ------------------------------------------------------------------ certificates

node_pki() {
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # The identities the Node authorizer, NodeRestriction and the built-in bindings expect.
  sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  sign kubelet-serving "/CN=$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
  sign kube-proxy "/CN=system:kube-proxy" "$client"
  sign coredns "/CN=system:coredns" "$client"
}

# ------------------------------------------------------------------ images

# node_image REF ENTRYPOINT USER BINARY: a one-file OCI image around a static binary, imported
# into containerd's k8s.io namespace as REF; cached by the inputs' hash.
node_image() {
  local ref=$1 entry=$2 user=$3 src=$4
  local cache=$CACHE/images/real-node key tar
  key=$(
    {
      echo "$ref $entry $user"
      sha256sum "$src"
    } | sha256sum | cut -c1-16
  )
  tar=$cache/${ref//[\/:]/_}-$key.tar
  if [[ ! -f "$tar" ]]; then
    mkdir -p "$cache"
    local tmp
    tmp=$(mktemp -d)
    (
      cd "$tmp"
      umoci init --layout oci
      umoci new --image "oci:${ref##*:}"
      umoci insert --image "oci:${ref##*:}" "$src" "$entry" >/dev/null
      umoci config --image "oci:${ref##*:}" --os linux --architecture amd64 \
        --config.entrypoint "$entry" --config.user "$user"
      tar -C oci -cf "$tar.part" .
    ) >&2 || { rm -rf "$tmp"; return 1; }
    mv "$tar.part" "$tar"
    rm -rf "$tmp"
  fi
  [[ "$(node_tar_digest "$tar")" == "$(node_image_digest "$ref")" ]] ||
    node_ctr images import --base-name "${ref%:*}" --digests "$tar" >/dev/null
}

# The pause image from Kubernetes' own pause.c, static like upstream's (build/pause/Makefile).
node_images() {
  local src=$GOMODCACHE_K8S/build/pause/linux/pause.c bin=$CACHE/images/real-node/pause-bin
  [[ -f "$src" ]] || fail "" "pause.c not found at $src (build-binaries.sh downloads the module)"
  mkdir -p "$bin"
  if [[ ! -x "$bin/pause" || "$src" -nt "$bin/pause" ]]; then
    gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-tradingdb-testenv -o "$bin/pause.part" "$src" ||
      fail "" "could not build pause (apt-get install gcc libc6-dev)"
    mv "$bin/pause.part" "$bin/pause"
  fi
  node_image "$PAUSE_IMAGE" /pause 65535:65535 "$bin/pause" || fail containerd "pause image import failed"
  # A 2 MB image with sh, wget, nc, nslookup and httpd for network checks (busybox-static).
  node_image "$TOOLBOX_IMAGE" /bin/busybox 65534:65534 /bin/busybox || fail containerd "toolbox image import failed"
}

# ------------------------------------------------------------------ network

node_sysctl_save() {
  local s
  for s in "${NODE_SYSCTLS[@]}"; do
    echo "$s=$(sysctl -n "$s")"
  done >"$NODE_DIR/sysctl.saved"
}

node_net_up() {
  ip link add "$NODE_BRIDGE" type bridge
  ip addr add "$NODE_IP/16" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  # Service IPs (before kube-proxy's DNAT, or without endpoints) go onto the bridge, where
  # nothing answers, rather than to the default route.
  ip route add "$NODE_SERVICE_CIDR" dev "$NODE_BRIDGE" src "$NODE_IP"
  # Forward only what enters on the bridge (pod -> Service -> pod); eth0 is left as it is.
  sysctl -qw "net.ipv4.conf.$NODE_BRIDGE.forwarding=1"
  # Bridged replies pass netfilter, so Service DNAT is undone for pod -> pod on the same bridge.
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
  iptables -N "$NODE_GUARD"
  iptables -A "$NODE_GUARD" -o "$NODE_BRIDGE" -j RETURN
  iptables -A "$NODE_GUARD" -d 198.18.0.0/15 -j RETURN
  iptables -A "$NODE_GUARD" -j REJECT --reject-with icmp-net-prohibited
  iptables -I FORWARD 1 -i "$NODE_BRIDGE" -j "$NODE_GUARD"
  iptables -I INPUT 1 -i "$NODE_BRIDGE" -j "$NODE_GUARD"
}

node_config() {
  local d=$NODE_DIR pki=$STATE/pki
  mkdir -p "$d"/{containerd/state,runc,cni/net.d,cni/ipam,kubelet,pod-logs,volumes,volume-plugins} "$NODE_IMAGE_STORE"
  cat >"$d/containerd.toml" <<EOF
version = 2
root = "$NODE_IMAGE_STORE"
state = "$d/containerd/state"
# This sandbox denies negative oom_score_adj: keep containerd at 0 ...
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # ... and never below the daemon's own score: without this every sandbox fails with runc's
  # "can't get final child's PID from pipe: EOF" (../shared/STACK-NOTES.md, "A real node").
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni/net.d"
EOF
  # The bridge exists already (node IP); the plugin adds veths and the gateway route.
  cat >"$d/cni/net.d/10-tradingdb-testenv.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "tradingdb-testenv",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$d/cni/ipam",
        "ranges": [[{"subnet": "$NODE_POD_SUBNET", "rangeStart": "$NODE_POD_RANGE_START",
                     "rangeEnd": "$NODE_POD_RANGE_END", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
  # No search domains or nameservers of the host leak into pods.
  : >"$d/resolv.conf"
  write_kubeconfig "$d/kubelet.kubeconfig" kubelet
  write_kubeconfig "$d/kube-proxy.kubeconfig" kube-proxy
  write_kubeconfig "$d/coredns.kubeconfig" coredns
  cat >"$d/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
containerRuntimeEndpoint: unix://$d/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$NODE_CGROUP
failCgroupV1: false
failSwapOn: false
# Negative scores are denied here (see containerd.toml).
oomScoreAdj: 0
clusterDNS: [$NODE_DNS_IP]
clusterDomain: cluster.local
resolvConf: $d/resolv.conf
podLogsDir: $d/pod-logs
volumePluginDir: $d/volume-plugins
registerWithTaints:
- {key: $NODE_TAINT_KEY, value: "true", effect: NoSchedule}
# A shared CI disk: evict only when really full, and never garbage-collect the imported
# images (nothing could pull them back).
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 110
EOF
  cat >"$d/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $d/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $NODE_POD_SUBNET
detectLocalMode: ClusterCIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$NODE_IP/32"]
oomScoreAdj: 0
# No route_localnet (a machine-wide setting) and no conntrack tuning: zero means "leave as is".
iptables: {localhostNodePorts: false, syncPeriod: 30s, minSyncPeriod: 0s}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  cat >"$d/Corefile" <<EOF
cluster.local:53 18.198.in-addr.arpa:53 19.198.in-addr.arpa:53 {
    bind $NODE_IP
    errors
    ready 127.0.0.1:10253
    health 127.0.0.1:10254
    kubernetes cluster.local 18.198.in-addr.arpa 19.198.in-addr.arpa {
        kubeconfig $d/coredns.kubeconfig tradingdb-testenv
        pods insecure
    }
    cache 30
    loadbalance
}
EOF
}

# Objects the node's system parts need: CoreDNS's RBAC (as in CoreDNS' deployment manifests)
# and the kube-dns Service pointing at CoreDNS on the node IP.
node_system_manifests() {
  cat <<EOF
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:coredns"}
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  clusterIP: $NODE_DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-node
  namespace: kube-system
  labels:
    kubernetes.io/service-name: kube-dns
    endpointslice.kubernetes.io/managed-by: tradingdb-testenv
addressType: IPv4
endpoints:
- addresses: ["$NODE_IP"]
  conditions: {ready: true}
  nodeName: $NODE_NAME
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
EOF
}

node_ready() {
  [[ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

# ------------------------------------------------------------------ up / down

node_refuse_second() {
  if [[ -e "$NODE_OWNER" ]]; then
    local owner
    owner=$(<"$NODE_OWNER")
    if [[ "$owner" != "$STATE" ]] || ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
      fail "" "a real node already runs on this machine (state dir $owner; one per machine: it owns" \
        "bridge $NODE_BRIDGE and kube-proxy's iptables chains). Stop it with" \
        "TRADINGDB_STATE=$owner testenv/cluster.sh down, or start this cluster with TRADINGDB_REAL_NODE=0."
    fi
  fi
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    fail "" "bridge $NODE_BRIDGE exists but no cluster owns it: remove it (ip link del $NODE_BRIDGE) or run testenv/cluster.sh down"
  fi
}

node_up() {
  local d=$NODE_DIR
  if ! { command -v containerd && command -v runc && [[ -x /usr/lib/cni/bridge ]] &&
    command -v iptables && command -v socat; } >/dev/null; then
    fail "" "the real node needs containerd, runc, containernetworking-plugins, iptables and socat (testenv/install-packages.sh)"
  fi
  [[ $EUID == 0 ]] || fail "" "the real node needs root (namespaces, cgroups, iptables); TRADINGDB_REAL_NODE=0 runs kwok only"
  echo "$STATE" >"$NODE_OWNER"
  rm -rf "${d:?}"
  mkdir -p "$d"
  node_sysctl_save
  # `down` may run from a shell that never built anything.
  printf 'KUBE_BIN_DIR=%q\nCOREDNS_BIN=%q\n' "$KUBE_BIN_DIR" "$COREDNS_BIN" >"$d/bins.env"
  node_config
  node_net_up || fail "" "could not set up bridge $NODE_BRIDGE"
  local c
  for c in cpu cpuacct cpuset memory pids blkio devices freezer hugetlb net_cls perf_event systemd; do
    [[ -d /sys/fs/cgroup/$c ]] && mkdir -p "/sys/fs/cgroup/$c/$NODE_CGROUP"
  done
  # cpuset children start empty: give the node's root the machine's CPUs and memory nodes.
  if [[ -d /sys/fs/cgroup/cpuset/$NODE_CGROUP ]]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$NODE_CGROUP/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$NODE_CGROUP/cpuset.mems"
  fi

  start apiserver-bridge socat "TCP-LISTEN:$APISERVER_PORT,bind=$NODE_IP,fork,reuseaddr" \
    "TCP:127.0.0.1:$APISERVER_PORT"

  # Pulls go to a proxy that refuses, so a missing image fails here instead of leaving the machine.
  HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY='' \
    start containerd containerd --config "$d/containerd.toml"
  wait_until containerd 30 node_ctr version
  node_images
  # The stand-in images (testenv/images, built on first use, then cached). The operator image
  # is left to whoever has the jar to put in it (RealNodeIT builds it after `mvn package`).
  if [[ -x "$HERE/images/build.sh" && -n "$NODE_STANDIN_IMAGES" ]]; then
    local -a names stale=()
    read -ra names <<<"$NODE_STANDIN_IMAGES"
    local built ref tar i=0
    built=$("$HERE/images/build.sh" "${names[@]}") || fail containerd "testenv/images/build.sh failed"
    while IFS=$'\t' read -r ref tar; do
      [[ "$(node_tar_digest "$tar")" == "$(node_image_digest "$ref")" ]] || stale+=("${names[i]}")
      i=$((i + 1))
    done <<<"$built"
    if ((${#stale[@]})); then
      log "importing images: ${stale[*]}"
      "$HERE/images/build.sh" --import "$d/containerd.sock" "${stale[@]}" >/dev/null ||
        fail containerd "testenv/images/build.sh --import failed"
    fi
  fi

  kc apply -f - >/dev/null < <(node_system_manifests) || fail kube-apiserver "could not create the node's system objects"

  start coredns "$COREDNS_BIN" -conf "$d/Corefile"
  start kube-proxy "$KUBE_BIN_DIR/kube-proxy" --config "$d/kube-proxy.yaml"
  # --containerd: cAdvisor's own containerd client (not CRI) looks at the default socket; without
  # it /metrics/cadvisor has only pod-level cgroups, no container label.
  start kubelet "$KUBE_BIN_DIR/kubelet" \
    --config "$d/kubelet.yaml" \
    --kubeconfig "$d/kubelet.kubeconfig" \
    --hostname-override "$NODE_NAME" \
    --node-ip "$NODE_IP" \
    --root-dir "$d/kubelet" \
    --cert-dir "$d/kubelet/pki" \
    --containerd "$d/containerd.sock" \
    --node-labels "type=real,topology.kubernetes.io/zone=testenv-real,topology.kubernetes.io/region=testenv" \
    --v=1
  wait_until kubelet 60 node_ready
  wait_until coredns 30 curl -fsS http://127.0.0.1:10253/ready
  wait_until kube-proxy 30 curl -fsS http://127.0.0.1:10256/healthz
}

# Everything the node made, in dependency order; safe to run on a half-started node.
node_down() {
  local d=$NODE_DIR c pid
  [[ -d "$d" ]] || return 0
  if [[ -e "$NODE_OWNER" && "$(<"$NODE_OWNER")" != "$STATE" ]]; then
    log "the real node on this machine belongs to $(<"$NODE_OWNER"); leaving it alone"
    return 0
  fi
  local KUBE_BIN_DIR COREDNS_BIN
  # shellcheck source=/dev/null
  [[ -f "$d/bins.env" ]] && source "$d/bins.env"
  # Stop the kubelet first so it does not restart what is being removed, then the pods' tasks
  # while containerd can still tear their sandboxes down (CNI DEL frees veths and IPs).
  stop_component kubelet
  if running containerd; then
    local ids
    ids=$(node_ctr tasks ls -q 2>/dev/null || true)
    for c in $ids; do node_ctr tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true; done
    for c in $ids; do node_ctr tasks delete -f "$c" >/dev/null 2>&1 || true; done
    for c in $(node_ctr containers ls -q 2>/dev/null); do node_ctr containers delete "$c" >/dev/null 2>&1 || true; done
  fi
  for c in kube-proxy coredns containerd apiserver-bridge; do stop_component "$c"; done
  # Shims outlive containerd by design; ours carry our socket in their command line.
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $d/containerd.sock" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Whatever still runs in the node's cgroups (containers of killed shims).
  local cg
  for cg in /sys/fs/cgroup/*/"$NODE_CGROUP"; do
    [[ -d "$cg" ]] || continue
    local procs
    mapfile -t procs < <(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
    ((${#procs[@]} == 0)) || kill -KILL "${procs[@]}" 2>/dev/null || true
  done
  sleep 0.2
  for cg in /sys/fs/cgroup/*/"$NODE_CGROUP"; do
    [[ -d "$cg" ]] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # Mounts: overlay rootfs, shm, secret/projected tmpfs, netns bind mounts; deepest first.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v p="$d/" -v s="$NODE_IMAGE_STORE/" 'index($5, p) == 1 || index($5, s) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r)
  # Loop devices of the volumes' images (mount -o loop clears them on the last unmount; a lazy one may wait).
  while read -r m; do
    losetup -d "$m" 2>/dev/null || true
  done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null | awk -v p="$d/" 'index($2, p) == 1 { print $1 }')
  # Network namespaces the CRI plugin created (containerd 1.6 names them cni-<uuid>).
  for m in /run/netns/cni-*; do
    [[ -e "$m" ]] || continue
    umount "$m" 2>/dev/null || true
    rm -f "$m"
  done
  # kube-proxy's and the kubelet's iptables chains, then ours.
  [[ -x "$KUBE_BIN_DIR/kube-proxy" ]] &&
    "$KUBE_BIN_DIR/kube-proxy" --cleanup --config "$d/kube-proxy.yaml" >"$(logfile kube-proxy-cleanup)" 2>&1
  node_iptables_purge
  # Host ends of pod veths still on the bridge (their netns went without CNI DEL).
  ip -o link show master "$NODE_BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | while read -r m; do
    ip link del "$m" 2>/dev/null || true
  done
  ip link del "$NODE_BRIDGE" 2>/dev/null || true
  if [[ -f "$d/sysctl.saved" ]]; then
    sysctl -q -p "$d/sysctl.saved" >/dev/null 2>&1 || true
  fi
  rm -rf "${d:?}"
  rm -f "$NODE_OWNER"
}

# Drops every chain named KUBE-* or ours, and every rule that jumps to one, in each table,
# keeping whatever else the machine has. Kubelet and kube-proxy create them for IPv4 and IPv6.
node_iptables_purge() {
  local save restore t
  for save in iptables-save ip6tables-save; do
    restore=${save/-save/-restore}
    command -v "$save" >/dev/null || continue
    for t in filter nat mangle; do
      "$save" -t "$t" 2>/dev/null | grep -q -e 'KUBE-' -e "$NODE_GUARD" || continue
      "$save" -t "$t" | grep -v -e '^:KUBE-' -e "^:$NODE_GUARD" -e '-j KUBE-' -e "-j $NODE_GUARD" \
        -e '^-A KUBE-' -e "^-A $NODE_GUARD" | "$restore" -T "$t" || log "could not clean $save table $t"
    done
  done
}

# What `down` must have removed; prints each leftover and fails if there is any.
node_leftovers() {
  local d=$NODE_DIR n=0 line
  report() { echo "leftover: $*"; n=$((n + 1)); }
  # Every node process names a file under $d; containers are covered by the cgroup check.
  while read -r line; do [[ -n "$line" ]] && report "process $line"; done < <(
    pgrep -af "$d/|bind=$NODE_IP" | grep -v -e pgrep -e leftovers || true)
  while read -r line; do [[ -n "$line" ]] && report "mount $line"; done < <(
    awk -v p="$d" -v s="$NODE_IMAGE_STORE/" 'index($5, p) == 1 || index($5, s) == 1 || $5 ~ "^/run/netns/cni-" { print $5 }' \
      /proc/self/mountinfo)
  while read -r line; do [[ -n "$line" ]] && report "loop device $line"; done < <(
    losetup -n -l -O NAME,BACK-FILE 2>/dev/null | awk -v p="$d/" 'index($2, p) == 1 { print $1 " " $2 }')
  for line in /run/netns/cni-*; do [[ -e "$line" ]] && report "network namespace $line"; done
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && report "bridge $NODE_BRIDGE"
  while read -r line; do [[ -n "$line" ]] && report "veth $line"; done < <(ip -o link show type veth | awk -F': ' '{print $2}')
  for line in iptables-save ip6tables-save; do
    command -v "$line" >/dev/null || continue
    while read -r rule; do [[ -n "$rule" ]] && report "$line rule $rule"; done < <(
      "$line" 2>/dev/null | grep -e 'KUBE-' -e "$NODE_GUARD" || true)
  done
  for line in /sys/fs/cgroup/*/"$NODE_CGROUP"; do [[ -d "$line" ]] && report "cgroup $line"; done
  [[ -e "$NODE_OWNER" ]] && report "owner file $NODE_OWNER"
  [[ -d "$d" ]] && report "node state dir $d"
  ((n == 0))
}
