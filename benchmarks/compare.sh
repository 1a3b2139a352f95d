#!/usr/bin/env bash
# Side-by-side load comparison: nats-server (A, the reference) vs NatsSharp (B, "ours"), driven by natsload.
# Starts both servers on free loopback ports (plus a 2-node cluster of each for the route scenario), runs
# every scenario against both in alternating order for a few rounds, and prints the median per server, the
# ratio ours / nats-server, server CPU-seconds per million messages (from /proc/<pid>/stat), peak and idle RSS,
# and (scenario idle, a fresh server per run) the RSS per idle connection. See docs/benchmarks.md.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<EOF
usage: benchmarks/compare.sh [options] [-- natsload args...]

options (each also settable by the environment variable in brackets):
  --rounds N          measured rounds per scenario and server             [ROUNDS, default 5]
  --scenarios "..."   scenarios to run                                    [SCENARIOS, default: all below]
  --base CMD          reference server command                            [BASE_CMD, default /usr/sbin/nats-server]
  --ours CMD          our server command                                  [OURS_CMD, default out/natssharp, the native publish]
  --timeout SEC       natsload --timeout for each run                     [RUN_TIMEOUT, default 60]
  --no-warmup         skip the short unmeasured warm-up pass per server   [WARMUP=0]
  --no-build          use the natsload already built                      [BUILD=0]
  --pin               natsload on CPU 0, the servers on the other CPUs    [PIN=1]
                      (as clients on other hosts would be; needs 2+ CPUs)
  --no-stalls         skip the machine-noise probe before and after       [STALLS=0]
  -h, --help          this text

scenarios: pub pubsub fanout fanin queue reqrep 1k 64k subjects route storm5k storm15k idle
  pub 5m msgs, pubsub 3m, fanout 2m (x4 subscribers), fanin 3m (4 publishers -> 1 subscriber), queue 3m, reqrep 50k requests (p50/p99/p99.9/max),
  1k: pubsub 1m x 1 KiB, 64k: pubsub 40k x 64 KiB, subjects: pubsub 1m over 10,000 subjects,
  route: pubsub 2m, publisher on node 1 and subscriber on node 2 of a 2-node cluster,
  storm5k / storm15k: 5,000 / 15,000 clients connecting at once (connects/s, time until all have PONG, CPU),
  idle: a fresh server per run; its RSS settled, then 10,000 idle clients (CONNECT, one SUB, PING/PONG) held
  open, its RSS settled again: KB per idle connection (~15 s per server and round).
Override per scenario with ARGS_<scenario>, e.g. ARGS_fanout="--msgs 1m --subs 8".
Arguments after "--" (or NATSLOAD_ARGS) go to every run and win over those, e.g. -- --size 128.
Both commands get "-a 127.0.0.1 -p <port>" appended. To sanity-check the harness:
  OURS_CMD=/usr/sbin/nats-server benchmarks/compare.sh
EOF
}

ROUNDS="${ROUNDS:-5}"
SCENARIOS="${SCENARIOS:-pub pubsub fanout fanin queue reqrep 1k 64k subjects route storm5k storm15k idle}"
BASE_CMD="${BASE_CMD:-/usr/sbin/nats-server}"
OURS_CMD="${OURS_CMD:-}"
RUN_TIMEOUT="${RUN_TIMEOUT:-60}"
WARMUP="${WARMUP:-1}"
BUILD="${BUILD:-1}"
PIN="${PIN:-0}"
STALLS="${STALLS:-1}"
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
        --pin) PIN=1; shift ;;
        --no-stalls) STALLS=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; EXTRA+=("$@"); break ;;
        *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ -z "$OURS_CMD" ]]; then
    if [[ -x "$REPO/out/natssharp" ]]; then
        OURS_CMD="$REPO/out/natssharp"   # `dotnet publish src/NatsSharp -c Release -o out`: NativeAOT
    else
        echo "compare.sh: no server at $REPO/out/natssharp; run 'dotnet publish src/NatsSharp -c Release -o out' or set OURS_CMD" >&2
        exit 2
    fi
