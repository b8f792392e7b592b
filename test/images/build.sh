#!/usr/bin/env bash
# Builds the local images the end-to-end tests run on. Nothing is pulled from a registry: one Debian
# root filesystem is made with debootstrap and imported, and small Dockerfiles on top of it honour the
# contracts of the official images the presets name (postgres, redis, nginx, python).
# Images already present are reused; set REBUILD=1 to build them again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${TEST_IMAGE_PREFIX:-create-stack-test}
base="$prefix/base:bookworm"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

have() { docker image inspect "$1" >/dev/null 2>&1; }

if [ "${REBUILD:-0}" = 1 ] || ! have "$base"; then
  root=$(mktemp -d); log=$(mktemp)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap: building $base (about 2 minutes)"
  debootstrap --variant=minbase \
    --include=postgresql,redis-server,nginx-light,python3-celery,python3-redis,python3-fastapi,python3-uvicorn,python3-pip,postgresql-client,redis-tools,curl,ca-certificates,procps \
    bookworm "$root" "$mirror" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - "$base" >/dev/null
  rm -f "$log"
fi

# Each image records a hash of its build folder, so a changed Dockerfile is rebuilt on machines
# that already have an older image.
for name in postgres redis nginx python; do
  image="$prefix/$name:latest"
  hash=$(cd "$here/$name" && cat $(ls | sort) | sha256sum | cut -c1-16)
  built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-image" }}' "$image" 2>/dev/null || true)
  if [ "${REBUILD:-0}" = 1 ] || [ "$built" != "$hash" ]; then
    echo "building $image"
    docker build -q --build-arg BASE="$base" --label "create-stack.test-image=$hash" -t "$image" "$here/$name" >/dev/null
  fi
done
docker image ls "$prefix/*" --format '{{.Repository}}:{{.Tag}} {{.Size}}'
