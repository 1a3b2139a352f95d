#!/usr/bin/env bash
# Side-by-side load comparison: nats-server (A, the reference) vs NatsSharp (B, "ours"), driven by natsload.
# Starts both servers on free loopback ports, runs every scenario against both in alternating order for a
# few rounds, and prints the median per server plus the ratio ours / nats-server. See docs/benchmarks.md.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<EOF
usage: benchmarks/compare.sh [options] [-- natsload args...]

options (each also settable by the environment variable in brackets):
  --rounds N          measured rounds per scenario and server             [ROUNDS, default 5]
  --scenarios "..."   scenarios to run                                    [SCENARIOS, default "pub pubsub fanout queue reqrep"]
  --base CMD          reference server command                            [BASE_CMD, default /usr/sbin/nats-server]
  --ours CMD          our server command                                  [OURS_CMD, default out/natssharp or dotnet out/natssharp.dll]
  --timeout SEC       natsload --timeout for each run                     [RUN_TIMEOUT, default 60]
  --no-warmup         skip the short unmeasured warm-up pass per server   [WARMUP=0]
  --no-build          use the natsload already built                      [BUILD=0]
  -h, --help          this text

Both commands get "-a 127.0.0.1 -p <port>" appended. Each scenario runs long enough (about a second or more)
to be stable: pub 5m msgs, pubsub 3m, fanout 2m (x4 subscribers), queue 3m, reqrep 20k requests; override
per scenario with ARGS_<scenario>, e.g. ARGS_fanout="--msgs 1m --subs 8". Arguments after "--" (or
NATSLOAD_ARGS) go to every run and win over those, e.g. -- --size 128. To sanity-check the harness before
our server exists:
  OURS_CMD=/usr/sbin/nats-server benchmarks/compare.sh
EOF
}

ROUNDS="${ROUNDS:-5}"
SCENARIOS="${SCENARIOS:-pub pubsub fanout queue reqrep}"
BASE_CMD="${BASE_CMD:-/usr/sbin/nats-server}"
OURS_CMD="${OURS_CMD:-}"
RUN_TIMEOUT="${RUN_TIMEOUT:-60}"
WARMUP="${WARMUP:-1}"
BUILD="${BUILD:-1}"
read -r -a EXTRA <<<"${NATSLOAD_ARGS:-}"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --base) BASE_CMD="$2"; shift 2 ;;
        --ours) OURS_CMD="$2"; shift 2 ;;
        --timeout) RUN_TIMEOUT="$2"; shift 2 ;;
        --no-warmup) WARMUP=0; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; EXTRA+=("$@"); break ;;
        *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ -z "$OURS_CMD" ]]; then
    if [[ -x "$REPO/out/natssharp" ]]; then
        OURS_CMD="$REPO/out/natssharp"
    elif [[ -f "$REPO/out/natssharp.dll" ]]; then
        OURS_CMD="dotnet $REPO/out/natssharp.dll"
    else
        echo "compare.sh: no server at $REPO/out/natssharp[.dll]; publish it or set OURS_CMD" >&2
        exit 2
    fi
fi

NATSLOAD_DIR="$REPO/benchmarks/NatsSharp.Load/bin/Release/net10.0"
if [[ "$BUILD" == 1 ]]; then
    echo "building natsload (Release)..." >&2
    timeout 300 dotnet build "$REPO/benchmarks/NatsSharp.Load" -c Release -nologo -v q >&2
fi
if [[ -x "$NATSLOAD_DIR/natsload" ]]; then
    NATSLOAD=("$NATSLOAD_DIR/natsload")
else
    NATSLOAD=(dotnet "$NATSLOAD_DIR/natsload.dll")
fi

WORK="$(mktemp -d -t natscompare.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if [[ "$p" != "${1:-}" ]] && ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    echo "compare.sh: no free port found" >&2
    return 1
}

# start_server NAME CMD PORT -> sets SERVER_PID
start_server() {
    local name="$1" cmd="$2" port="$3"
    bash -c "exec $cmd -a 127.0.0.1 -p $port" >"$WORK/$name.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for _ in $(seq 1 150); do
        if port_in_use "$port"; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "compare.sh: $name ($cmd) did not start listening on $port; log:" >&2
    tail -20 "$WORK/$name.log" >&2
    exit 1
}

