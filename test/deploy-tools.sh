#!/usr/bin/env bash
# Tools the tests need beyond the engine: strace for the write-path tests, and for the export and
# deploy tests, from the distribution's packages when missing: a
# registry server for `dev deploy swarm` (docker-registry) and kubectl for `kubectl kustomize`.
set -euo pipefail
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
# strace injects SIGKILL at each rename in the write-path tests.
command -v strace >/dev/null 2>&1 || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
