#!/bin/sh
# Proxy benchmark: sysbench oltp_point_select directly against a MariaDB primary, through HAProxy (TCP mode) and
# through Gatehouse (readconnroute, router_options=master), interleaved A B C A B C ... in one run, for the text
# protocol and for prepared statements. Reports tps, queries/s, latency and the proxy process's CPU per query
# (utime+stime of all its threads from /proc/PID/stat). Everything it starts is stopped on exit, Ctrl-C or failure.
#
# Usage: scripts/bench-proxy.sh [-r ROUNDS] [-t SECONDS] [-w PROXY_THREADS] [-c CLIENT_THREADS] [-n REPLICAS] [-k]
# The same settings as environment variables: BENCH_ROUNDS (3), BENCH_TIME (10), BENCH_PROXY_THREADS (nproc; the
# Gatehouse [maxscale] threads= and HAProxy's nbthread), BENCH_CLIENT_THREADS (16), BENCH_REPLICAS (1),
# BENCH_WARMUP (5 seconds per target and mode, not measured), BENCH_KEEP=1 (-k: keep the temp dir and its logs),
# BENCH_ROUTER (readconnroute, or readwritesplit: then reads go to the replicas while HAProxy still goes to the
# primary), BENCH_FILTER (none, or qla: Gatehouse also serves the same router with a qlafilter in front, logging
# every statement to one unified file, measured as a fourth target "filtered", so the filter's cost is a ratio
# within the same run; or cache: the fourth target has the cache filter (in-memory, cached_data=shared) in front,
# and the run ends with the cache's hit ratio read from the REST API; with the text protocol the point selects are
# answered from the cache once each was seen, prepared statements are never cached, as in MaxScale),
# BENCH_CACHE_STORAGE (with BENCH_FILTER=cache: inmemory, the default, or redis or memcached: a redis-server or
# memcached started on a free port for the run, used with cached_data=shared),
# BENCH_TABLE_SIZE (rows per sysbench table, 10000; 4 tables: the number of distinct point selects),
# BENCH_SHARING (unset, or a duration such as 0s: Gatehouse's services get idle_session_pool_time with it, so that
# sessions share backend connections; with more than 100 client threads the primary's max_connections is raised to
# the thread count plus 200 for the direct and HAProxy targets), BENCH_WORKLOAD (sysbench, the default, or connect: instead of sysbench, each round measures full logins per second
# (handshake, mysql_native_password, COM_QUIT; BENCH_CONNECT_PROCESSES client processes, 4) against the three
# targets, then BENCH_IDLE_CLIENTS (2000) logged-in idle connections are held through HAProxy and through Gatehouse
# in turn, and the growth of each proxy's resident memory, and of Gatehouse's Java heap after a full GC, is reported
# per idle client; see scripts/bench/connect.py),
# BENCH_BASELINE_REF (unset, or a git commit or ref such as 1a2eab8b: that commit's distribution is built in a
# temporary git worktree with `mvn -o package -DskipTests`, kept in ${TMPDIR:-/tmp}/gatehouse-baseline-FULLSHA for later
# runs, and started as a second Gatehouse with the same [maxscale], servers, monitor and unfiltered service, measured
# as one more target "baseline" after "gatehouse", so one run reports now/before ratios of throughput and proxy CPU
# per query (per round and median) next to HAProxy's; a BENCH_FILTER service is not given to it; sysbench only;
# a parameter the old commit does not know, such as BENCH_SHARING's, stops it at start: see baseline.out).
# Extra JVM options for Gatehouse go in GATEHOUSE_JAVA_OPTS, as for bin/gatehouse; the baseline gets
# BENCH_BASELINE_JAVA_OPTS, or GATEHOUSE_JAVA_OPTS when that is unset (set it to '' to keep a JFR recording off it).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELPERS="$ROOT/scripts/bench"
DIST="$ROOT/gatehouse-server/target/gatehouse-0.1.0-SNAPSHOT/gatehouse-0.1.0-SNAPSHOT"
ROUNDS=${BENCH_ROUNDS:-3}
TIME=${BENCH_TIME:-10}
PROXY_THREADS=${BENCH_PROXY_THREADS:-$(nproc)}
CLIENT_THREADS=${BENCH_CLIENT_THREADS:-16}
REPLICAS=${BENCH_REPLICAS:-1}
WARMUP=${BENCH_WARMUP:-5}
KEEP=${BENCH_KEEP:-0}
TABLE_SIZE=${BENCH_TABLE_SIZE:-10000}
CACHE_STORAGE=${BENCH_CACHE_STORAGE:-inmemory}
case "$CACHE_STORAGE" in
  inmemory|redis|memcached) ;;
  *) echo "BENCH_CACHE_STORAGE: $CACHE_STORAGE (expected: inmemory, redis or memcached)" >&2; exit 2 ;;