# json_field LINE KEY -> the numeric value of "KEY":<number> in a flat natsload JSON line, or empty.
json_field() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.eE+-]*\).*/\1/p" <<<"$1"; }

PORT_A="$(free_port)"
PORT_B="$(free_port "$PORT_A")"
NAMES=(nats-server natssharp)
CMDS=("$BASE_CMD" "$OURS_CMD")
PORTS=("$PORT_A" "$PORT_B")
SERVER_PIDS=()
for i in 0 1; do
    start_server "${NAMES[$i]}" "${CMDS[$i]}" "${PORTS[$i]}"
    SERVER_PIDS+=("$SERVER_PID")
done
echo "A nats-server: ${CMDS[0]}  (port $PORT_A, pid ${SERVER_PIDS[0]})" >&2
echo "B natssharp:   ${CMDS[1]}  (port $PORT_B, pid ${SERVER_PIDS[1]})" >&2

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# scenario_args SCENARIO -> default natsload arguments sized for a stable ~1 s+ measurement
scenario_args() {
    local var="ARGS_$1"
    if [[ -n "${!var:-}" ]]; then
        echo "${!var}"
        return
    fi
    case "$1" in
        pub) echo "--msgs 5m" ;;
        pubsub|queue) echo "--msgs 3m" ;;
        fanout) echo "--msgs 2m" ;;
        reqrep) echo "--msgs 20k" ;;
    esac
}

# run_one SCENARIO SERVER_INDEX ROUND [extra natsload args] -> appends "scenario server round rate p50 p99" on success
run_one() {
    local scenario="$1" i="$2" round="$3"
    shift 3
    local line rc=0 defaults
    read -r -a defaults <<<"$(scenario_args "$scenario")"
    line="$(timeout $((RUN_TIMEOUT + 15)) "${NATSLOAD[@]}" "$scenario" --url "nats://127.0.0.1:${PORTS[$i]}" \
        --json --timeout "$RUN_TIMEOUT" "${defaults[@]}" "${EXTRA[@]}" "$@" 2>&1)" || rc=$?
    if [[ $rc -ne 0 || "$line" != *'"ok":true'* ]]; then
        echo "  round $round  $scenario  ${NAMES[$i]}: FAILED (rc $rc): $(tail -c 400 <<<"$line")" >&2
        return 0
    fi
    local rate p50 p99
    rate="$(json_field "$line" msgs_per_sec)"
    p50="$(json_field "$line" p50_us)"
    p99="$(json_field "$line" p99_us)"
    [[ "$round" == warmup ]] && return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "${NAMES[$i]}" "$round" "$rate" "${p50:--}" "${p99:--}" >>"$RESULTS"
    printf '  round %s  %-7s %-12s %12.0f %s\n' "$round" "$scenario" "${NAMES[$i]}" "$rate" \
        "$([[ -n "$p50" ]] && echo "msgs/s  p50 ${p50}us p99 ${p99}us" || echo "msgs/s")" >&2
}

if [[ "$WARMUP" == 1 ]]; then
    echo "warm-up (unmeasured, short)..." >&2
    for scenario in $SCENARIOS; do
        for i in 0 1; do
            if [[ "$scenario" == reqrep ]]; then
                run_one "$scenario" "$i" warmup --msgs 2000
            else
                run_one "$scenario" "$i" warmup --msgs 100000
            fi
        done
    done
fi

echo "measuring: $ROUNDS round(s), scenarios: $SCENARIOS, natsload args: ${EXTRA[*]:-(defaults)}" >&2
for round in $(seq 1 "$ROUNDS"); do
    # Alternate who goes first so warm caches / CPU frequency favour neither side.
    if ((round % 2 == 1)); then order=(0 1); else order=(1 0); fi
    for scenario in $SCENARIOS; do
        for i in "${order[@]}"; do
            run_one "$scenario" "$i" "$round"
        done
    done
done

