#!/bin/sh
# Failover benchmark: runs the SIGKILL failover test (semi-synchronous replication, a writer through Gatehouse's
# readconnroute write service, monitor_interval=500ms, failcount=3) N times and reports the time from the kill to
# the first successful write through Gatehouse, each run and the median.
# Usage: scripts/bench-failover.sh [RUNS]   (default 5). Needs the project built (mvn -DskipTests install).
#
# scripts/bench-failover.sh gap [RUNS]   (default 1): the write gap of readwritesplit sessions instead. Runs
# ReadWriteSplitWriteGapTest RUNS times (building what it needs, -pl gatehouse-tests -am): two open sessions write
# BEGIN/INSERT/COMMIT transactions, one through a service with transaction_replay, one with master_reconnection
# only, across a switchover and then a SIGKILL failover (semi-synchronous replication, auto_failover, failcount=2);
# prints, per event and service, the longest time without a successful write and the client errors.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
if [ "${1:-}" = gap ]; then
  RUNS=${2:-1}
  i=1
  while [ "$i" -le "$RUNS" ]; do
    (cd "$ROOT" && mvn -q -B -o verify -pl gatehouse-tests -am -Dtest=ReadWriteSplitWriteGapTest \
      -Dsurefire.failIfNoSpecifiedTests=false >"$OUT/mvn-$i.log" 2>&1) || { echo "run $i failed: see below" >&2; tail -40 "$OUT/mvn-$i.log" >&2; exit 1; }
    echo "run $i:"
    grep -ho "Write gap: .*" "$ROOT"/gatehouse-tests/target/surefire-reports/*ReadWriteSplitWriteGapTest*-output.txt
    i=$((i + 1))
  done
  exit 0
fi
RUNS=${1:-5}
i=1
while [ "$i" -le "$RUNS" ]; do
  (cd "$ROOT" && mvn -q -B -o -pl gatehouse-tests test -Dtest=ClusterOperationsFailoverTest \
    -Dsurefire.failIfNoSpecifiedTests=false >"$OUT/mvn-$i.log" 2>&1) || { echo "run $i failed: see below" >&2; tail -40 "$OUT/mvn-$i.log" >&2; exit 1; }
  ms=$(grep -ho "first successful write through Gatehouse [0-9]* ms" \
    "$ROOT"/gatehouse-tests/target/surefire-reports/*ClusterOperationsFailoverTest*-output.txt | grep -o "[0-9]* ms" | tr -dc '0-9')
  echo "run $i: $ms ms"
  echo "$ms" >>"$OUT/times"
  i=$((i + 1))
done
sort -n "$OUT/times" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
  printf "median of %d runs: %d ms (min %d, max %d)\n", NR, m, a[1], a[NR] }'
