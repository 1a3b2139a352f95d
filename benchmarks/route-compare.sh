#!/usr/bin/env bash
# Route throughput, side by side: a pair of nats-server nodes and a pair of NatsSharp nodes,
# each pair clustered; natsload publishes on node 1 and subscribes on node 2 (pubsub 1:1),
# alternating pairs for a few rounds. Prints the medians and the ratio natssharp / nats-server.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
MSGS="${MSGS:-2m}"
SIZE="${SIZE:-16}"
BASE_CMD="${BASE_CMD:-/usr/sbin/nats-server}"
OURS_CMD="${OURS_CMD:-$REPO/out/natssharp}"
LOAD="$REPO/benchmarks/NatsSharp.Load/bin/Release/net10.0/natsload"

[[ -x "$LOAD" ]] || dotnet build "$REPO/benchmarks/NatsSharp.Load" -c Release >/dev/null
[[ -x "${OURS_CMD%% *}" ]] || { echo "route-compare.sh: $OURS_CMD not found (dotnet publish src/NatsSharp -c Release -o out)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# start_pair CMD -> prints "clientport1 clientport2"
start_pair() {
    local cmd="$1" p1 p2 c1 c2
    p1=$(free_port); p2=$(free_port); c1=$(free_port); c2=$(free_port)
    $cmd -a 127.0.0.1 -p "$p1" --cluster "nats://127.0.0.1:$c1" --cluster_name bench -n node1 >/dev/null 2>&1 & pids+=($!)
    $cmd -a 127.0.0.1 -p "$p2" --cluster "nats://127.0.0.1:$c2" --cluster_name bench -n node2 --routes "nats-route://127.0.0.1:$c1" >/dev/null 2>&1 & pids+=($!)
    echo "$p1 $p2"
}

read -r a1 a2 < <(start_pair "$BASE_CMD")
read -r b1 b2 < <(start_pair "$OURS_CMD")
sleep 3   # both pairs form their route

run() { timeout 120 "$LOAD" pubsub --url "nats://127.0.0.1:$1" --sub-url "nats://127.0.0.1:$2" --msgs "$MSGS" --size "$SIZE" --json --timeout 90 \
        | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(int(r["msgs_per_sec"]) if r["ok"] else 0)'; }

base=(); ours=()
for ((i = 1; i <= ROUNDS; i++)); do
    if (( i % 2 )); then base+=("$(run "$a1" "$a2")"); ours+=("$(run "$b1" "$b2")")
    else ours+=("$(run "$b1" "$b2")"); base+=("$(run "$a1" "$a2")"); fi
    echo "  round $i  nats-server ${base[-1]} msgs/s   natssharp ${ours[-1]} msgs/s" >&2
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mb=$(median "${base[@]}"); mo=$(median "${ours[@]}")
echo "route pubsub (publisher on node 1, subscriber on node 2), $SIZE B, median of $ROUNDS:"
echo "| pair | msgs/s |"
echo "|---|---:|"
echo "| nats-server x2 | $mb |"
echo "| natssharp x2 | $mo |"
python3 -c "print('ratio natssharp / nats-server: %.2f' % ($mo / $mb if $mb else 0))"
