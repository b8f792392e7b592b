#!/usr/bin/env bash
# Tools the export and deploy tests need, from the distribution's packages when missing: a
# registry server for `dev deploy swarm` (docker-registry) and kubectl for `kubectl kustomize`.
set -euo pipefail
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
