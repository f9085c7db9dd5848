# Sourced by scripts/bench-proxy.sh for BENCH_WORKLOAD=connect, once the cluster, HAProxy and Gatehouse run: logins
# per second against each target, interleaved over the rounds, then the memory each proxy holds per idle client.
# Uses the variables and functions bench-proxy.sh defined (ports, pids, alive, cpu_ticks, WORK, ROUNDS, TIME).

# The primary must take every held connection (HAProxy's and Gatehouse's backend connections) and the login bursts.
mariadb --protocol=TCP -h 127.0.0.1 -P "$PRIMARY_PORT" -u maxuser -pmaxpwd \
  -e "SET GLOBAL max_connections = $((IDLE_CLIENTS + 500))" || { KEEP=1; exit 1; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Java heap in use right after a full collection, in KiB: the "used" of the heap's generations as jcmd's
# GC.heap_info prints them (ParallelGC, bin/gatehouse's collector: PSYoungGen and ParOldGen; G1: the whole heap).
heap_kib() {
  jcmd "$1" GC.run >/dev/null 2>&1
  sleep 1
  jcmd "$1" GC.heap_info 2>/dev/null | awk '$1 == "PSYoungGen" || $1 == "ParOldGen" || $1 == "garbage-first" {
      for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K.*$/, "", v); sum += v}
    } END {print sum}'
}

# Not measured: lets the JIT compile the login paths of every target before the rounds.
if [ "$WARMUP" -gt 0 ]; then
  echo "Warming up (${WARMUP}s per target, not measured) ..."
  for target in direct haproxy gatehouse; do
    python3 "$HELPERS/connect.py" rate "$(port_of $target)" "$WARMUP" "$CONNECT_PROCESSES" >/dev/null
  done
fi

echo "Connection rate: $CONNECT_PROCESSES client processes, $ROUNDS round(s) of ${TIME}s per target; load: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$WORK/connect.tsv"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  for target in direct haproxy gatehouse; do
    pid=$(pid_of $target)
    before=''; [ -z "$pid" ] || before=$(cpu_ticks "$pid")
    line=$(python3 "$HELPERS/connect.py" rate "$(port_of $target)" "$TIME" "$CONNECT_PROCESSES")
    used=''; [ -z "$pid" ] || used=$(( $(cpu_ticks "$pid") - before ))
    printf '%s\t%s\t%s\t%s\n' "$r" "$target" "$line" "$used" >>"$WORK/connect.tsv"
    printf 'round %s %-9s %s\n' "$r" "$target" "$line"
    [ -z "$pid" ] || alive "$pid" || { echo "bench-proxy: $target (pid $pid) died; see $WORK" >&2; KEEP=1; exit 1; }
  done
  r=$((r + 1))
done

echo "Idle clients: $IDLE_CLIENTS held through each proxy in turn"
: >"$WORK/idle.tsv"
for target in haproxy gatehouse; do
  pid=$(pid_of $target)
  heap0=''; [ "$target" = gatehouse ] && heap0=$(heap_kib "$pid")
  rss0=$(rss_kib "$pid")
  fifo="$WORK/hold-$target"
  mkfifo "$fifo"
  : >"$WORK/hold-$target.out"
  python3 "$HELPERS/connect.py" hold "$(port_of $target)" "$IDLE_CLIENTS" <"$fifo" >"$WORK/hold-$target.out" 2>&1 &
  HOLD_PID=$!
  exec 9>"$fifo"
  i=0
  until grep -q '^holding' "$WORK/hold-$target.out"; do
    alive "$HOLD_PID" || { cat "$WORK/hold-$target.out" >&2; KEEP=1; exit 1; }
    [ "$i" -lt 1200 ] || { echo "bench-proxy: timed out opening idle clients" >&2; KEEP=1; exit 1; }
    sleep 0.5; i=$((i + 1))
  done
  sleep 2
  heap1=''; [ "$target" = gatehouse ] && heap1=$(heap_kib "$pid")
  rss1=$(rss_kib "$pid")
  exec 9>&-
  wait "$HOLD_PID" || true
  rm -f "$fifo"
  printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$rss0" "$rss1" "$heap0" "$heap1" >>"$WORK/idle.tsv"
done

python3 - "$WORK/connect.tsv" "$WORK/idle.tsv" "$IDLE_CLIENTS" "$(getconf CLK_TCK)" <<'PYEOF'
import statistics, sys
rate, cpu = {}, {}
for line in open(sys.argv[1]):
    r, target, result, used = line.rstrip("\n").split("\t")
    f = result.split()
    connects, failures, seconds = int(f[1]), int(f[3]), float(f[5])
    if failures:
        print("%s: %d failed logins in round %s" % (target, failures, r))
    rate.setdefault(target, []).append(connects / seconds)
    if used:
        cpu.setdefault(target, []).append(int(used) / float(sys.argv[4]) / max(connects, 1) * 1e6)
print("\nlogins per second (median of rounds), and the proxy's CPU per login")
for target in ("direct", "haproxy", "gatehouse"):
    m = statistics.median(rate[target])
    extra = "  %.0f us CPU per login" % statistics.median(cpu[target]) if target in cpu else ""
    print("  %-9s %8.0f/s  %.2f x direct%s" % (target, m, m / statistics.median(rate["direct"]), extra))
print("  gatehouse / haproxy: %.2f" % (statistics.median(rate["gatehouse"]) / statistics.median(rate["haproxy"])))
n = int(sys.argv[3])
print("\nmemory per idle client (%d held)" % n)
for line in open(sys.argv[2]):
    target, rss0, rss1, heap0, heap1 = line.rstrip("\n").split("\t")
    text = "  %-9s resident %+.1f KiB per client" % (target, (int(rss1) - int(rss0)) / n)
    if heap0 and heap1:
        text += ", Java heap after GC %+.1f KiB per client" % ((float(heap1) - float(heap0)) / n)
    print(text)
PYEOF
