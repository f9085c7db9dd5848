#!/bin/sh
# One command to try Gatehouse: installs MariaDB if missing, builds Gatehouse if needed, starts a local primary and
# two replicas and Gatehouse in front of them, prints how to connect; Ctrl-C stops everything.
set -e
cd "$(dirname "$0")"
sh scripts/install-deps.sh
DIST=gatehouse-server/target/gatehouse-0.1.0-SNAPSHOT/gatehouse-0.1.0-SNAPSHOT
if [ ! -x "$DIST/bin/gatehouse-sandbox" ] || [ -n "$(find . -name '*.java' -newer "$DIST/bin/gatehouse-sandbox" -print -quit)" ]; then
  echo "Building Gatehouse ..."
  mvn -q -B -DskipTests -pl gatehouse-server -am install
  touch "$DIST/bin/gatehouse-sandbox"
fi
exec "$DIST/bin/gatehouse-sandbox" "${1:-sandbox-data}"
