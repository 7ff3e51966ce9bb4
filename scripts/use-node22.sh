#!/usr/bin/env bash
# Node.js 22 LTS (what production runs, see the README's requirements) for this shell or for one command. A machine
# whose `node` is 22 or newer keeps it; an older one gets the official Node.js build the npm registry serves as a
# package (node-<os>-<arch>@22: bin/node and its C headers under include/node), cached in
# ~/.cache/calibr-node/<version> and reused from there. It goes first on PATH, and node-gyp builds native modules
# (better-sqlite3) against its headers (npm_config_nodedir), so nothing is fetched from anywhere but the registry.
#
#   source scripts/use-node22.sh        # this shell (what .ci/run does)
#   scripts/use-node22.sh npm test      # one command
#
# CALIBR_NODE_VERSION: another build (a version such as 22.23.5, or a major such as 24; default 22, the newest 22.x).
# CALIBR_NODE_CACHE: the cache folder (default ${XDG_CACHE_HOME:-~/.cache}/calibr-node).

calibr_use_node22() {
  local wanted="${CALIBR_NODE_VERSION:-22}"
  local wanted_major="${wanted%%.*}"
  local current
  current="$(node -p 'process.versions.node' 2>/dev/null || true)"
  if [ -z "${CALIBR_NODE_VERSION:-}" ] && [ -n "$current" ] && [ "${current%%.*}" -ge 22 ]; then
    echo "[node] using this machine's Node.js v$current" >&2
    return 0
  fi

  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "[node] no Node.js build package for $(uname -s); install Node.js $wanted_major yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "[node] no Node.js build package for $(uname -m); install Node.js $wanted_major yourself" >&2; return 1 ;;
  esac
  local package="node-$os-$arch"
  local cache="${CALIBR_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/calibr-node}"

  # The exact version: as given, else the newest the registry has for the major, else (offline) the newest cached.
  local version=""
  if [[ "$wanted" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    version="$wanted"
  else
    version="$(npm view "$package@$wanted" version --json 2>/dev/null |
      node -e '
        let s = "";
        process.stdin.on("data", (c) => (s += c)).on("end", () => {
          const parts = (v) => v.split(".").map(Number);
          const newer = (a, b) => { const [x, y] = [parts(a), parts(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; };
          let versions = [];
          try { versions = [].concat(JSON.parse(s)).filter((v) => /^\d+\.\d+\.\d+$/.test(v)); } catch { /* no answer */ }
          console.log(versions.sort(newer).pop() ?? "");
        });' 2>/dev/null || true)"
    if [ -z "$version" ]; then
      version="$(ls -1 "$cache" 2>/dev/null | grep -E "^$wanted_major\.[0-9]+\.[0-9]+$" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n1 || true)"
      [ -n "$version" ] && echo "[node] the registry did not answer; using the cached Node.js $version" >&2
    fi
  fi
  if [ -z "$version" ]; then
    echo "[node] could not find $package@$wanted on the npm registry, nor a cached one in $cache" >&2
    return 1
  fi

  local dir="$cache/$version"
  if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node.h" ]; then
    echo "[node] fetching $package@$version from the npm registry into $dir" >&2
    mkdir -p "$cache" || return 1
    local tmp
    tmp="$(mktemp -d "$cache/.fetch-XXXXXX")" || return 1
    # npm pack checks the tarball against the registry's integrity hash; unpack beside the cache, then move in whole,
    # so a run that stops halfway leaves no half-unpacked Node behind.
    if ! (cd "$tmp" && npm pack "$package@$version" --silent >/dev/null) ||
      ! mkdir "$tmp/node" ||
      ! tar -xzf "$tmp/$package-$version.tgz" -C "$tmp/node" --strip-components=1 ||
      ! "$tmp/node/bin/node" --version >/dev/null; then
      echo "[node] could not fetch or run $package@$version" >&2
      rm -rf "$tmp"
      return 1
    fi
    # Another run may have finished the same version meanwhile: keep the one in place.
    [ -x "$dir/bin/node" ] || { rm -rf "$dir" && mv "$tmp/node" "$dir"; } || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
  fi

  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
  hash -r 2>/dev/null || true
  echo "[node] using Node.js $(node --version) from $dir (node-gyp headers: $npm_config_nodedir/include/node)" >&2
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: change this shell; report failure without closing it.
  calibr_use_node22
else
  set -euo pipefail
  calibr_use_node22
  if [ "$#" -gt 0 ]; then exec "$@"; fi
  echo "usage: source scripts/use-node22.sh | scripts/use-node22.sh <command…>" >&2
fi
