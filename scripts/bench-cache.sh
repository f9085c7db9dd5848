#!/bin/sh
# Cache benchmark: sysbench oltp_point_select directly, through HAProxy, through Gatehouse, and through Gatehouse with
# the cache filter in front, interleaved in one run (scripts/bench-proxy.sh with BENCH_FILTER=cache); ends with the
# cache's hit ratio from the REST API. 1000 rows per table by default (4000 distinct point selects), so that each
# repeats within a short run. Takes bench-proxy.sh's options and variables.
BENCH_FILTER=cache BENCH_TABLE_SIZE=${BENCH_TABLE_SIZE:-1000} exec "$(dirname "$0")/bench-proxy.sh" "$@"