esac
ROUTER=${BENCH_ROUTER:-readconnroute}
case "$ROUTER" in
  readconnroute) ROUTER_LINES='router=readconnroute
router_options=master' ;;
  readwritesplit) ROUTER_LINES='router=readwritesplit' ;;
  *) echo "BENCH_ROUTER: $ROUTER (expected: readconnroute or readwritesplit)" >&2; exit 2 ;;
esac
WORKLOAD=${BENCH_WORKLOAD:-sysbench}
case "$WORKLOAD" in
  sysbench|connect) ;;
  *) echo "BENCH_WORKLOAD: $WORKLOAD (expected: sysbench or connect)" >&2; exit 2 ;;
esac
CONNECT_PROCESSES=${BENCH_CONNECT_PROCESSES:-4}
IDLE_CLIENTS=${BENCH_IDLE_CLIENTS:-2000}
FILTER=${BENCH_FILTER:-none}
if [ -n "${BENCH_SHARING:-}" ]; then
  ROUTER_LINES="$ROUTER_LINES
idle_session_pool_time=$BENCH_SHARING"
fi
case "$FILTER" in
  none|qla|cache) ;;
  *) echo "BENCH_FILTER: $FILTER (expected: none, qla or cache)" >&2; exit 2 ;;
esac
BASELINE_REF=${BENCH_BASELINE_REF:-}
BASELINE_COMMIT=''
if [ -n "$BASELINE_REF" ]; then
  [ "$WORKLOAD" = sysbench ] || { echo "BENCH_BASELINE_REF: only with BENCH_WORKLOAD=sysbench (got $WORKLOAD)" >&2; exit 2; }
  BASELINE_COMMIT=$(git -C "$ROOT" rev-parse --verify --quiet "$BASELINE_REF^{commit}") ||
    { echo "BENCH_BASELINE_REF: $BASELINE_REF (expected: a commit of this repository)" >&2; exit 2; }
fi
while getopts r:t:w:c:n:k opt; do
  case "$opt" in
    r) ROUNDS=$OPTARG ;; t) TIME=$OPTARG ;; w) PROXY_THREADS=$OPTARG ;; c) CLIENT_THREADS=$OPTARG ;;
    n) REPLICAS=$OPTARG ;; k) KEEP=1 ;;
    *) sed -n '7,11p' "$0" >&2; exit 2 ;;
  esac
