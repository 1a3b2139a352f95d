#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine with the .NET 10 SDK: installs the real peers
# the tests talk to when they are missing (scripts/install-test-peers.sh: nats-server 2.9.10, the
# Go/C/JS NATS clients, chromium, openssl), runs `dotnet test NatsSharp.sln`, and ends with one line of totals.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~HostilePeer").
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # Debian's chromium drives the dashboard test; no browser download

scripts/install-test-peers.sh || { echo "the test peers could not be installed"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
dotnet test NatsSharp.sln "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# vstest prints one summary per test project: "Passed!  - Failed: 0, Passed: 217, ..."
read -r passed failed < <(awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") { gsub(",", "", $(i+1)); f += $(i+1) }
      if ($i == "Passed:") { gsub(",", "", $(i+1)); p += $(i+1) }
    }
  }
  END { print p + 0, f + 0 }' "$log")
rm -f "$log"

if [ "$passed" -eq 0 ] && [ "$rc" -eq 0 ]; then
  echo "no test ran"
  rc=1
fi
echo "$passed passed, $failed failed"
exit "$rc"
