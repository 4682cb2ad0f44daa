# shellcheck shell=bash disable=SC2034  # a recipe sourced by build.sh, which reads these variables
# Stand-in for quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2, which the pooler's exporter
# sidecar names itself (PoolerExporterSidecar.IMAGE): Debian 13 packages that same version.
IMAGE_REF=localhost/tradingdb/pgbouncer-exporter:0.10
# The sidecar's image is not configurable, so the stand-in is also imported under its name.
IMAGE_ALIASES=(quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2)
SUITE=trixie
PACKAGES=(prometheus-pgbouncer-exporter ca-certificates)
CONFIG_USER=65534:65534
CONFIG_ENTRYPOINT=(/bin/pgbouncer_exporter)
CONFIG_PORTS=(9127/tcp)

customize() {
  ln -s /usr/bin/prometheus-pgbouncer-exporter "$1/usr/bin/pgbouncer_exporter"
}
