#!/usr/bin/env bash
# The "current" test lane: Docker Engine 26.1, containerd 1.7, compose v2.26 (the CLI plugin, with
# BuildKit) and buildx 0.13, as Debian 13 ships them, on a Debian 12 machine, without a system
# upgrade and without touching the machine's engine on /var/run/docker.sock.
#
#   bash test/images/current-engine.sh        unpack (once), start (unless running), copy the test images
#   bash test/images/current-engine.sh env    print the lane's environment (eval "$(...)")
#   bash test/images/current-engine.sh stop   stop the lane's engine (its images stay for next time)
#
# How: apt reads Debian 13's package list with a sources list, state and cache of its own (the
# system's apt sees nothing of it), `apt-get download`s the packages and `dpkg -x` unpacks them
# into a cache folder, reused afterwards. Debian 13's runc needs glibc 2.38, so it is not fetched:
# the system's runc (`runc` on PATH) runs the containers. dockerd runs with its own data root, exec
# root, pid file, socket and containerd (the one it supervises, from the unpacked tree), and a
# default bridge and address pool of its own under 10.N.0.0/16 that no route of the host uses.
# Its iptables management is off: its bridge driver would rewrite the DOCKER chains the machine's
# engine keeps its published ports in; ports are published by its docker-proxy instead, and one
# ACCEPT rule lets its bridged containers reach each other.
# The compose and buildx plugins are found through DOCKER_CONFIG/cli-plugins; `docker` and
# `docker-compose` (the v2 binary, as Debian 13 links it) come first on the lane's PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CURRENT_ENGINE_CACHE:-/var/cache/create-stack/current-engine}
state=${CURRENT_ENGINE_STATE:-/var/lib/create-stack/current-engine}
# Short: unix socket paths (containerd's under the exec root) are limited to 107 bytes.
run=${CURRENT_ENGINE_RUN:-/run/cs-current}
suite=${CURRENT_ENGINE_SUITE:-trixie}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=(docker.io docker-cli containerd docker-compose docker-buildx tini)
prefix=${TEST_IMAGE_PREFIX:-create-stack-test}
bridge=cs-current0

root=$cache/root
bin=$cache/bin
config=$cache/docker-config
sock=$run/docker.sock

lane_env() {
  echo "export DOCKER_HOST=unix://$sock"
  echo "export DOCKER_CONFIG=$config"
  echo "export PATH=$bin:\$PATH"
  echo "export E2E_LANE=current"
}

case "${1:-up}" in
  env) lane_env; exit 0 ;;
  stop)
    if [ -f "$run/docker.pid" ] && kill -0 "$(cat "$run/docker.pid")" 2>/dev/null; then
      pid=$(cat "$run/docker.pid"); kill "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    exit 0 ;;
  up) ;;
  *) echo "usage: $0 [up|env|stop]" >&2; exit 2 ;;
esac

