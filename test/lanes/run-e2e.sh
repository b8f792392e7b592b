#!/usr/bin/env bash
# The end-to-end suite on each lane, one lane after the other (each file runs whole stacks; two
# lanes at once on a small machine would make every timing a guess):
#   debian12  the machine's engine (Debian 12: Docker 20.10, docker-compose v1.29, no BuildKit)
#   current   Debian 13's Engine 26.1 + compose v2.26 + BuildKit, unpacked and started beside it
#             (test/images/current-engine.sh)
# Each lane's tests run as the vitest project `e2e:<lane>`, so every line of the output names it.
# E2E_LANES picks lanes ("current"); arguments go to vitest (files, -t ...).
# A failing lane does not stop the next one; the exit code is non-zero if any failed, and the
# failed tests are listed again, with their errors' first lines, after the last lane.
# Without arguments the current lane runs the files listed in test/lanes/current-files.txt: those
# run and passing on compose v2 so far; the others join it as they are verified there.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
summary=()
failures=()
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
for lane in ${E2E_LANES:-debian12 current}; do
  start=$(date +%s)
  case $lane in
    debian12)
      (unset DOCKER_HOST DOCKER_CONFIG; E2E_LANE=debian12 npx vitest run --project e2e:debian12 \
        --reporter=default --reporter=json --outputFile.json="$reports/debian12.json" "$@") ;;
    current)
      (bash test/images/current-engine.sh && eval "$(bash test/images/current-engine.sh env)" \
        && { [ $# -gt 0 ] || set -- $(grep -v '^#' test/lanes/current-files.txt); } \
        && npx vitest run --project e2e:current \
          --reporter=default --reporter=json --outputFile.json="$reports/current.json" "$@") ;;
    *) echo "unknown lane $lane (debian12, current)" >&2; false ;;
  esac
  code=$?
  [ $code -eq 0 ] || { status=1; failures+=("$(node test/lanes/failed-tests.mjs "$reports/$lane.json" "$lane")"); }
  summary+=("lane $lane: e2e $([ $code -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s")
done
# The failures again at the very end: a CI log is often read from its tail.
[ ${#failures[@]} -eq 0 ] || printf '%s\n' "${failures[@]}"
printf '%s\n' "${summary[@]}"
exit $status