fi

# The storms open up to 15,000 client sockets in natsload and as many in each server.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

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

# --pin: natsload on CPU 0, every server on the rest, so a scenario bound by the client's CPU (the storms: a
# loopback connect runs both ends' SYN handling in the caller) measures the server, as clients on other hosts would.
SERVER_PIN=""
PROBE=("${NATSLOAD[@]}")   # the stall probe pins a thread to every CPU itself
if [[ "$PIN" == 1 ]]; then
    if (( $(nproc) < 2 )) || ! command -v taskset >/dev/null; then
        echo "compare.sh: --pin needs 2+ CPUs and taskset (util-linux)" >&2
        exit 2
    fi
    SERVER_PIN="taskset -c 1-$(( $(nproc) - 1 ))"
    NATSLOAD=(taskset -c 0 "${NATSLOAD[@]}")
fi

# The machine's own noise: natsload stalls (a thread pinned to each CPU reading the clock: how often and how
# long the machine did not run it) before and after the run, and the hypervisor's steal time over the run.
# On a VM a request in flight during a stall waits for it on either server: a floor under p99.9 and max.
stalls_probe() {
    [[ "$STALLS" == 1 ]] || return 0
    "${PROBE[@]}" stalls --hold 3 --json 2>/dev/null | tr '{},' '\n\n\n' | awk -F: '
        /"seconds"/ { s = $2 } /"over_1ms"/ { n += $2 } /"stalled_pct"/ { p += $2; c++ }
        /"max_us"/ { if ($2 > m) m = $2 }
        END { if (c) printf "%.1f/s of 1 ms or more, longest %.1f ms, %.2f%% of the time stalled (mean per CPU)", n / s, m / 1000, p / c }'
}
steal_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t }' /proc/stat; }
STALLS_BEFORE="$(stalls_probe)"
read -r STEAL0 TOTAL0 <<<"$(steal_ticks)"

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

# port_in_use, free_port, json_field, cpu_ticks, median, spread, count_ok, fmt, ratio: benchmarks/common.sh
source "$REPO/benchmarks/common.sh"

