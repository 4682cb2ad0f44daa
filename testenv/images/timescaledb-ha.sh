# shellcheck shell=bash disable=SC2034  # a recipe sourced by build.sh, which reads these variables
# Stand-in for timescale/timescaledb-ha: PostgreSQL 17, Patroni 4 and pgBackRest from Debian 13,
# TimescaleDB built from the vendored source. User, paths and environment follow the real image's
# Dockerfile; testenv/README.md lists every difference.
IMAGE_REF=localhost/tradingdb/timescaledb-ha:pg17
SUITE=trixie
PG_MAJOR=17
# jq: the pgBackRest Jobs report their results with it (result.sh); the real image ships it too.
PACKAGES=("postgresql-$PG_MAJOR" patroni pgbackrest ca-certificates procps jq)
# The real image creates postgres (uid 1000) before installing anything.
USERS=("postgres:1000:1000:/home/postgres:/bin/bash")
# As the real image: installing the server creates no cluster (Patroni runs initdb).
# shellcheck disable=SC2016  # $1 is the root folder, expanded by mmdebstrap when it runs the hook
ESSENTIAL_HOOK='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/no-main-cluster.conf"'

TIMESCALEDB_VERSION=2.29.2
TIMESCALEDB_SHA256=0f987b8c6a0ef996502b779d9c75ff38cc5057e11c7d3a2e3e4748e3607c0589
TIMESCALEDB_TARBALL="${TRADINGDB_VENDOR_DIR:-$PROJECT_DIR/../shared/vendor}/timescaledb-$TIMESCALEDB_VERSION.tar.gz"
# Telemetry off at build time: nothing in the test cluster may reach a public address.
TIMESCALEDB_CMAKE="-DREGRESS_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DTAP_CHECKS=OFF -DUSE_TELEMETRY=OFF -DCMAKE_BUILD_TYPE=Release"
TIMESCALEDB_BUILD_PACKAGES=("postgresql-server-dev-$PG_MAJOR" cmake gcc make patch libssl-dev libkrb5-dev libicu-dev)
# Applied to the source before the build; each says why (the scheduler's jobs on PostgreSQL 17.12).
TIMESCALEDB_PATCHES="$PROJECT_DIR/testenv/patches/timescaledb"

PGROOT=/home/postgres
CONFIG_USER=postgres
CONFIG_WORKDIR=$PGROOT
CONFIG_ENV=(
  "PGROOT=$PGROOT"
  "PGDATA=$PGROOT/pgdata/data"
  "PGLOG=$PGROOT/pg_log"
  "PGSOCKET=$PGROOT/pgdata"
  "BACKUPROOT=$PGROOT/pgdata/backup"
  "PGBACKREST_CONFIG=$PGROOT/pgdata/backup/pgbackrest.conf"
  PGBACKREST_STANZA=poddb
  "PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  LC_ALL=C.UTF-8
  LANG=C.UTF-8
  PAGER=
)
# /var/run/postgresql (in /run) stays, as in the real image; customize clears the rest of /run.
MMDEBSTRAP_ARGS=(--skip=cleanup/run)
CONFIG_PORTS=(5432/tcp 8008/tcp 8081/tcp)
CONFIG_CMD=(patroni --version)
CONFIG_STOPSIGNAL=SIGINT

timescaledb_key() {
  { echo "$TIMESCALEDB_SHA256 $TIMESCALEDB_CMAKE ${TIMESCALEDB_BUILD_PACKAGES[*]} $SUITE"; sources "$SUITE"
    cat "$TIMESCALEDB_PATCHES"/*.patch; } \
    | sha256sum | cut -c1-16
}

timescaledb_install_tar() { echo "$CACHE_DIR/timescaledb/$(timescaledb_key)/install.tar"; }

inputs() { echo "timescaledb $(timescaledb_key)"; }

# TimescaleDB's files as `make install` puts them, built once per source hash in a throwaway rootfs.
prepare() {
  local out
  out=$(timescaledb_install_tar)
  [ -f "$out" ] && return
  [ -f "$TIMESCALEDB_TARBALL" ] || die "missing $TIMESCALEDB_TARBALL (set TRADINGDB_VENDOR_DIR to the folder holding it)"
  echo "$TIMESCALEDB_SHA256  $TIMESCALEDB_TARBALL" | sha256sum --check --quiet - \
    || die "$TIMESCALEDB_TARBALL does not have sha256 $TIMESCALEDB_SHA256"
  log "timescaledb: building $TIMESCALEDB_VERSION from source (about 6 min on 2 cores)"
  local pkgs build="/tmp/timescaledb-$TIMESCALEDB_VERSION"
  pkgs=$(IFS=,; echo "${TIMESCALEDB_BUILD_PACKAGES[*]}")
  mkdir -p "$(dirname "$out")"
  debian_rootfs "$SUITE" /dev/null --format=null --include="$pkgs" \
    --customize-hook="copy-in '$TIMESCALEDB_TARBALL' /tmp" \
    --customize-hook="mkdir -p \"\$1/tmp/patches\"" \
    --customize-hook="sync-in '$TIMESCALEDB_PATCHES' /tmp/patches" \
    --customize-hook="chroot \"\$1\" sh -ec 'cd /tmp && tar xzf $(basename "$TIMESCALEDB_TARBALL") && cd $build \
        && for p in /tmp/patches/*.patch; do patch -p1 --quiet --forward < \$p; done \
        && ./bootstrap $TIMESCALEDB_CMAKE -DPG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config >/dev/null \
        && nice -n 10 make -C build -j2 >/dev/null && make -C build install DESTDIR=/tmp/out >/dev/null \
        && tar -C /tmp/out -cf /tmp/install.tar .'" \
    --customize-hook="copy-out /tmp/install.tar '$(dirname "$out")'"
}

customize() {
  local root=$1 pg=/usr/lib/postgresql/$PG_MAJOR
  tar -C "$root" -xf "$(timescaledb_install_tar)"
  # As the real image: every new cluster preloads TimescaleDB and listens on all addresses.
  for sample in "$root"/usr/share/postgresql/*/postgresql.conf.sample; do
    sed -r -i "s/[#]*\s*(shared_preload_libraries)\s*=\s*'(.*)'/\1 = 'timescaledb,\2'/;s/,'/'/" "$sample"
    echo "listen_addresses = '*'" >> "$sample"
  done
  # Inside the chroot, so that links such as /var/run -> /run resolve in the rootfs, not on this machine.
  find "$root/run" -mindepth 1 -maxdepth 1 ! -name lock -exec rm -rf {} +
  chroot "$root" sh -ec "
    install -o postgres -g postgres -m 0750 -d $PGROOT/pg_log $PGROOT/pgdata/data $PGROOT/pgdata/backup /var/lib/postgresql
    chown -R postgres:postgres $PGROOT
    chmod 755 $PGROOT
    install -o postgres -g postgres -m 1777 -d /var/run/postgresql
    rm -f /etc/pgbackrest.conf
    ln -s $PGROOT/pgdata/backup/pgbackrest.conf /etc/pgbackrest.conf
    chown -R postgres:postgres /var/log/pgbackrest /var/lib/pgbackrest /var/spool/pgbackrest"
  test -x "$root$pg/bin/postgres" && test -f "$root$pg/lib/timescaledb-$TIMESCALEDB_VERSION.so"
}
