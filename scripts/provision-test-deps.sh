#!/usr/bin/env bash
# What the test suite needs beyond npm packages, installed from Debian's packages when missing, so that
# `npm test` works on a fresh machine (npm runs this as `pretest`). Today: Chromium, which the explorer's
# browser test drives with playwright-core (Playwright's own browser download is not used);
# redis-server, which the proving queue's tests start on a loopback port of their own; and python3,
# whose standard library (struct, json) is the independent reader of the exported safetensors files.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "the tests need Debian's ${missing[*]}: run  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing Debian's ${missing[*]} for the tests"
$SUDO apt-get update -qq </dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" </dev/null
