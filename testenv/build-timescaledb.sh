#!/usr/bin/env bash
# Builds, or reuses from the cache, TimescaleDB for the host's PostgreSQL and installs it into that
# PostgreSQL (postgres.sh preloads it). The full build, tsl/ included: retention and compression
# policies live in the Timescale-licensed part, the Apache-only build has none.
#
# Source: ${TRADINGDB_VENDOR:-../shared/vendor}/timescaledb-<version>.tar.gz, checked against its
# sha256 (vendor/README.md). Cache: ${TRADINGDB_CACHE:-~/.cache/tradingdb-operator}/timescaledb/
# <version>-pg<major>-<key>/ (key: the tarball's sha256 and the patches), the files of `make install`
# under their absolute paths. A second run only copies them (seconds). Concurrent runs wait for each
# other. testenv/patches/timescaledb/*.patch are applied to the source first (each says why).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${TRADINGDB_CACHE:-$HOME/.cache/tradingdb-operator}
# CI keeps the vendored sources at ../shared/vendor from the project's root; a git worktree one level deeper.
VENDOR=${TRADINGDB_VENDOR:-$(for d in "$HERE/../../shared/vendor" "$HERE/../../../shared/vendor"; do
  [ -d "$d" ] && { cd "$d" && pwd; break; }; done)}
VERSION=2.28.3
SHA256=c80abd42995a317d9c046da6499a7a6e63c58e188124a2f20580f7c82fa4b801
PG_CONFIG=${TRADINGDB_PG_CONFIG:-$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_config | sort -V | tail -1)}

log() { printf '[build-timescaledb] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -x "$PG_CONFIG" ] || die "pg_config not found: install postgresql-server-dev-<major> (install-packages.sh)"
TARBALL=$VENDOR/timescaledb-$VERSION.tar.gz
[ -f "$TARBALL" ] || die "$TARBALL missing (vendor/README.md)"
echo "$SHA256  $TARBALL" | sha256sum -c --quiet - || die "$TARBALL does not match its sha256"

PG_MAJOR=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
PATCHES=("$HERE"/patches/timescaledb/*.patch)
KEY=$({ echo "$SHA256"; cat "${PATCHES[@]}"; } | sha256sum | cut -c1-16)
DEST=$CACHE/timescaledb/$VERSION-pg$PG_MAJOR-$KEY
mkdir -p "$CACHE/timescaledb"
exec 8>"$CACHE/timescaledb/.lock"
flock 8

if [ ! -f "$DEST/.done" ]; then
  log "building TimescaleDB $VERSION for PostgreSQL $PG_MAJOR (full build with tsl/, a few minutes)"
  work=$(mktemp -d "$CACHE/timescaledb/.build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$TARBALL" -C "$work"
  (
    cd "$work/timescaledb-$VERSION"
    for p in "${PATCHES[@]}"; do patch -p1 --quiet --forward <"$p" || { log "$p does not apply"; exit 1; }; done
    ./bootstrap -DPG_CONFIG="$PG_CONFIG" -DREGRESS_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DTAP_CHECKS=OFF \
      -DCMAKE_BUILD_TYPE=Release >"$work/bootstrap.log" 2>&1 || { tail -30 "$work/bootstrap.log" >&2; exit 1; }
    nice -n 10 make -C build -j"${TRADINGDB_MAKE_JOBS:-2}" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
    make -C build install DESTDIR="$work/root" >"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; exit 1; }
  )
  rm -rf "$DEST"
  mv "$work/root" "$DEST"
  touch "$DEST/.done"
  log "cached in $DEST"
fi

# Install into the host's PostgreSQL: extensions must sit in its own lib and share folders. Each
# changed file is replaced by a rename, never rewritten in place: other servers on this machine may
# have the old library mapped.
changed=0
while IFS= read -r -d '' f; do
  if ! cmp -s "$DEST/$f" "/$f"; then
    mkdir -p "$(dirname "/$f")"
    cp -a "$DEST/$f" "/$f.tdb-new.$$" && mv -f "/$f.tdb-new.$$" "/$f"
    changed=$((changed + 1))
  fi
done < <(cd "$DEST" && find usr \( -type f -o -type l \) -print0)
[ "$changed" = 0 ] || log "installed TimescaleDB $VERSION ($KEY, $changed files) into $("$PG_CONFIG" --pkglibdir)"
echo "TIMESCALEDB_VERSION=$VERSION"
