#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine with the .NET 10 SDK: installs the real peers
# the tests talk to when they are missing (scripts/install-test-peers.sh: nats-server 2.9.10, the
# Go/C/JS NATS clients, chromium, openssl, clang), runs `dotnet test NatsSharp.sln`, then the daemon tests
# again against the NativeAOT release binary and the client read tests without the epoll loop, and ends with
# one line of totals.
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

# The release binary is NativeAOT: publish it once and run the black-box daemon tests a second time
# against it (DaemonProcess takes NATSSHARP_BINARY). On by default for the whole suite (CI); NATIVE=0
# skips it, NATIVE=1 forces it when a filter is given.
if [ "${NATIVE:-$([ $# -eq 0 ] && echo 1 || echo 0)}" = 1 ]; then
  native=$(mktemp -d)
  echo "publishing the native natssharp (NativeAOT) to $native"
  if dotnet publish src/NatsSharp -c Release -o "$native" >"$native/publish.log" 2>&1 && [ -x "$native/natssharp" ]; then
    echo "running the daemon tests against the native binary"
    daemon_tests="FullyQualifiedName~NatsSharp.IntegrationTests.Daemon|FullyQualifiedName~ReadinessLoopTests.The_daemon|FullyQualifiedName~DaemonSecurityTests|FullyQualifiedName~MonitoringDaemonTests|FullyQualifiedName~SampleConfigDaemonTests|FullyQualifiedName~LameDuckSideBySideTests|FullyQualifiedName~ReloadSideBySideTests"
    NATSSHARP_BINARY="$native/natssharp" dotnet test tests/NatsSharp.IntegrationTests --no-build --filter "$daemon_tests" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
  else
    tail -30 "$native/publish.log"
    echo "Failed!  - Failed: 1, Passed: 0 (native publish)" | tee -a "$log"
    rc=1
  fi
  rm -rf "$native"
fi

# Plain client sockets are read from the server's own epoll loop; without it (NATSSHARP_EPOLL=0, as on a system
# without epoll) they go through .NET's sockets. That path runs the client protocol, delivery, back-pressure,
# linger and reset tests a second time (with the whole suite only, as the native run).
if [ $# -eq 0 ]; then
  echo "running the client read tests again without the epoll loop (NATSSHARP_EPOLL=0)"
  fallback_tests="FullyQualifiedName~ReadinessLoopTests|FullyQualifiedName~InlineCompletionsTests|FullyQualifiedName~CloseLingerTests|FullyQualifiedName~ConnectionResetSideBySideTests|FullyQualifiedName~SlowConsumerSideBySideTests|FullyQualifiedName~ProtocolTranscriptTests|FullyQualifiedName~DeliveryTests|FullyQualifiedName~BackPressureTests"
  NATSSHARP_EPOLL=0 dotnet test tests/NatsSharp.IntegrationTests --no-build --filter "$fallback_tests" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi

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
