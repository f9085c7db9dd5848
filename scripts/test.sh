#!/bin/sh
# Runs every test of every module (real MariaDB servers, real clients, paranoid Netty leak detection).
set -e
cd "$(dirname "$0")/.."
exec mvn -B -ntp install "$@"
