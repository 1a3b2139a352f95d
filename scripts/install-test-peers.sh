#!/usr/bin/env bash
# Installs, with Debian's apt, the real peers the test suite talks to, when they are missing:
# nats-server 2.9.10 (the reference and interop peer), Go with the nats.go/nkeys/jwt sources (Go
# clients are built offline at test time), the C client (libnats-dev, gcc), Node.js with npm (the
# JavaScript clients are installed at test time), openssl (pinned_certs key ids) and chromium
# (the monitoring dashboard test), clang and zlib1g-dev (the NativeAOT link of the release binary),
# iproute2 (ss: the listen backlog test) and prometheus (scrapes /metrics in a test). Exits non-zero,
# saying what failed, when something cannot be had.
set -uo pipefail

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

packages="nats-server golang-go golang-github-nats-io-go-nats-dev golang-github-nats-io-nuid-dev golang-github-nats-io-nkeys-dev golang-github-nats-io-jwt-dev libnats-dev gcc nodejs openssl chromium clang zlib1g-dev iproute2 prometheus"
# `--packages` prints the list (.ci/run installs it with apt-get itself).
if [ "${1:-}" = "--packages" ]; then echo $packages; exit 0; fi
missing=""
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; } # not "removed, config kept"
for p in $packages; do installed "$p" || missing="$missing $p"; done

updated=0
apt_install() {
  if [ "$updated" -eq 0 ]; then
    $sudo_cmd apt-get update -qq || return 1
    updated=1
  fi
  $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

if [ -n "$missing" ]; then
  echo "installing test peers:$missing"
  apt_install $missing || { echo "apt-get could not install:$missing"; exit 1; }
fi
# Debian ships npm apart from nodejs; NodeSource's nodejs already includes it (and conflicts with Debian's npm).
if ! command -v npm >/dev/null; then
  echo "installing test peers: npm"
  apt_install npm || { echo "apt-get could not install npm"; exit 1; }
fi

for tool in /usr/sbin/nats-server /usr/bin/go /usr/bin/gcc /usr/bin/node /usr/bin/openssl /usr/bin/chromium /usr/bin/clang /usr/bin/ss /usr/bin/prometheus; do
  [ -x "$tool" ] || { echo "missing after install: $tool"; exit 1; }
done
/usr/sbin/nats-server --version