# start_server NAME CMD PORT [extra args] -> sets SERVER_PID
start_server() {
    local name="$1" cmd="$2" port="$3"
    shift 3
    bash -c "exec $SERVER_PIN $cmd -a 127.0.0.1 -p $port $*" >"$WORK/$name.log" 2>&1 &
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
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
TICKS="$(getconf CLK_TCK)"
# reset_hwm PID: restart the process's VmHWM from its current RSS (writing 5 to clear_refs, Linux 4.0+); where that
# is refused the peak rows are the peak since the server started, and say so.
HWM_RESETS=1
reset_hwm() {
    if ! echo 5 2>/dev/null >"/proc/$1/clear_refs"; then
        [[ "$HWM_RESETS" == 1 ]] && echo "compare.sh: cannot reset VmHWM (/proc/$1/clear_refs): peak RSS is since the server's start" >&2
        HWM_RESETS=0
    fi
}
TOP_PEAK=(0 0)   # the highest run peak per server

NAMES=(nats-server natssharp)
CMDS=("$BASE_CMD" "$OURS_CMD")
SERVER_PIDS=()
PORTS=()
IDLE_RSS=()
for i in 0 1; do
    port="$(free_port "${PORTS[0]:-}")"
    start_server "${NAMES[$i]}" "${CMDS[$i]}" "$port"
    PORTS+=("$port")
    SERVER_PIDS+=("$SERVER_PID")
done
sleep 1
for i in 0 1; do IDLE_RSS+=("$(rss_kb "${SERVER_PIDS[$i]}")"); done
echo "A nats-server: ${CMDS[0]}  (port ${PORTS[0]}, pid ${SERVER_PIDS[0]})" >&2
echo "B natssharp:   ${CMDS[1]}  (port ${PORTS[1]}, pid ${SERVER_PIDS[1]})" >&2

# The route scenario: a 2-node cluster of each server, publisher on node 1, subscriber on node 2.
ROUTE_PORTS=()
ROUTE_PIDS=()
if [[ " $SCENARIOS " == *" route "* ]]; then
    for i in 0 1; do
        p1="$(free_port)"; p2="$(free_port "$p1")"; c1="$(free_port "$p2")"; c2="$(free_port "$c1")"
        start_server "${NAMES[$i]}-r1" "${CMDS[$i]}" "$p1" --cluster "nats://127.0.0.1:$c1" --cluster_name bench -n r1
        r1="$SERVER_PID"
        start_server "${NAMES[$i]}-r2" "${CMDS[$i]}" "$p2" --cluster "nats://127.0.0.1:$c2" --cluster_name bench -n r2 --routes "nats-route://127.0.0.1:$c1"
        ROUTE_PORTS+=("$p1 $p2")
        ROUTE_PIDS+=("$r1 $SERVER_PID")
    done
    sleep 2 # the routes form
fi

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# scenario_args SCENARIO -> natsload scenario and default arguments sized for a stable ~1 s+ measurement
scenario_args() {
    local var="ARGS_$1" base
    case "$1" in
        pub) base="pub --msgs 5m" ;;
        pubsub|queue) base="$1 --msgs 3m" ;;
        fanout) base="fanout --msgs 2m" ;;
        fanin) base="fanin --msgs 3m --pubs 4" ;;
        reqrep) base="reqrep --msgs 50k" ;;
        1k) base="pubsub --msgs 1m --size 1024" ;;
        64k) base="pubsub --msgs 40k --size 65536" ;;
        subjects) base="pubsub --msgs 1m --subjects 10000" ;;
        route) base="pubsub --msgs 2m" ;;
        storm5k) base="storm --msgs 5000 --hold 1" ;;
        storm15k) base="storm --msgs 15000 --hold 1" ;;
        idle) base="idle --msgs 10000 --hold 20" ;;
        *) echo "compare.sh: unknown scenario '$1'" >&2; exit 2 ;;
    esac
    echo "${base%% *} ${!var:-${base#* }}"
}

