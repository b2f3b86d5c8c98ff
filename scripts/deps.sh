#!/usr/bin/env bash
# Installs the Debian packages podpilot builds against, only when one is missing.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libncurses-dev libcurl4-openssl-dev libssl-dev
      libcjson-dev libyaml-dev libcmocka-dev tzdata tmux ncurses-term groff-base valgrind
      openssl curl python3-kubernetes clang prometheus nginx-light hey wrk
      python3-prometheus-client)

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "podpilot: installing missing build dependencies: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "podpilot: not root and no sudo; install these by hand: ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}"
