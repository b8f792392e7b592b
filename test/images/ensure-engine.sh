#!/usr/bin/env bash
# Makes sure a Docker engine and a compose CLI (and strace, for the write-path tests) are
# available: installs them from the distribution's packages when missing and starts dockerd in
# the background when it is not answering.
set -euo pipefail

need_install=()
# A docker client alone (no dockerd) is not an engine: install the distribution's engine then.
command -v dockerd >/dev/null 2>&1 || need_install+=(docker.io)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  need_install+=(docker-compose)
fi
command -v debootstrap >/dev/null 2>&1 || need_install+=(debootstrap)
# The write-path tests kill commands at each rename with strace's fault injection.
command -v strace >/dev/null 2>&1 || need_install+=(strace)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "installing: ${need_install[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  log=${DOCKERD_LOG:-/var/log/dockerd.log}
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see $log" >&2; tail -20 "$log" >&2; exit 1; }
fi
docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}})'