# run_one SCENARIO INDEX ROUND [extra natsload args] -> appends a result line (skips warm-up rounds)
run_one() {
    local scenario="$1" i="$2" round="$3"
    shift 3
    local -a args pids urls
    read -r -a args <<<"$(scenario_args "$scenario")"
    if [[ "$scenario" == idle ]]; then
        run_idle "$i" "$round" "${args[@]}" "$@"
        return 0
    fi
    if [[ "$scenario" == route ]]; then
        read -r -a pids <<<"${ROUTE_PIDS[$i]}"
        read -r -a urls <<<"${ROUTE_PORTS[$i]}"
        urls=(--url "nats://127.0.0.1:${urls[0]}" --sub-url "nats://127.0.0.1:${urls[1]}")
    else
        pids=("${SERVER_PIDS[$i]}")
        urls=(--url "nats://127.0.0.1:${PORTS[$i]}")
    fi
    # The run's peak RSS: the kernel's high-water mark (VmHWM), reset before the run. (Until 2026-12-06 a shell loop
    # sampled VmRSS every 100 ms: it forked awk, cat and sleep ten times a second on the cores under test, ~1 ms
    # stalls that set reqrep's p99.9 for both servers.)
    reset_hwm "${pids[0]}"
    local cpu0 line rc=0
    cpu0="$(cpu_ticks "${pids[@]}")"
    line="$(timeout $((RUN_TIMEOUT + 30)) "${NATSLOAD[@]}" "${args[@]}" "${urls[@]}" \
        --json --timeout "$RUN_TIMEOUT" "${EXTRA[@]}" "$@" 2>&1)" || rc=$?
    local cpu=$(( $(cpu_ticks "${pids[@]}") - cpu0 ))
    local peak; peak="$(hwm_kb "${pids[0]}")"
    (( peak > ${TOP_PEAK[$i]} )) && TOP_PEAK[$i]=$peak
    if [[ $rc -ne 0 || "$line" != *'"ok":true'* ]]; then
        echo "  round $round  $scenario  ${NAMES[$i]}: FAILED (rc $rc): $(tail -c 400 <<<"$line")" >&2
        return 0
    fi
    [[ "$round" == warmup ]] && return 0
    local rate p50 p99 p999 max elapsed count cpu_per perconn
    rate="$(json_field "$line" msgs_per_sec)"
    elapsed="$(json_field "$line" elapsed_ms)"
    p50="$(json_field "$line" p50_us)"; p99="$(json_field "$line" p99_us)"
    p999="$(json_field "$line" p999_us)"; max="$(json_field "$line" max_us)"
    count="$(awk -v r="$rate" -v e="$elapsed" 'BEGIN { print r * e / 1000 }')"
    local client_per="-" retrans="-"
    if [[ "$scenario" == storm* ]]; then
        # CPU-ms per 1,000 connections (the server's, and natsload's own over the storm); clients whose SYN a full
        # accept queue dropped (each waits a 1 s retry). No RSS per connection: a storm against a server that has
        # run other scenarios lands in heap it already holds (scenario idle measures it on a fresh server).
        cpu_per="$(awk -v c="$cpu" -v t="$TICKS" -v n="$count" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / t / (n / 1000) : 0) }')"
        perconn="-"
        client_per="$(awk -v c="$(json_field "$line" client_cpu_ms)" -v n="$count" 'BEGIN { printf "%.3f", (n > 0 ? c / (n / 1000) : 0) }')"
        retrans="$(json_field "$line" retransmitted)"
        p50="$elapsed"; p99=""; p999=""; max=""   # the per-client latencies are natsload's text report only
    else
        # CPU-seconds per million messages (all nodes of the scenario)
        cpu_per="$(awk -v c="$cpu" -v t="$TICKS" -v n="$count" 'BEGIN { printf "%.4f", (n > 0 ? c / t / (n / 1e6) : 0) }')"
        perconn="-"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "${NAMES[$i]}" "$round" "$rate" "${p50:--}" "${p99:--}" \
        "${p999:--}" "${max:--}" "$cpu_per" "$perconn" "$((peak / 1024))" "$client_per" "${retrans:--}" >>"$RESULTS"
    printf '  round %s  %-8s %-12s %12.0f/s  cpu %s  peak %s MB%s%s\n' "$round" "$scenario" "${NAMES[$i]}" "$rate" "$cpu_per" \
        "$((peak / 1024))" "$([[ -n "$p99" ]] && echo "  p50 ${p50}us p99 ${p99}us p99.9 ${p999}us max ${max}us")" \
        "$([[ "$scenario" == storm* ]] && echo "  all PONG ${elapsed} ms, natsload cpu ${client_per}, dropped SYNs ${retrans:--}")" >&2
}

