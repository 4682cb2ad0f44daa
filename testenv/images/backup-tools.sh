# shellcheck shell=bash disable=SC2034  # a recipe sourced by build.sh, which reads these variables
# Stand-in for ghcr.io/tradingdb/backup-tools (src/main/docker/backup-tools/Dockerfile): the
# Dockerfile's own package list on Debian 13, whose PostgreSQL 17 client takes the place of the
# postgres:16 base image's (pg_dump must not be older than the server it dumps).
IMAGE_REF=localhost/tradingdb/backup-tools:pg17
SUITE=trixie
PG_MAJOR=17
BACKUP_DOCKERFILE="$PROJECT_DIR/src/main/docker/backup-tools/Dockerfile"
mapfile -t PACKAGES < <(sed -n 's/.*apt-get install -y --no-install-recommends \([^&\\]*\).*/\1/p' "$BACKUP_DOCKERFILE" | tr ' ' '\n' | grep .)
# What the postgres image brings besides bash, coreutils and gzip (all Essential in Debian).
PACKAGES+=("postgresql-client-$PG_MAJOR" mawk procps)
# The postgres user of the official PostgreSQL images, which the backup Jobs run as.
USERS=("postgres:999:999:/var/lib/postgresql:/bin/bash")
CONFIG_USER=999:999
CONFIG_WORKDIR=/var/lib/postgresql
CONFIG_ENV=(
  "PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  LANG=C.UTF-8
)
CONFIG_CMD=(/bin/bash)

inputs() { printf '%s\n' "${PACKAGES[@]}"; }

customize() {
  test -x "$1/usr/lib/postgresql/$PG_MAJOR/bin/pg_dump"
}