# median SCENARIO SERVER COLUMN -> median of that column over successful rounds (empty if none)
median() {
    awk -F'\t' -v s="$1" -v n="$2" -v c="$3" '$1 == s && $2 == n && $c != "-" { print $c }' "$RESULTS" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# spread SCENARIO SERVER COLUMN -> (max - min) / median over successful rounds, as a percentage
spread() {
    awk -F'\t' -v s="$1" -v n="$2" -v c="$3" '$1 == s && $2 == n && $c != "-" { print $c }' "$RESULTS" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR < 2) { print "-"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            if (m > 0) printf "%.0f%%", 100 * (v[NR] - v[1]) / m; else print "-" }'
}
count_ok() { awk -F'\t' -v s="$1" -v n="$2" '$1 == s && $2 == n' "$RESULTS" | wc -l | tr -d ' '; }
fmt() { [[ -z "$1" ]] && { echo "FAILED"; return; }; awk -v v="$1" -v d="$2" 'BEGIN {
    if (d > 0) { printf "%.*f", d, v; exit }
    s = sprintf("%.0f", v); out = ""; while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) } printf "%s%s", s, out }'; }
ratio() { [[ -z "$1" || -z "$2" ]] && { echo "-"; return; }; awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }'; }

peak_rss() { awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

echo
echo "natsload comparison, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPU(s), median of $ROUNDS round(s)"
echo "A = nats-server: ${CMDS[0]}"
echo "B = natssharp:   ${CMDS[1]}"
[[ ${#EXTRA[@]} -gt 0 ]] && echo "natsload args: ${EXTRA[*]}"
echo
printf '| %-8s | %-16s | %16s | %16s | %9s | %8s | %8s |\n' scenario metric nats-server natssharp "ours/nats" "spread A" "spread B"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------" "------------------" "-----------------:" "-----------------:" "----------:" "---------:" "---------:"
for scenario in $SCENARIOS; do
    metric="msgs/s"
    case "$scenario" in
        pub) metric="published msgs/s" ;;
        pubsub|fanout|queue) metric="delivered msgs/s" ;;
        reqrep) metric="requests/s" ;;
    esac
    a="$(median "$scenario" nats-server 4)"
    b="$(median "$scenario" natssharp 4)"
    note=""
    for n in nats-server natssharp; do
        ok="$(count_ok "$scenario" "$n")"
        [[ "$ok" != "$ROUNDS" ]] && note="$note ($n: $ok/$ROUNDS ok)"
    done
    printf '| %-8s | %-16s | %16s | %16s | %9s | %8s | %8s |%s\n' "$scenario" "$metric" "$(fmt "$a" 0)" "$(fmt "$b" 0)" \
        "$(ratio "$a" "$b")" "$(spread "$scenario" nats-server 4)" "$(spread "$scenario" natssharp 4)" "$note"
    if [[ "$scenario" == reqrep ]]; then
        for col in 5:p50 6:p99; do
            a="$(median reqrep nats-server "${col%%:*}")"
            b="$(median reqrep natssharp "${col%%:*}")"
            printf '| %-8s | %-16s | %16s | %16s | %9s | %8s | %8s |\n' reqrep "${col##*:} latency us" "$(fmt "$a" 1)" "$(fmt "$b" 1)" \
                "$(ratio "$a" "$b")" "$(spread reqrep nats-server "${col%%:*}")" "$(spread reqrep natssharp "${col%%:*}")"
        done
    fi
done
echo
echo "throughput: ratio > 1 means ours is faster; latency rows: ratio < 1 means ours is faster."
echo "spread = (max - min) / median over the rounds: differences smaller than the spread are noise."
echo "peak RSS: nats-server $(peak_rss "${SERVER_PIDS[0]}"), natssharp $(peak_rss "${SERVER_PIDS[1]}")"
for i in 0 1; do
    if ! kill -0 "${SERVER_PIDS[$i]}" 2>/dev/null; then
        echo "WARNING: ${NAMES[$i]} exited during the run; last log lines:"
        tail -10 "$WORK/${NAMES[$i]}.log"
    fi
done