# run_idle INDEX ROUND natsload-args... -> a fresh server of side INDEX; natsload idle reads its RSS (settled)
# before and with 10,000 idle clients; appends a result line with KB per idle connection and the RSS with them.
run_idle() {
    local i="$1" round="$2"
    shift 2
    local port pid line rc=0
    port="$(free_port)"
    start_server "${NAMES[$i]}-idle" "${CMDS[$i]}" "$port"
    pid="$SERVER_PID"
    line="$(timeout $((RUN_TIMEOUT + 60)) "${NATSLOAD[@]}" "$@" --pid "$pid" --url "nats://127.0.0.1:$port" \
        --json --timeout "$((RUN_TIMEOUT > 60 ? RUN_TIMEOUT : 60))" "${EXTRA[@]}" 2>&1)" || rc=$?
    local hwm; hwm="$(hwm_kb "$pid")"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    local kept=() p   # gone: cleanup must not signal a process that reuses the id
    for p in "${PIDS[@]}"; do [[ "$p" != "$pid" ]] && kept+=("$p"); done
    PIDS=("${kept[@]}")
    if [[ $rc -ne 0 || "$line" != *'"ok":true'* ]]; then
        echo "  round $round  idle     ${NAMES[$i]}: FAILED (rc $rc): $(tail -c 400 <<<"$line")" >&2
        return 0
    fi
    local rate rss0 rss perconn settled
    rate="$(json_field "$line" msgs_per_sec)"
    rss0="$(json_field "$line" rss0_kb)"; rss="$(json_field "$line" rss_kb)"
    perconn="$(json_field "$line" rss_per_conn_kb)"
    settled="$([[ "$line" == *'"rss_settled":true'* ]] && echo yes || echo NO)"
    # columns as run_one's; 5 = RSS MB before the clients, 9 = RSS MB with them, 11 = VmHWM MB
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' idle "${NAMES[$i]}" "$round" "$rate" "$((rss0 / 1024))" - - - \
        "$((rss / 1024))" "$perconn" "$((hwm / 1024))" - - >>"$RESULTS"
    printf '  round %s  idle     %-12s RSS %s -> %s MB: %s KB / idle conn (settled: %s), peak %s MB, %s connects/s\n' "$round" \
        "${NAMES[$i]}" "$((rss0 / 1024))" "$((rss / 1024))" "$perconn" "$settled" "$((hwm / 1024))" "$rate" >&2
}

if [[ "$WARMUP" == 1 ]]; then
    echo "warm-up (unmeasured, short)..." >&2
    for scenario in $SCENARIOS; do
        for i in 0 1; do
            case "$scenario" in
                reqrep) run_one "$scenario" "$i" warmup --msgs 2000 ;;
                64k) run_one "$scenario" "$i" warmup --msgs 2000 ;;
                storm*) run_one "$scenario" "$i" warmup --msgs 500 --hold 0.1 ;;
                idle) ;; # a fresh server per measured run
                *) run_one "$scenario" "$i" warmup --msgs 100000 ;;
            esac
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

# After the load: how much each server gives back once idle.
sleep 10
AFTER_RSS=()
for i in 0 1; do AFTER_RSS+=("$(rss_kb "${SERVER_PIDS[$i]}")"); done
read -r STEAL1 TOTAL1 <<<"$(steal_ticks)"
STALLS_AFTER="$(stalls_probe)"

mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

# row SCENARIO METRIC COLUMN DECIMALS [note]
row() {
    local a b
    a="$(median "$1" nats-server "$3")"
    b="$(median "$1" natssharp "$3")"
    [[ -z "$a" && -z "$b" ]] && return 0
    printf '| %-8s | %-22s | %14s | %14s | %9s | %8s | %8s |%s\n' "$1" "$2" "$(fmt "$a" "$4")" "$(fmt "$b" "$4")" \
        "$(ratio "$a" "$b")" "$(spread "$1" nats-server "$3")" "$(spread "$1" natssharp "$3")" "${5:-}"
}