# 1. Unpack Debian 13's packages once (about 90 MB of downloads).
if [ ! -x "$root/usr/sbin/dockerd" ] || [ ! -x "$root/usr/libexec/docker/cli-plugins/docker-compose" ]; then
  echo "current lane: fetching ${packages[*]} from Debian $suite (no system upgrade)"
  apt=$cache/apt
  mkdir -p "$apt/etc" "$apt/state/lists/partial" "$apt/cache/archives/partial" "$cache/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$apt/etc/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
        -o APT::Sandbox::User=root -qq)
  apt-get "${opts[@]}" update
  (cd "$cache/debs" && rm -f ./*.deb && apt-get "${opts[@]}" download "${packages[@]}")
  rm -rf "$root.tmp" && mkdir -p "$root.tmp"
  for deb in "$cache/debs"/*.deb; do dpkg -x "$deb" "$root.tmp"; done
  rm -rf "$root" && mv "$root.tmp" "$root"
fi

# The lane's PATH and plugin folder: links into the unpacked tree.
mkdir -p "$bin" "$config/cli-plugins"
for f in usr/bin/docker usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
  ln -sfn "$root/$f" "$bin/$(basename "$f")"
done
ln -sfn "$root/usr/bin/tini-static" "$bin/docker-init"
ln -sfn "$root/usr/libexec/docker/cli-plugins/docker-compose" "$bin/docker-compose"
for p in docker-compose docker-buildx; do ln -sfn "$root/usr/libexec/docker/cli-plugins/$p" "$config/cli-plugins/$p"; done
[ -f "$config/config.json" ] || echo '{}' >"$config/config.json"

export DOCKER_HOST=unix://$sock DOCKER_CONFIG=$config PATH=$bin:$PATH
answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# 2. Start it unless it answers already.
if ! answers; then
  mkdir -p "$state" "$run"
  # The address pool: a /16 no route of the host overlaps, kept for as long as the bridge exists.
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    routes=$(ip -4 route show table all)
    second=
    for n in $(seq 250 -1 200); do
      if ! grep -Eq "(^|[[:space:]])10\.$n\.[0-9]+\.[0-9]+" <<<"$routes"; then second=$n; break; fi
    done
    [ -n "$second" ] || { echo "current lane: no free /16 between 10.200.0.0 and 10.250.0.0 on this host" >&2; exit 1; }
    ip link add name "$bridge" type bridge
    ip addr add "10.$second.255.1/24" dev "$bridge"
    ip link set "$bridge" up
  fi
  second=$(ip -4 -o addr show dev "$bridge" | sed -E 's/.* inet 10\.([0-9]+)\..*/\1/')
  pool=10.$second.0.0/16
  # Bridged packets pass the host's FORWARD chain (br_netfilter), whose policy the machine's engine
  # sets to DROP: one ACCEPT for the pool, in DOCKER-USER when there is one.
  chain=FORWARD; iptables -S DOCKER-USER >/dev/null 2>&1 && chain=DOCKER-USER
  rule=(-s "$pool" -d "$pool" -m comment --comment create-stack-current-lane -j ACCEPT)
  iptables -C "$chain" "${rule[@]}" 2>/dev/null || iptables -I "$chain" "${rule[@]}"
  # A dockerd that starts with address pools and finds networks of an earlier run removes the
  # interface named docker0 (the machine's engine's): start from no networks each time, and remove
  # the containers that used them (this engine only ever runs the tests' containers).
  rm -rf "$state/data/network"
  rm -f "$sock"
  log=$state/dockerd.log
  nohup dockerd \
    -H "unix://$sock" \
    --data-root "$state/data" \
    --exec-root "$run/exec" \
    --pidfile "$run/docker.pid" \
    --bridge "$bridge" \
    --default-address-pool "base=10.$second.0.0/17,size=24" \
    --iptables=false --ip-masq=false \
    --userland-proxy-path "$root/usr/sbin/docker-proxy" \
    --init-path "$root/usr/bin/tini-static" \
    >"$log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do answers && break; sleep 0.5; done
  answers || { echo "current lane: dockerd did not answer; its log ends:" >&2; tail -20 "$log" >&2; exit 1; }
  left=$(docker ps -aq)
  [ -z "$left" ] || docker rm -f -v $left >/dev/null
fi

# 3. The test images, copied from the machine's engine (no registry): only those it lacks or that
# changed there (an image's id is the same on both sides after save | load).
copy=()
# The Debian roots they are built from stay behind: tests only run the images.
main() { env -u DOCKER_HOST -u DOCKER_CONFIG docker "$@"; }
for image in $(main image ls "$prefix/*" --format '{{.Repository}}:{{.Tag}}' | grep -v "^$prefix/base"); do
  want=$(main image inspect -f '{{.Id}}' "$image")
  have=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  [ "$want" = "$have" ] || copy+=("$image")
done
if [ ${#copy[@]} -gt 0 ]; then
  echo "current lane: copying ${copy[*]}"
  main save "${copy[@]}" | docker load -q >/dev/null
fi
docker version --format 'current lane: engine {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}'
echo "current lane: $(docker compose version), $(docker buildx version | cut -d' ' -f1-2)"
