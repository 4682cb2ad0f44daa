#!/usr/bin/env bash
# Builds, or reuses from the cache, the binaries that cluster.sh runs:
#
#   k8s-<version>/     kube-apiserver, kube-controller-manager, kube-scheduler,
#                      kubelet, kube-proxy (from k8s/go.mod) and our helpers
#                      testenv-storage, testenv-egress (k8s/cmd/...)
#   kwok-<version>/    kwok (from kwok/go.mod)
#   etcd-<version>/    etcd (see ETCD below)
#   coredns-<version>/ coredns with the plugins cluster.local needs (coredns/)
#   helm-<version>/    the Helm CLI (helm/go.mod)
#   argocd-lua-<gopher-lua version>/  Argo CD's Lua runtime for the health-check tests
#                      (from argocd-lua/go.mod)
#
# under ${TRADINGDB_CACHE:-$HOME/.cache/tradingdb-operator}/bin/.
#
# Needs only Go (>= 1.26: CoreDNS 1.15 and Helm 3.22 ask for it) and the Go module proxy; the versions come from the
# go.mod files next to this script, so they are pinned in one place. A folder
# is reused when its .stamp matches a hash of everything that went into it
# (go.mod, go.sum, sources, flags, Go version), so editing a go.mod rebuilds
# and a second run costs seconds. Concurrent runs wait for each other.
#
# Progress goes to stderr. stdout gets shell assignments for cluster.sh:
#   KUBE_BIN_DIR=...  KWOK_BIN=...  ETCD_BIN=...  COREDNS_BIN=...  HELM_BIN=...
#   KUBE_SRC_DIR=... (the pinned k8s.io/kubernetes source: pause.c for the pause image)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${TRADINGDB_CACHE:-$HOME/.cache/tradingdb-operator}
# TRADINGDB_BIN_CACHE: a folder of one's own, for a branch whose helpers differ from the shared cache's.
BIN_ROOT=${TRADINGDB_BIN_CACHE:-$CACHE/bin}

log() { printf '[build-binaries] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "Go is not installed (need >= 1.26)"

# Reproducible, self-contained builds whatever the caller's Go settings:
# - readonly: the committed go.sum is the truth; a missing entry is an error
#   rather than a silent edit of the repo;
# - GOWORK=off: a go.work further up must not redirect modules;
# - GOTOOLCHAIN=local: never try to download another Go;
# - CGO_ENABLED=0: static binaries like the upstream releases, no C compiler.
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0
# Two cores on CI: more parallel compiles only add memory pressure.
GO_PARALLEL=${TRADINGDB_GO_PARALLEL:-2}

# module_version GOMOD MODULE: the version a go.mod requires.
module_version() {
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

KUBE_VERSION=$(module_version "$HERE/k8s/go.mod" k8s.io/kubernetes)
KWOK_VERSION=$(module_version "$HERE/kwok/go.mod" sigs.k8s.io/kwok)
ETCD_VERSION=$(module_version "$HERE/etcd/go.mod" go.etcd.io/etcd/server/v3)
COREDNS_VERSION=$(module_version "$HERE/coredns/go.mod" github.com/coredns/coredns)
HELM_VERSION=$(module_version "$HERE/helm/go.mod" helm.sh/helm/v3)
GOPHER_LUA_VERSION=$(module_version "$HERE/argocd-lua/go.mod" github.com/yuin/gopher-lua)
[[ -n "$KUBE_VERSION" && -n "$KWOK_VERSION" && -n "$ETCD_VERSION" && -n "$COREDNS_VERSION" && -n "$HELM_VERSION" &&
  -n "$GOPHER_LUA_VERSION" ]] ||
  die "could not read the pinned versions from the go.mod files"

# stamp MODDIR LDFLAGS: hash of everything a build depends on.
stamp() {
  {
    go version
    echo "$2"
    (cd "$1" && find . -name '*.go' -o -name go.mod -o -name go.sum | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -d' ' -f1
}

BUILT=()
REUSED=()

# build NAME MODDIR LDFLAGS PKG...: go build PKGs of MODDIR into
# $BIN_ROOT/NAME/ unless its stamp is current. Builds into a temporary folder
# and renames it, so an interrupted build never leaves a half-filled cache.
build() {
  local name=$1 moddir=$2 ldflags=$3
  shift 3
  local dest=$BIN_ROOT/$name want
  want=$(stamp "$moddir" "$ldflags")
  if [[ -f "$dest/.stamp" && "$(<"$dest/.stamp")" == "$want" ]]; then
    REUSED+=("$name")
    return 0
  fi
  log "building $name (cold: several minutes on 2 cores) ..."
  local t0=$SECONDS tmp
  tmp=$(mktemp -d "$BIN_ROOT/.$name.XXXXXX")
  if ! (cd "$moddir" && go build -p "$GO_PARALLEL" -trimpath -ldflags "$ldflags" -o "$tmp/" "$@"); then
    rm -rf "$tmp"
    die "go build of $name failed"
  fi
  echo "$want" >"$tmp/.stamp"
  rm -rf "$dest"
  chmod 755 "$tmp"
  mv "$tmp" "$dest"
  BUILT+=("$name ($((SECONDS - t0))s)")
}

mkdir -p "$BIN_ROOT"
exec 9>"$BIN_ROOT/.lock"
flock 9
t_start=$SECONDS

# Stamp the release version into the binaries the way the Kubernetes build
# does (hack/lib/version.sh); otherwise /version reports v0.0.0-master and
# clients that check the server version get confused.
kube_minor=${KUBE_VERSION#v*.}
kube_minor=${kube_minor%%.*}
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
build "k8s-$KUBE_VERSION" "$HERE/k8s" "$kube_ldflags" ./cmd/...

build "kwok-$KWOK_VERSION" "$HERE/kwok" \
  "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" ./cmd/kwok

build "etcd-$ETCD_VERSION" "$HERE/etcd" "-s -w" ./cmd/etcd

build "coredns-$COREDNS_VERSION" "$HERE/coredns" \
  "-s -w" ./cmd/coredns

# Helm's version comes from ldflags too (its Makefile), else `helm version` says v3.x-dev.
build "helm-$HELM_VERSION" "$HERE/helm" \
  "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  helm.sh/helm/v3/cmd/helm

build "argocd-lua-$GOPHER_LUA_VERSION" "$HERE/argocd-lua" "-s -w" ./cmd/argocd-lua

((${#BUILT[@]})) && log "built:  ${BUILT[*]}"
((${#REUSED[@]})) && log "reused: ${REUSED[*]}"
log "binaries ready in $((SECONDS - t_start))s under $BIN_ROOT"

cat <<EOF
KUBE_BIN_DIR=$BIN_ROOT/k8s-$KUBE_VERSION
KWOK_BIN=$BIN_ROOT/kwok-$KWOK_VERSION/kwok
ETCD_BIN=$BIN_ROOT/etcd-$ETCD_VERSION/etcd
COREDNS_BIN=$BIN_ROOT/coredns-$COREDNS_VERSION/coredns
HELM_BIN=$BIN_ROOT/helm-$HELM_VERSION/helm
KUBE_SRC_DIR=$(cd "$HERE/k8s" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
ARGOCD_LUA_BIN=$BIN_ROOT/argocd-lua-$GOPHER_LUA_VERSION/argocd-lua
EOF
