#!/bin/sh
# Installs what Gatehouse's build, tests and sandbox need on Debian/Ubuntu, when it is missing:
# a JDK 17+, Maven, MariaDB's server and client, sysbench, HAProxy (benchmarks), the MariaDB test suite files,
# Python's prometheus_client (its text-format parser checks GET /metrics in the tests) and the Galera library (the
# galeramon tests run a three-node Galera cluster; its state transfers use mysqldump, from mariadb-client), and
# redis-server and memcached (the cache filter's remote storages are tested against real ones), and Chromium with
# its chromedriver (the web GUI's test drives a headless browser through Selenium).
set -e
need=""
command -v java >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
{ command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } || need="$need mariadb-server"
command -v mariadb >/dev/null 2>&1 || need="$need mariadb-client"
command -v sysbench >/dev/null 2>&1 || need="$need sysbench"
{ command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; } || need="$need haproxy"
/usr/bin/python3 -c "import prometheus_client.parser" >/dev/null 2>&1 || need="$need python3-prometheus-client"
/usr/bin/python3 -c "import pymongo" >/dev/null 2>&1 || need="$need python3-pymongo"
[ -f /usr/lib/galera/libgalera_smm.so ] || need="$need galera-4"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
[ -d /usr/share/mysql/mysql-test ] || [ -d /usr/share/mariadb/mariadb-test ] || dpkg -s mariadb-test >/dev/null 2>&1 || need="$need mariadb-test"
command -v redis-server >/dev/null 2>&1 || need="$need redis-server"
{ command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ]; } || need="$need memcached"
if [ -z "$need" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install:$need" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Not root and no sudo: please install as root: apt-get install -y$need" >&2
    exit 1
  fi
fi
echo "Installing:$need"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
# Debian starts the packaged server; the tests and the sandbox run their own, so stop it to free resources.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop mariadb >/dev/null 2>&1 || true; fi
$SUDO service mariadb stop >/dev/null 2>&1 || true
for svc in redis-server memcached; do
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop $svc >/dev/null 2>&1 || true; fi
  $SUDO service $svc stop >/dev/null 2>&1 || true
done
