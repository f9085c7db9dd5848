#!/bin/sh
# Runs one list of maxctrl calls (the ones MaxScale's documentation shows) with MaxScale's own maxctrl and with
# gatectl against one running Gatehouse, normalises what changes from run to run (times, uptimes, loads, monitor
# ticks) and prints a diff per call; exit 0 when every call prints the same with both. The objects it creates
# (gh-cmp-*) it removes again and the global parameter it alters it sets back, so the second client starts from
# the state the first one found.
#
# maxctrl is not part of Gatehouse: pass the path of its maxctrl.js (from MaxScale's source tree, with its node
# modules installed or on NODE_PATH) in MAXCTRL.
#
#   MAXCTRL=/path/to/maxctrl/maxctrl.js sh scripts/compare-maxctrl.sh [--hosts H:P] [-u USER] [-p PASSWORD]
#       [--gatectl PATH] [--keep DIR]
set -u
HOSTS=127.0.0.1:8989
ADMIN_USER=admin
ADMIN_PASSWORD=mariadb
GATECTL=
KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts|-h) HOSTS=$2; shift 2 ;;
    -u|--user) ADMIN_USER=$2; shift 2 ;;
    -p|--password) ADMIN_PASSWORD=$2; shift 2 ;;
    --gatectl) GATECTL=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
if [ -z "${MAXCTRL:-}" ] || [ ! -f "$MAXCTRL" ]; then
  echo "MAXCTRL must name maxctrl.js (MaxScale's maxctrl, run with node)" >&2
  exit 2
fi
if [ -z "$GATECTL" ]; then
  GATECTL=$(ls gatehouse-server/target/gatehouse-*/gatehouse-*/bin/gatectl 2>/dev/null | head -1)
fi
if [ ! -x "$GATECTL" ]; then
  echo "no gatectl found: build the distribution or pass --gatectl PATH" >&2
  exit 2
fi
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK/maxctrl" "$WORK/gatectl"
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT

maxctrl() { node "$MAXCTRL" --hosts "$HOSTS" -u "$ADMIN_USER" -p "$ADMIN_PASSWORD" "$@"; }
gatectl() { "$GATECTL" --hosts "$HOSTS" -u "$ADMIN_USER" -p "$ADMIN_PASSWORD" "$@"; }

# Names of the objects the running configuration has; the calls below show them.
first() { maxctrl api get "$1" "data[0].id" 2>/dev/null | tr -d '"'; }
SERVER=$(first servers); SERVICE=$(first services); MONITOR=$(first monitors); LISTENER=$(first listeners)
if [ -z "$SERVER" ] || [ -z "$SERVICE" ] || [ -z "$MONITOR" ]; then
  echo "cannot read the servers, services and monitors of $HOSTS with maxctrl" >&2
  exit 2
fi
PORT=$(maxctrl api get "servers/$SERVER" data.attributes.parameters.port 2>/dev/null)
AUTH_TIMEOUT=$(maxctrl api get maxscale data.attributes.parameters.auth_connect_timeout 2>/dev/null | tr -d '"')
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# One call a line; words are split by the shell (no globbing), so no argument has spaces.
set -f
CALLS="list servers
list services
list listeners
list monitors
list sessions
list filters
list modules
list threads
list users
list commands
show maxscale
show servers
show services
show monitors
show sessions
show filters
show threads
show logging
show qc_cache
show server $SERVER
show service $SERVICE
show monitor $MONITOR
show listener $LISTENER
show thread 0
show module readwritesplit
api get servers data[].attributes.state
api get maxscale data.attributes.version
classify SELECT@@version
create server gh-cmp-server 127.0.0.1 $PORT
alter server gh-cmp-server port $PORT
show server gh-cmp-server
create monitor gh-cmp-monitor mariadbmon user=gh-cmp-user password=gh-cmp-password
link monitor gh-cmp-monitor gh-cmp-server
alter monitor gh-cmp-monitor monitor_interval 1000
stop monitor gh-cmp-monitor
start monitor gh-cmp-monitor
create service gh-cmp-service readwritesplit user=gh-cmp-user password=gh-cmp-password
link service gh-cmp-service gh-cmp-server
alter service gh-cmp-service retain_last_statements 5
alter service gh-cmp-service user gh-cmp-user2
create listener gh-cmp-service gh-cmp-listener $FREE
show listener gh-cmp-listener
create filter gh-cmp-filter regexfilter match=ENGINE=MyISAM replace=ENGINE=InnoDB
alter service-filters gh-cmp-service gh-cmp-filter
alter service-filters gh-cmp-service
stop service gh-cmp-service
start service gh-cmp-service
set server gh-cmp-server maintenance
clear server gh-cmp-server maintenance
set server gh-cmp-server drain
clear server gh-cmp-server drain
unlink service gh-cmp-service gh-cmp-server
unlink monitor gh-cmp-monitor gh-cmp-server
destroy listener gh-cmp-listener
destroy filter gh-cmp-filter
destroy service gh-cmp-service
destroy monitor gh-cmp-monitor
destroy server gh-cmp-server
create user gh-cmp-user gh-cmp-pass1
alter user gh-cmp-user gh-cmp-pass2
destroy user gh-cmp-user
create user gh-cmp-admin gh-cmp-pass1 --type=admin
destroy user gh-cmp-admin
enable log-priority info
disable log-priority info
alter maxscale auth_connect_timeout 5s
alter maxscale auth_connect_timeout ${AUTH_TIMEOUT:-10s}
rotate logs
reload tls"

# Tables become one line a row of trimmed cells; volatile values become placeholders.
normalise() {
  sed -e '/^[┌├└]/d' -e 's/^│ *//' -e 's/ *│$//' -e 's/ *│ */ | /g' \
      -e 's/[A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]\{4\} [0-9:]\{8\} GMT/<time>/g' \
      -e 's#[0-9]\{1,2\}/[0-9]\{1,2\}/[0-9]\{4\}, [0-9:]\{7,8\} [AP]M#<time>#g' \
      -e 's/^\(Uptime\|Idle\|Connected\) | .*/\1 | <n>/' \
      -e 's/"\(uptime\|last_login\|started_at\|activated_at\|ticks\)": [^,]*/"\1": <v>/' \
      -e 's/^\([0-9]*\) | \(.*\) | [0-9.]* | [0-9.]* | [0-9.]*$/\1 | \2 | <load>/' \
      -e 's/^\(Load ([0-9a-z]*)\) | .*/\1 | <load>/'
}

run_all() { # $1 = client function name; outputs into $WORK/$1/NNN
  n=0
  printf '%s\n' "$CALLS" | while IFS= read -r call; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    { $1 $call 2>&1; echo "[exit $?]"; } | normalise > "$WORK/$1/$(printf %03d $n)"
  done
}
run_all maxctrl
run_all gatectl

same=0; differ=0; n=0
printf '%s\n' "$CALLS" > "$WORK/calls"
while IFS= read -r call; do
  n=$((n + 1)); f=$(printf %03d $n)
  if cmp -s "$WORK/maxctrl/$f" "$WORK/gatectl/$f"; then
    same=$((same + 1)); echo "same    $call"
  else
    differ=$((differ + 1)); echo "DIFFERS $call"
    diff -u --label "maxctrl $call" --label "gatectl $call" "$WORK/maxctrl/$f" "$WORK/gatectl/$f" | sed 's/^/    /'
  fi
done < "$WORK/calls"
echo "$same calls print the same, $differ differ (hosts $HOSTS)"
[ "$differ" -eq 0 ]
