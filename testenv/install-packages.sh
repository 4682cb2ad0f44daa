#!/usr/bin/env bash
# Installs the Debian packages the tests run for real: PostgreSQL and its client tools, pgBouncer,
# pgBackRest, Patroni (config validation), postgres_exporter, Prometheus (and promtool), Alertmanager,
# the AWS CLI and rclone (backup copies), compressors; and the real node: containerd, runc, the CNI
# plugins, iptables and conntrack (kube-proxy), socat (pods reach the API server), e2fsprogs and xfsprogs
# (its volumes are loop-mounted images grown online), gcc and umoci
# (pause image), busybox-static (a toolbox image), mmdebstrap (the stand-in images); the server
# headers, cmake, patch and the SSL and Kerberos headers that build-timescaledb.sh builds TimescaleDB with.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

PACKAGES=(
  postgresql postgresql-client
  pgbouncer pgbackrest patroni
  prometheus-postgres-exporter prometheus prometheus-alertmanager
  awscli rclone jq zstd lz4 gzip pigz openssl procps util-linux
  containerd runc containernetworking-plugins iptables conntrack iproute2 socat e2fsprogs xfsprogs gcc libc6-dev umoci busybox-static
  mmdebstrap shellcheck
  postgresql-server-dev-15 cmake make patch libssl-dev libkrb5-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # policy-rc.d keeps the packages' own services (postgresql, pgbouncer, prometheus) from starting.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
