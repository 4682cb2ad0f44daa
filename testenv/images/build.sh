#!/usr/bin/env bash
# Builds the images the real node runs, without any registry: a Debian rootfs from the package
# mirror (mmdebstrap), packed as an OCI image (umoci), tarred for `ctr images import`.
#
#   testenv/images/build.sh [--import SOCKET] [NAME...]   build (cached), print "REF<TAB>TAR" per image
#   testenv/images/build.sh --list                        the image names, one a line
#
# NAME is a file testenv/images/NAME.sh (default: all of them). With --import the images are also
# imported into containerd's k8s.io namespace at SOCKET, under REF and the image's aliases.
# Each image is cached by a hash of its recipe and inputs under $CACHE/images/NAME/HASH/image.tar;
# a second build prints the cached one in about a second. Progress goes to stderr.
set -euo pipefail

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # read by the recipes this script sources
PROJECT_DIR=$(cd "$IMAGES_DIR/../.." && pwd)
CACHE_DIR="${TRADINGDB_CACHE:-$HOME/.cache/tradingdb-operator}/images"
MIRROR="${TRADINGDB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${TRADINGDB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Fixed times keep the image config (and so its digest) the same for the same rootfs.
EPOCH=1704067200
CREATED=2024-01-01T00:00:00Z

BUILD_TMP=""
BUILT_TAR=""

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }

