#!/usr/bin/env bash
# JetStream side by side: nats-server -js (A, the reference) vs NatsSharp -js (B, "ours"), file storage,
# driven by natsload's JetStream scenarios. Every run gets a freshly started server on a free loopback
# port with an empty store dir; servers alternate who goes first per round. Prints the median per
# server, the ratio ours / nats-server, the spread, server CPU-seconds per million operations, and bytes
# on disk per stored message (after the publish runs). See docs/benchmarks.md, "JetStream".
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<EOF2
usage: benchmarks/js-compare.sh [options]

options (each also settable by the environment variable in brackets):
  --rounds N          measured rounds per scenario and server             [ROUNDS, default 3]
  --scenarios "..."   scenarios to run                                    [SCENARIOS, default: all below]
  --base CMD          reference server command                            [BASE_CMD, default /usr/sbin/nats-server]
  --ours CMD          our server command                                  [OURS_CMD, default out/natssharp, the native publish]
  --timeout SEC       natsload --timeout for each run                     [RUN_TIMEOUT, default 120]
  --no-build          use the natsload already built                      [BUILD=0]
  -h, --help          this text

scenarios:
  pub16   js-pub 200k x 16 B, 1000 unacked in flight (acked msgs/s, bytes on disk per message)
  pub1k   js-pub 100k x 1 KiB, 1000 unacked in flight
  fetch   js-fetch: fill 200k x 16 B, then pull batches of 100 with explicit acks (msgs/s)
  kvput   kv-put 100k over 1000 keys, 1000 in flight (ops/s)
  kvget   kv-get 200k over 1000 keys (direct get), 1000 in flight (ops/s)
  sync    js-pub --window 1, 5k x 16 B: synchronous publish latency p50 / p99
Override per scenario with ARGS_<scenario>, e.g. ARGS_pub16="--msgs 500k".
Both commands get "-a 127.0.0.1 -p <port> -js -sd <fresh dir>" appended.
EOF2
}

ROUNDS="${ROUNDS:-3}"
SCENARIOS="${SCENARIOS:-pub16 pub1k fetch kvput kvget sync}"
BASE_CMD="${BASE_CMD:-/usr/sbin/nats-server}"
OURS_CMD="${OURS_CMD:-}"
RUN_TIMEOUT="${RUN_TIMEOUT:-120}"
BUILD="${BUILD:-1}"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --base) BASE_CMD="$2"; shift 2 ;;
        --ours) OURS_CMD="$2"; shift 2 ;;
        --timeout) RUN_TIMEOUT="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "js-compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ -z "$OURS_CMD" ]]; then
    if [[ -x "$REPO/out/natssharp" ]]; then
        OURS_CMD="$REPO/out/natssharp"
    else
        echo "js-compare.sh: no server at $REPO/out/natssharp; run 'dotnet publish src/NatsSharp -c Release -o out' or set OURS_CMD" >&2
        exit 2
    fi
fi

NATSLOAD_DIR="$REPO/benchmarks/NatsSharp.Load/bin/Release/net10.0"
if [[ "$BUILD" == 1 ]]; then
    echo "building natsload (Release)..." >&2
    timeout 600 dotnet build "$REPO/benchmarks/NatsSharp.Load" -c Release -nologo -v q >&2
fi
if [[ -x "$NATSLOAD_DIR/natsload" ]]; then
    NATSLOAD=("$NATSLOAD_DIR/natsload")
else
    NATSLOAD=(dotnet "$NATSLOAD_DIR/natsload.dll")
fi

WORK="$(mktemp -d -t natsjscompare.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# port_in_use, free_port, json_field, cpu_ticks, median, spread, count_ok, fmt, ratio: benchmarks/common.sh
source "$REPO/benchmarks/common.sh"

# start_server NAME CMD STORE -> sets SERVER_PID and PORT (a new free port is tried if another process took it)
start_server() {
    local name="$1" cmd="$2" store="$3"
    for _ in 1 2 3 4 5; do
        PORT="$(free_port)"
        bash -c "exec $cmd -a 127.0.0.1 -p $PORT -js -sd $store" >"$WORK/$name.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 1 150); do
            port_in_use "$PORT" && kill -0 "$SERVER_PID" 2>/dev/null && return 0
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        wait "$SERVER_PID" 2>/dev/null || true
        grep -qi "address already in use" "$WORK/$name.log" || break
    done
    echo "js-compare.sh: $name ($cmd) did not start; log:" >&2
    tail -20 "$WORK/$name.log" >&2
    exit 1
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

TICKS="$(getconf CLK_TCK)"

NAMES=(nats-server natssharp)
CMDS=("$BASE_CMD" "$OURS_CMD")
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

scenario_args() {
    local var="ARGS_$1" base
    case "$1" in
        pub16) base="js-pub --msgs 200k" ;;
        pub1k) base="js-pub --msgs 100k --size 1024" ;;
        fetch) base="js-fetch --msgs 200k" ;;
        kvput) base="kv-put --msgs 100k" ;;
        kvget) base="kv-get --msgs 200k" ;;
        sync) base="js-pub --msgs 5k --window 1" ;;
        *) echo "js-compare.sh: unknown scenario '$1'" >&2; exit 2 ;;
    esac
    echo "${base%% *} ${!var:-${base#* }}"
}

