# shellcheck shell=bash disable=SC2034  # a recipe sourced by build.sh, which reads these variables
# Stand-in for quay.io/prometheuscommunity/postgres-exporter (the exporter sidecar's default):
# Debian 13's postgres_exporter. The sidecar passes only arguments, so the entrypoint is the binary.
IMAGE_REF=localhost/tradingdb/postgres-exporter:0.17
SUITE=trixie
PACKAGES=(prometheus-postgres-exporter ca-certificates)
CONFIG_USER=65534:65534
CONFIG_ENTRYPOINT=(/bin/postgres_exporter)
CONFIG_PORTS=(9187/tcp)

customize() {
  # The upstream image's path for the binary.
  ln -s /usr/bin/prometheus-postgres-exporter "$1/usr/bin/postgres_exporter"
}
