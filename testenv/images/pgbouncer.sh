# shellcheck shell=bash disable=SC2034  # a recipe sourced by build.sh, which reads these variables
# Stand-in for CloudNativePG's pgBouncer image (ClusterModel.DEFAULT_POOLER_IMAGE): Debian 13's
# pgBouncer 1.24, run as the uid/gid the operator's pooler pods use (PoolerDeployment).
IMAGE_REF=localhost/tradingdb/pgbouncer:1.24
SUITE=trixie
PACKAGES=(pgbouncer ca-certificates)
USERS=("pgbouncer:998:996:/var/lib/pgbouncer:/bin/sh")
CONFIG_USER=998:996
CONFIG_WORKDIR=/var/lib/pgbouncer
CONFIG_ENTRYPOINT=(/usr/bin/pgbouncer)
CONFIG_CMD=(/etc/pgbouncer/pgbouncer.ini)
CONFIG_PORTS=(6432/tcp)

customize() {
  # Debian installs it in /usr/sbin; the pooler's run script (and PoolerSpec's doc) expect /usr/bin.
  ln -s ../sbin/pgbouncer "$1/usr/bin/pgbouncer"
}
