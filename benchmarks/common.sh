# Helpers shared by compare.sh and js-compare.sh (sourced; RESULTS names the results file for the stats).

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 12000))   # below the ephemeral range (32768+): an outgoing connection there is invisible to port_in_use
        if [[ "$p" != "${1:-}" ]] && ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    echo "${0##*/}: no free port found" >&2
    return 1
}

json_field() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.eE+-]*\).*/\1/p" <<<"$1"; }
# cpu_ticks PID... -> utime + stime of the processes, in clock ticks
cpu_ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$t"; }

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