echo
echo "natsload comparison, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg), median of $ROUNDS round(s)"
echo "A = nats-server: ${CMDS[0]}"
echo "B = natssharp:   ${CMDS[1]}"
[[ ${#EXTRA[@]} -gt 0 ]] && echo "natsload args: ${EXTRA[*]}"
[[ "$PIN" == 1 ]] && echo "pinned: natsload on CPU 0, the servers on CPUs 1-$(( $(nproc) - 1 ))"
echo
printf '| %-8s | %-22s | %14s | %14s | %9s | %8s | %8s |\n' scenario metric nats-server natssharp "ours/nats" "spread A" "spread B"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------" "------------------------" "---------------:" "---------------:" "----------:" "---------:" "---------:"
for scenario in $SCENARIOS; do
    note=""
    for n in nats-server natssharp; do
        ok="$(count_ok "$scenario" "$n")"
        [[ "$ok" != "$ROUNDS" ]] && note="$note ($n: $ok/$ROUNDS ok)"
    done
    case "$scenario" in
        pub) row "$scenario" "published msgs/s" 4 0 "$note" ;;
        reqrep) row "$scenario" "requests/s" 4 0 "$note" ;;
        storm*) row "$scenario" "connects/s" 4 0 "$note" ;;
        idle) row idle "RSS KB / idle conn" 10 2 "$note" ;;
        *) row "$scenario" "delivered msgs/s" 4 0 "$note" ;;
    esac
    case "$scenario" in
        reqrep)
            row reqrep "p50 latency us" 5 1; row reqrep "p99 latency us" 6 1
            row reqrep "p99.9 latency us" 7 1; row reqrep "max latency us" 8 1
            row reqrep "server CPU-s / M msgs" 9 3 ;;
        storm*)
            row "$scenario" "ms until all have PONG" 5 0
            row "$scenario" "CPU-ms / 1k connects" 9 1
            row "$scenario" "natsload CPU-ms / 1k" 12 1
            row "$scenario" "clients w/ dropped SYN" 13 0 ;;
        idle)
            row idle "RSS MB, no clients" 5 0
            row idle "RSS MB, 10k idle" 9 0
            row idle "peak RSS MB (VmHWM)" 11 0
            continue ;;
        *) row "$scenario" "server CPU-s / M msgs" 9 3 ;;
    esac
    row "$scenario" "$([[ "$HWM_RESETS" == 1 ]] && echo "peak RSS MB (the run)" || echo "peak RSS MB (since start)")" 11 0
done
echo
echo "throughput: ratio > 1 means ours is faster; latency, CPU and memory rows: ratio < 1 means ours is better."
echo "spread = (max - min) / median over the rounds: differences smaller than the spread are noise."
echo "CPU = utime + stime of the server process(es) (/proc/<pid>/stat) over the run; route counts both nodes."
[[ " $SCENARIOS " == *" idle "* ]] && echo "idle: a fresh server per run; RSS settled (the last 5 s of 250 ms samples within 1%) before and with the
  idle clients (each CONNECT, SUB _INBOX.<n>.*, PING/PONG); KB / idle conn = (RSS with them - RSS before) / clients."
[[ " $SCENARIOS " == *" storm"* ]] && echo "storms: natsload CPU = the load tool's own CPU over the storm (the same client for both servers, on the same cores);
  clients w/ dropped SYN = clients whose socket retransmitted (the server's accept queue was full: a 1 s retry each)."
echo "machine noise: steal $(awk -v s=$((STEAL1 - STEAL0)) -v t=$((TOTAL1 - TOTAL0)) 'BEGIN { printf "%.2f%%", (t > 0 ? 100 * s / t : 0) }') of CPU time over the run (/proc/stat)"
[[ "$STALLS" == 1 ]] && echo "  CPU stalls (natsload stalls, 3 s per CPU), before: ${STALLS_BEFORE:-n/a}; after: ${STALLS_AFTER:-n/a}"
echo "idle RSS at start: nats-server $(mb "${IDLE_RSS[0]}"), natssharp $(mb "${IDLE_RSS[1]}")"
echo "highest peak RSS of a run: nats-server $(mb "${TOP_PEAK[0]}"), natssharp $(mb "${TOP_PEAK[1]}")"
echo "RSS 10 s after the last run: nats-server $(mb "${AFTER_RSS[0]}"), natssharp $(mb "${AFTER_RSS[1]}")"
for i in 0 1; do
    if ! kill -0 "${SERVER_PIDS[$i]}" 2>/dev/null; then
        echo "WARNING: ${NAMES[$i]} exited during the run; last log lines:"
        tail -10 "$WORK/${NAMES[$i]}.log"
    fi
done