image_names() {
  local f
  for f in "$IMAGES_DIR"/*.sh; do
    case "$(basename "$f")" in build.sh) ;; *) basename "$f" .sh ;; esac
  done
}

# Resets and loads one image's recipe: variables plus optional inputs/prepare/customize functions.
load_image() {
  local name=$1
  [ -f "$IMAGES_DIR/$name.sh" ] || die "no image '$name' (known: $(image_names | tr '\n' ' '))"
  IMAGE_REF="" ; IMAGE_ALIASES=() ; SUITE=trixie ; PACKAGES=() ; USERS=()
  CONFIG_USER=root ; CONFIG_WORKDIR=/ ; CONFIG_ENV=() ; CONFIG_ENTRYPOINT=() ; CONFIG_CMD=()
  CONFIG_PORTS=() ; CONFIG_STOPSIGNAL="" ; ESSENTIAL_HOOK=true ; MMDEBSTRAP_ARGS=()
  inputs() { :; }
  prepare() { :; }
  customize() { :; }
  # shellcheck source=/dev/null
  source "$IMAGES_DIR/$name.sh"
  [ -n "$IMAGE_REF" ] || die "$name.sh sets no IMAGE_REF"
}

# The cache key: this script, the recipe, the mirrors and whatever the recipe names as inputs.
image_hash() {
  local name=$1
  {
    sha256sum "$IMAGES_DIR/build.sh" "$IMAGES_DIR/$name.sh" | cut -d' ' -f1
    echo "$MIRROR $SECURITY_MIRROR"
    inputs
  } | sha256sum | cut -c1-16
}

# sources.list lines for one suite, as the machine's own apt uses them (main, updates, security).
sources() {
  local suite=$1
  echo "deb $MIRROR $suite main"
  echo "deb $MIRROR $suite-updates main"
  echo "deb $SECURITY_MIRROR $suite-security main"
}

# mmdebstrap with the downloaded .debs kept in $CACHE/apt/SUITE, so a rebuild fetches only the
# package lists. Extra arguments (hooks, --format) go before the suite.
debian_rootfs() {
  local suite=$1 out=$2; shift 2
  local apt_cache="$CACHE_DIR/apt/$suite"
  local -a src
  mapfile -t src < <(sources "$suite")
  mkdir -p "$apt_cache"
  # shellcheck disable=SC2016  # "$1" in a hook is the root folder, expanded by mmdebstrap when the hook runs
  SOURCE_DATE_EPOCH=$EPOCH nice -n 10 mmdebstrap --variant=apt --quiet \
    --skip=essential/unlink --skip=output/dev --skip=output/mknod \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
    --setup-hook="sync-in '$apt_cache' /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives '$apt_cache'" \
    "$@" \
    "$suite" "$out" "${src[@]}"
}

# Users the image needs with fixed ids, written before any package can create them with others.
users_hook() {
  local spec name uid gid home shell script=""
  for spec in "${USERS[@]}"; do
    IFS=: read -r name uid gid home shell <<<"$spec"
    script+="grep -q '^$name:' \"\$1/etc/group\" || echo '$name:x:$gid:' >> \"\$1/etc/group\"; "
    script+="echo '$name:x:$uid:$gid::$home:$shell' >> \"\$1/etc/passwd\"; "
    script+="mkdir -p \"\$1$home\" && chown $uid:$gid \"\$1$home\"; "
  done
  echo "${script:-true}"
}

# Sets BUILT_TAR and prints "REF<TAB>TAR".
build_image() {
  local name=$1 hash dir pkgs tmp
  load_image "$name"
  hash=$(image_hash "$name")
  dir="$CACHE_DIR/$name/$hash"
  if [ -f "$dir/image.tar" ]; then
    log "$name: cached ($hash)"
    BUILT_TAR="$dir/image.tar"
    printf '%s\t%s\n' "$IMAGE_REF" "$BUILT_TAR"
    return
  fi
  log "$name: building ($hash)"
  local started=$SECONDS
  prepare
  tmp=$(mktemp -d "$CACHE_DIR/.build-$name.XXXXXX")
  BUILD_TMP=$tmp
  pkgs=$(IFS=,; echo "${PACKAGES[*]}")
  debian_rootfs "$SUITE" "$tmp/rootfs.tar" \
    ${pkgs:+--include="$pkgs"} "${MMDEBSTRAP_ARGS[@]}" \
    --essential-hook="$(users_hook)" --essential-hook="$ESSENTIAL_HOOK" \
    --customize-hook="'$IMAGES_DIR/build.sh' --customize '$name' \"\$1\""

  local tag=${IMAGE_REF##*:} layout="$tmp/layout" arg
  local -a config=(--config.user "$CONFIG_USER" --config.workingdir "$CONFIG_WORKDIR")
  for arg in "${CONFIG_ENV[@]}"; do config+=(--config.env "$arg"); done
  for arg in "${CONFIG_PORTS[@]}"; do config+=(--config.exposedports "$arg"); done
  for arg in "${CONFIG_ENTRYPOINT[@]}"; do config+=(--config.entrypoint "$arg"); done
  for arg in "${CONFIG_CMD[@]}"; do config+=(--config.cmd "$arg"); done
  [ -z "$CONFIG_STOPSIGNAL" ] || config+=(--config.stopsignal "$CONFIG_STOPSIGNAL")
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci raw add-layer --image "$layout:$tag" --history.created "$CREATED" \
    --history.created_by "testenv/images/build.sh $name" "$tmp/rootfs.tar"
  umoci config --image "$layout:$tag" --created "$CREATED" --history.created "$CREATED" \
    --author tradingdb-testenv --config.label "io.tradingdb.testenv.recipe=$name-$hash" "${config[@]}"
  umoci gc --layout "$layout"
  # containerd's import names the image from this annotation; the tag alone would need --base-name.
  jq --arg ref "$IMAGE_REF" '.manifests[0].annotations["io.containerd.image.name"] = $ref' \
    "$layout/index.json" > "$tmp/index.json" && mv "$tmp/index.json" "$layout/index.json"
  tar -C "$layout" --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner -cf "$tmp/image.tar" .
  mkdir -p "$dir"
  mv "$tmp/image.tar" "$dir/image.tar.part" && mv "$dir/image.tar.part" "$dir/image.tar"
  # Only the current build of each image is kept.
  find "$CACHE_DIR/$name" -mindepth 1 -maxdepth 1 ! -name "$hash" -exec rm -rf {} +
  rm -rf "$tmp"
  BUILD_TMP=""
  log "$name: built in $((SECONDS - started)) s, $(du -h "$dir/image.tar" | cut -f1)"
  BUILT_TAR="$dir/image.tar"
  printf '%s\t%s\n' "$IMAGE_REF" "$BUILT_TAR"
}

# Imports one image tar into containerd's k8s.io namespace and tags its aliases.
import_image() {
  local socket=$1 name=$2 tar=$3 alias
  load_image "$name"
  ctr --address "$socket" -n k8s.io images import "$tar" >&2
  for alias in "${IMAGE_ALIASES[@]}"; do
    ctr --address "$socket" -n k8s.io images tag --force "$IMAGE_REF" "$alias" >&2
  done
}

need_tools() {
  local missing=() tool
  for tool in mmdebstrap umoci jq; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

main() {
  local socket="" names=() name
  while [ $# -gt 0 ]; do
    case "$1" in
      --list) image_names; return ;;
      --customize) load_image "$2"; customize "$3"; return ;;
      --import) socket=$2; shift 2 ;;
      -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return ;;
      -*) die "unknown option $1" ;;
      *) names+=("$1"); shift ;;
    esac
  done
  [ ${#names[@]} -gt 0 ] || mapfile -t names < <(image_names)
  [ "$(id -u)" = 0 ] || die "run as root (mmdebstrap chroots into the rootfs)"
  need_tools
  mkdir -p "$CACHE_DIR"
  trap '[ -z "$BUILD_TMP" ] || rm -rf "$BUILD_TMP"' EXIT
  for name in "${names[@]}"; do
    build_image "$name"
    [ -z "$socket" ] || import_image "$socket" "$name" "$BUILT_TAR"
  done
}

main "$@"