done
for tool in java sysbench mariadb python3 /usr/sbin/haproxy; do
  command -v "$tool" >/dev/null || { echo "bench-proxy: $tool is not installed" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
CLUSTER_PID='' HAPROXY_PID='' GATEHOUSE_PID='' SYSBENCH_PID='' STORAGE_PID='' HOLD_PID='' BASELINE_PID=''
BASELINE_TREE=''

# True while the process exists and is not a zombie (an exited child we have not waited for yet).
alive() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Sends SIGTERM, waits up to $2 seconds, then SIGKILL; always reaps the child.
stop() {
  pid=$1 patience=$2
  alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  i=0
  while alive "$pid" && [ "$i" -lt $((patience * 5)) ]; do sleep 0.2; i=$((i + 1)); done
  if alive "$pid"; then echo "bench-proxy: pid $pid ignored SIGTERM; killing it" >&2; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  set +e
  trap - EXIT INT TERM
  stop "$SYSBENCH_PID" 5
  stop "$HOLD_PID" 5
  stop "$GATEHOUSE_PID" 30
  stop "$BASELINE_PID" 30
  if [ -n "$BASELINE_TREE" ]; then git -C "$ROOT" worktree remove --force "$BASELINE_TREE" 2>/dev/null; fi
  stop "$HAPROXY_PID" 10
  stop "$STORAGE_PID" 10
  stop "$CLUSTER_PID" 60
  # If the cluster's JVM had to be killed, its mariadbd children are still running: stop them by their pid files.
  for pidfile in "$WORK"/cluster/*/mariadbd.pid; do
    [ -r "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if alive "$pid" && grep -q mariadbd "/proc/$pid/comm" 2>/dev/null; then kill -KILL "$pid"; fi
  done
  if [ "$KEEP" = 1 ]; then echo "bench-proxy: logs and results kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to $2 seconds for command $3... to succeed; fails if process $1 died meanwhile.
await() {
  pid=$1 limit=$2; shift 2
  i=0
  until "$@" >/dev/null 2>&1; do
    alive "$pid" || { echo "bench-proxy: process $pid exited while starting; see $WORK" >&2; KEEP=1; exit 1; }
    [ "$i" -lt $((limit * 2)) ] || { echo "bench-proxy: timed out waiting for: $*" >&2; KEEP=1; exit 1; }
    sleep 0.5; i=$((i + 1))
  done
}

login() { mariadb --protocol=TCP -h 127.0.0.1 -P "$1" -u app -papppwd test -e 'SELECT 1'; }

# utime + stime, in clock ticks, of every thread the process has had (the process-wide line of /proc/PID/stat).
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

if [ ! -x "$DIST/bin/gatehouse" ]; then
  echo "Building Gatehouse ..."
  (cd "$ROOT" && mvn -q -B -pl gatehouse-server -am package -DskipTests)
fi

# The baseline's distribution: built once per commit in a temporary worktree (offline, `package` only, so the
# local Maven repository is not changed), then kept by its full commit id.
if [ -n "$BASELINE_COMMIT" ]; then
  BASELINE_HOME="${TMPDIR:-/tmp}/gatehouse-baseline-$BASELINE_COMMIT"
  if [ ! -x "$BASELINE_HOME/bin/gatehouse" ]; then
    echo "Building the baseline $BASELINE_REF ($BASELINE_COMMIT) in a temporary worktree ..."
    BASELINE_TREE="$WORK/baseline-src"
    { git -C "$ROOT" worktree add --detach "$BASELINE_TREE" "$BASELINE_COMMIT" &&
      (cd "$BASELINE_TREE" && mvn -B -o -q -pl gatehouse-server -am package -DskipTests); } \
      >"$WORK/baseline-build.log" 2>&1 ||
      { echo "bench-proxy: building $BASELINE_REF failed; see $WORK/baseline-build.log" >&2; KEEP=1; exit 1; }
    rm -rf "$BASELINE_HOME.tmp"
    cp -R "$BASELINE_TREE/gatehouse-server/target/gatehouse-0.1.0-SNAPSHOT/gatehouse-0.1.0-SNAPSHOT" "$BASELINE_HOME.tmp"
    mv "$BASELINE_HOME.tmp" "$BASELINE_HOME"
    git -C "$ROOT" worktree remove --force "$BASELINE_TREE"
    BASELINE_TREE=''
  fi
fi

echo "Starting a MariaDB primary and $REPLICAS replica(s) in $WORK/cluster ..."
java -cp "$DIST/lib/*" io.gatehouse.testkit.ClusterMain "$WORK/cluster" --replicas "$REPLICAS" --no-stdin \
  </dev/null >"$WORK/cluster.log" 2>&1 &
CLUSTER_PID=$!
await "$CLUSTER_PID" 180 test -s "$WORK/cluster/servers.txt"
PRIMARY_PORT=$(awk 'NR == 1 {print $3}' "$WORK/cluster/servers.txt")
set -- $(python3 "$HELPERS/freeports.py" 7)
HAPROXY_PORT=$1 GATEHOUSE_PORT=$2 FILTERED_PORT=$3 ADMIN_PORT=$4 STORAGE_PORT=$5 BASELINE_PORT=$6 BASELINE_ADMIN_PORT=$7
CACHE_LINES='cached_data=shared'
if [ "$FILTER" = cache ] && [ "$CACHE_STORAGE" != inmemory ]; then
  mkdir -p "$WORK/storage"
  if [ "$CACHE_STORAGE" = redis ]; then
    redis-server --port "$STORAGE_PORT" --bind 127.0.0.1 --dir "$WORK/storage" --save '' --appendonly no \
      </dev/null >"$WORK/storage.log" 2>&1 &
  else
    memcached -l 127.0.0.1 -p "$STORAGE_PORT" -U 0 -m 256 -u "$(id -un)" </dev/null >"$WORK/storage.log" 2>&1 &
  fi
  STORAGE_PID=$!
  CACHE_LINES="$CACHE_LINES
storage=storage_$CACHE_STORAGE
storage_options=server=127.0.0.1:$STORAGE_PORT"
fi

cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 4096
    nbthread $PROXY_THREADS
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
listen mariadb
    bind 127.0.0.1:$HAPROXY_PORT
    server primary 127.0.0.1:$PRIMARY_PORT
EOF
/usr/sbin/haproxy -db -f "$WORK/haproxy.cfg" </dev/null >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!

# Writes a Gatehouse configuration to stdout: directories under $1, the service's listener on port $2, the admin
# API on $3, and with $4 = filtered also the BENCH_FILTER service on FILTERED_PORT.
gatehouse_config() {
  home=$1 port=$2 admin=$3 with=$4
  mkdir -p "$home/log" "$home/data" "$home/run" "$home/persist"
  printf '[maxscale]\nthreads=%s\nlogdir=%s/log\ndatadir=%s/data\npiddir=%s/run\npersistdir=%s/persist\n' \
    "$PROXY_THREADS" "$home" "$home" "$home" "$home"
  printf 'admin_host=127.0.0.1\nadmin_port=%s\n' "$admin"
  awk '{printf "\n[%s]\ntype=server\naddress=%s\nport=%s\n", $1, $2, $3}' "$WORK/cluster/servers.txt"
  cat <<EOF

[Cluster-Monitor]
type=monitor
module=mariadbmon
servers=$(awk '{printf "%s%s", sep, $1; sep = ","}' "$WORK/cluster/servers.txt")
user=maxuser
password=maxpwd
monitor_interval=1000ms

[Bench-Service]
type=service
$ROUTER_LINES
cluster=Cluster-Monitor
user=maxuser
password=maxpwd

[Bench-Listener]
type=listener
service=Bench-Service
protocol=MariaDBClient
address=127.0.0.1
port=$port
EOF
  if [ "$with" = filtered ] && [ "$FILTER" != none ]; then
    if [ "$FILTER" = qla ]; then
      cat <<EOF

[Bench-Filter]
type=filter
module=qlafilter
filebase=$home/log/qla
log_type=unified
log_data=date,user,query
EOF
    else
      cat <<EOF

[Bench-Filter]
type=filter
module=cache
$CACHE_LINES
EOF
    fi
    cat <<EOF

[Bench-Filtered-Service]
type=service
$ROUTER_LINES
cluster=Cluster-Monitor
user=maxuser
password=maxpwd
filters=Bench-Filter

[Bench-Filtered-Listener]
type=listener
service=Bench-Filtered-Service
protocol=MariaDBClient
address=127.0.0.1
port=$FILTERED_PORT
EOF
  fi
}
gatehouse_config "$WORK/gatehouse" "$GATEHOUSE_PORT" "$ADMIN_PORT" filtered >"$WORK/gatehouse.cnf"
"$DIST/bin/gatehouse" --foreground --config "$WORK/gatehouse.cnf" </dev/null >"$WORK/gatehouse.out" 2>&1 &
GATEHOUSE_PID=$!
if [ -n "$BASELINE_COMMIT" ]; then
  gatehouse_config "$WORK/baseline" "$BASELINE_PORT" "$BASELINE_ADMIN_PORT" unfiltered >"$WORK/baseline.cnf"
  GATEHOUSE_JAVA_OPTS=${BENCH_BASELINE_JAVA_OPTS-${GATEHOUSE_JAVA_OPTS:-}} \
    "$BASELINE_HOME/bin/gatehouse" --foreground --config "$WORK/baseline.cnf" </dev/null >"$WORK/baseline.out" 2>&1 &
  BASELINE_PID=$!
fi

await "$HAPROXY_PID" 30 login "$HAPROXY_PORT"
await "$GATEHOUSE_PID" 60 login "$GATEHOUSE_PORT"
[ -z "$BASELINE_PID" ] || await "$BASELINE_PID" 60 login "$BASELINE_PORT"

sb() {
  port=$1; shift
  sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=app \
    --mysql-password=apppwd --mysql-db=test --mysql-ssl=off --tables=4 --table-size="$TABLE_SIZE" "$@"
}
if [ "$WORKLOAD" = sysbench ]; then
  if [ "$CLIENT_THREADS" -gt 100 ]; then
    # Every sysbench thread is a connection to the primary, directly and through HAProxy (and through Gatehouse
    # unless BENCH_SHARING lets sessions share them).
    mariadb --protocol=TCP -h 127.0.0.1 -P "$PRIMARY_PORT" -u maxuser -pmaxpwd \
      -e "SET GLOBAL max_connections = $((CLIENT_THREADS + 200))" || { KEEP=1; exit 1; }
  fi
  echo "Preparing sysbench tables on the primary (port $PRIMARY_PORT) ..."
  sb "$PRIMARY_PORT" prepare >"$WORK/prepare.log" 2>&1 || { cat "$WORK/prepare.log" >&2; exit 1; }
fi

# One measured sysbench run in the background, so that a signal reaches our trap at once.
run() {
  port=$1 seconds=$2 out=$3
  sb "$port" --threads="$CLIENT_THREADS" --time="$seconds" --percentile=95 --db-ps-mode="$mode" run \
    </dev/null >"$out" 2>&1 &
  SYSBENCH_PID=$!
  status=0
  wait "$SYSBENCH_PID" || status=$?
  SYSBENCH_PID=''
  return "$status"
}

port_of() {
  case "$1" in
    direct) echo "$PRIMARY_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; filtered) echo "$FILTERED_PORT" ;;
    baseline) echo "$BASELINE_PORT" ;; *) echo "$GATEHOUSE_PORT" ;;
  esac
}
pid_of() {
  case "$1" in
    haproxy) echo "$HAPROXY_PID" ;; gatehouse|filtered) echo "$GATEHOUSE_PID" ;; baseline) echo "$BASELINE_PID" ;;
    *) echo '' ;;
  esac
}
if [ "$WORKLOAD" = connect ]; then
  . "$HELPERS/connect-rounds.sh"
  exit 0
fi
TARGETS='direct haproxy gatehouse'
[ -z "$BASELINE_PID" ] || TARGETS="$TARGETS baseline"
[ "$FILTER" = none ] || TARGETS="$TARGETS filtered"

echo "Direct :$PRIMARY_PORT, HAProxy :$HAPROXY_PORT (pid $HAPROXY_PID), Gatehouse :$GATEHOUSE_PORT (pid $GATEHOUSE_PID);" \
  "${BASELINE_PID:+baseline $BASELINE_REF ($BASELINE_COMMIT) :$BASELINE_PORT (pid $BASELINE_PID);}" \
  "proxy threads $PROXY_THREADS, sysbench threads $CLIENT_THREADS, $ROUNDS round(s) of ${TIME}s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$WORK/results"
if [ "$WARMUP" -gt 0 ]; then
  echo "Warming up (${WARMUP}s per target and mode, not measured) ..."
  for mode in disable auto; do
    for target in $TARGETS; do
      run "$(port_of $target)" "$WARMUP" "$WORK/results/warmup-$mode-$target.txt" || true
    done
  done
fi
: >"$WORK/runs.tsv"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  for mode in disable auto; do
    for target in $TARGETS; do
      pid=$(pid_of $target)
      out="$WORK/results/$r-$mode-$target.txt"
      before=''; [ -z "$pid" ] || before=$(cpu_ticks "$pid")
      status=0
      run "$(port_of $target)" "$TIME" "$out" || status=$?
      used=''; [ -z "$pid" ] || used=$(( $(cpu_ticks "$pid") - before ))
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$target" "$status" "$used" "$out" >>"$WORK/runs.tsv"
      printf 'round %s %-7s %-9s %s\n' "$r" "$mode" "$target" \
        "$(grep -o 'queries: .*' "$out" | tr -s ' ' || echo "FAILED (exit $status)")"
      [ -z "$pid" ] || alive "$pid" || { echo "bench-proxy: $target (pid $pid) died; see $WORK" >&2; KEEP=1; exit 1; }
    done
  done
  r=$((r + 1))
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$FILTER" = cache ]; then
  # The cache's own counters (every run of the filtered target, warm-up included): hits / (hits + misses).
  python3 - "$ADMIN_PORT" <<'PYEOF' || { KEEP=1; exit 1; }
import base64, json, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/v1/filters/Bench-Filter" % sys.argv[1],
                             headers={"Authorization": "Basic " + base64.b64encode(b"admin:mariadb").decode()})
d = json.load(urllib.request.urlopen(req, timeout=10))["data"]["attributes"]["filter_diagnostics"]
print("cache (%s): hits %d, misses %d, hit ratio %.3f, %s" % (d["storage"], d["hits"], d["misses"], d["hit_ratio"],
      "entries %d, size %d bytes" % (d["entries"], d["size"]) if "entries" in d
      else "storage failures %d" % d["storage_failures"]))
if d["hit_ratio"] <= 0.9:
    print("bench-proxy: the cache's hit ratio is %.3f, not above 0.9: run longer (BENCH_TIME) or with fewer"
          " rows (BENCH_TABLE_SIZE) so that each point select repeats" % d["hit_ratio"], file=sys.stderr)
PYEOF
fi
python3 "$HELPERS/report.py" "$WORK/runs.tsv" "$(getconf CLK_TCK)" || { KEEP=1; exit 1; }