# run_one SCENARIO INDEX ROUND -> appends: scenario server round rate p50 p99 cpu_per_M bytes_per_msg
run_one() {
    local scenario="$1" i="$2" round="$3"
    local -a args
    read -r -a args <<<"$(scenario_args "$scenario")"
    local port store
    store="$WORK/store-${NAMES[$i]}-$scenario-$round"
    mkdir -p "$store"
    start_server "${NAMES[$i]}" "${CMDS[$i]}" "$store"
    port="$PORT"
    local cpu0 line rc=0
    cpu0="$(cpu_ticks "$SERVER_PID")"
    line="$(timeout $((RUN_TIMEOUT + 30)) "${NATSLOAD[@]}" "${args[@]}" --url "nats://127.0.0.1:$port" \
        --json --timeout "$RUN_TIMEOUT" 2>&1)" || rc=$?
    local cpu=$(( $(cpu_ticks "$SERVER_PID") - cpu0 ))
    local bytes
    bytes="$(du -sb "$store" | cut -f1)"
    stop_server
    rm -rf "$store"
    if [[ $rc -ne 0 || "$line" != *'"ok":true'* ]]; then
        echo "  round $round  $scenario  ${NAMES[$i]}: FAILED (rc $rc): $(tail -c 400 <<<"$line")" >&2
        return 0
    fi
    local rate p50 p99 elapsed count cpu_per per_msg
    rate="$(json_field "$line" msgs_per_sec)"
    elapsed="$(json_field "$line" elapsed_ms)"
    p50="$(json_field "$line" p50_us)"; p99="$(json_field "$line" p99_us)"
    count="$(awk -v r="$rate" -v e="$elapsed" 'BEGIN { printf "%.0f", r * e / 1000 }')"
    # CPU over the whole run (fill and setup included for fetch/kvget) per million measured operations
    cpu_per="$(awk -v c="$cpu" -v t="$TICKS" -v n="$count" 'BEGIN { printf "%.3f", (n > 0 ? c / t / (n / 1e6) : 0) }')"
    per_msg="-"
    [[ "$scenario" == pub16 || "$scenario" == pub1k ]] && per_msg="$(awk -v b="$bytes" -v n="$count" 'BEGIN { printf "%.1f", b / n }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "${NAMES[$i]}" "$round" "$rate" "${p50:--}" "${p99:--}" "$cpu_per" "$per_msg" >>"$RESULTS"
    printf '  round %s  %-6s %-12s %10.0f/s  p50 %sus p99 %sus  cpu %s s/M  disk %s B/msg\n' "$round" "$scenario" "${NAMES[$i]}" "$rate" \
        "${p50:--}" "${p99:--}" "$cpu_per" "$per_msg" >&2
}

echo "A nats-server: ${CMDS[0]}" >&2
echo "B natssharp:   ${CMDS[1]}" >&2
echo "warm-up (unmeasured)..." >&2
for i in 0 1; do
    ARGS_pub16="--msgs 20k" run_one pub16 "$i" warmup >/dev/null 2>&1 || true
done
sed -i '/\twarmup\t/d' "$RESULTS"

echo "measuring: $ROUNDS round(s), scenarios: $SCENARIOS" >&2
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2 == 1)); then order=(0 1); else order=(1 0); fi
    for scenario in $SCENARIOS; do
        for i in "${order[@]}"; do
            run_one "$scenario" "$i" "$round"
        done
    done
done


row() {
    local a b
    a="$(median "$1" nats-server "$3")"
    b="$(median "$1" natssharp "$3")"
    [[ -z "$a" && -z "$b" ]] && return 0
    printf '| %-6s | %-24s | %12s | %12s | %9s | %8s | %8s |%s\n' "$1" "$2" "$(fmt "$a" "$4")" "$(fmt "$b" "$4")" \
        "$(ratio "$a" "$b")" "$(spread "$1" nats-server "$3")" "$(spread "$1" natssharp "$3")" "${5:-}"
}

echo
echo "JetStream comparison (file storage), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg), median of $ROUNDS round(s)"
echo "A = nats-server: ${CMDS[0]}"
echo "B = natssharp:   ${CMDS[1]}"
echo
printf '| %-6s | %-24s | %12s | %12s | %9s | %8s | %8s |\n' scenario metric nats-server natssharp "ours/nats" "spread A" "spread B"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "--------" "--------------------------" "-------------:" "-------------:" "----------:" "---------:" "---------:"
for scenario in $SCENARIOS; do
    note=""
    for n in nats-server natssharp; do
        ok="$(count_ok "$scenario" "$n")"
        [[ "$ok" != "$ROUNDS" ]] && note="$note ($n: $ok/$ROUNDS ok)"
    done
    case "$scenario" in
        pub16|pub1k) row "$scenario" "acked msgs/s" 4 0 "$note"; row "$scenario" "bytes on disk / msg" 8 1 ;;
        fetch) row "$scenario" "fetched msgs/s" 4 0 "$note" ;;
        kvput|kvget) row "$scenario" "ops/s" 4 0 "$note" ;;
        sync) row sync "p50 latency us" 5 1 "$note"; row sync "p99 latency us" 6 1 ;;
    esac
    row "$scenario" "server CPU-s / M ops" 7 3
done
echo
echo "throughput: ratio > 1 means ours is faster; latency, CPU and disk rows: ratio < 1 means ours is better."
echo "spread = (max - min) / median over the rounds: differences smaller than the spread are noise."
echo "CPU covers the whole run (the fill and setup too, for fetch and kvget) per million measured operations."
