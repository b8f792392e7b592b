#!/usr/bin/env bash
# Builds the local images the end-to-end tests run on. Nothing is pulled from a registry: one Debian
# root filesystem is made with debootstrap and imported, and small Dockerfiles on top of it honour the
# contracts of the official images the presets name (postgres, redis, nginx, python, node, rabbitmq,
# caddy).
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

# A second root filesystem for the other languages and brokers (Node, Django, RabbitMQ). It records
# its package list in a label, so a changed list rebuilds it, and only it.
extras="$prefix/base-extras:bookworm"
extras_packages=nodejs,npm,node-express,python3-django,python3-psycopg2,python3-pika,python3-pip,rabbitmq-server,curl,ca-certificates,procps
extras_built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-packages" }}' "$extras" 2>/dev/null || true)
if [ "${REBUILD:-0}" = 1 ] || [ "$extras_built" != "$extras_packages" ]; then
  root=$(mktemp -d); log=$(mktemp)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap: building $extras (a few minutes)"
  # debootstrap's own resolver trips over long dependency chains (npm's); apt inside the new root
  # does not. No service is started while installing (policy-rc.d).
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
  { chroot "$root" apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends $(echo "$extras_packages" | tr , ' '); } >>"$log" 2>&1 \
    || { tail -30 "$log" >&2; exit 1; }
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change "LABEL create-stack.test-packages=$extras_packages" - "$extras" >/dev/null
  rm -rf "$root" "$log"
fi

# Each image records a hash of its build folder, so a changed Dockerfile is rebuilt on machines
# that already have an older image.
build_image() {
  local name=$1 from=$2
  local image="$prefix/$name:latest"
  local hash built
  hash=$( (cd "$here/$name" && cat $(ls | sort); echo "$from"; docker image inspect -f '{{.Id}}' "$from") | sha256sum | cut -c1-16)
  built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-image" }}' "$image" 2>/dev/null || true)
  if [ "${REBUILD:-0}" = 1 ] || [ "$built" != "$hash" ]; then
    echo "building $image"
    docker build -q --build-arg BASE="$from" --label "create-stack.test-image=$hash" -t "$image" "$here/$name" >/dev/null
  fi
}
for name in postgres redis python; do
  image="$prefix/$name:latest"
  hash=$(cd "$here/$name" && cat $(ls | sort) | sha256sum | cut -c1-16)
  built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-image" }}' "$image" 2>/dev/null || true)
  if [ "${REBUILD:-0}" = 1 ] || [ "$built" != "$hash" ]; then
    echo "building $image"
    docker build -q --build-arg BASE="$base" --label "create-stack.test-image=$hash" -t "$image" "$here/$name" >/dev/null
  fi
done
for name in node python-extras rabbitmq; do build_image "$name" "$extras"; done

# nginx: the base's nginx plus Debian's njs module (the official image ships njs too), fetched on the
# host (apt-get download) into a copy of the build folder; the Traefik preset's socket proxy uses it.
nginx_image="$prefix/nginx:latest"
njs_version=$(apt-cache policy libnginx-mod-http-js 2>/dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$njs_version" ] && [ "$njs_version" != "(none)" ] || { apt-get update -qq >/dev/null && njs_version=$(apt-cache policy libnginx-mod-http-js | sed -n 's/^ *Candidate: //p'); }
nginx_hash=$( (cd "$here/nginx" && cat $(ls | sort); echo "$njs_version"; docker image inspect -f '{{.Id}}' "$base") | sha256sum | cut -c1-16)
nginx_built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-image" }}' "$nginx_image" 2>/dev/null || true)
if [ "${REBUILD:-0}" = 1 ] || [ "$nginx_built" != "$nginx_hash" ]; then
  echo "building $nginx_image (njs $njs_version)"
  ctx=$(mktemp -d)
  cp -a "$here/nginx/." "$ctx/"
  (cd "$ctx" && apt-get download -qq "libnginx-mod-http-js=$njs_version" 2>/dev/null && mv libnginx-mod-http-js_*.deb njs.deb)
  docker build -q --build-arg BASE="$base" --label "create-stack.test-image=$nginx_hash" -t "$nginx_image" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# Caddy: Debian's package, fetched on the host (apt-get download) into a copy of the build folder.
# The image records the folder's hash and the package's version, so either changing rebuilds it.
caddy_image="$prefix/caddy:latest"
caddy_version=$(apt-cache policy caddy 2>/dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$caddy_version" ] && [ "$caddy_version" != "(none)" ] || { apt-get update -qq >/dev/null && caddy_version=$(apt-cache policy caddy | sed -n 's/^ *Candidate: //p'); }
caddy_hash=$( (cd "$here/caddy" && cat $(ls | sort); echo "$caddy_version"; docker image inspect -f '{{.Id}}' "$base") | sha256sum | cut -c1-16)
caddy_built=$(docker image inspect -f '{{ index .Config.Labels "create-stack.test-image" }}' "$caddy_image" 2>/dev/null || true)
if [ "${REBUILD:-0}" = 1 ] || [ "$caddy_built" != "$caddy_hash" ]; then
  echo "building $caddy_image (caddy $caddy_version)"
  ctx=$(mktemp -d)
  cp -a "$here/caddy/." "$ctx/"
  (cd "$ctx" && apt-get download -qq "caddy=$caddy_version" 2>/dev/null && mv caddy_*.deb caddy.deb)
  docker build -q --build-arg BASE="$base" --label "create-stack.test-image=$caddy_hash" -t "$caddy_image" "$ctx" >/dev/null
  rm -rf "$ctx"
fi
docker image ls "$prefix/*" --format '{{.Repository}}:{{.Tag}} {{.Size}}'
