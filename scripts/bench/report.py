"""Summarises the runs of scripts/bench-proxy.sh: one Markdown table per protocol mode plus Gatehouse's ratios.

Usage: report.py RUNS_TSV CLK_TCK
RUNS_TSV has one line per sysbench run: round, mode, target, exit status, proxy CPU ticks used during the run
(empty for the direct target) and the path of sysbench's output. Exits 1 if any run failed or reported errors.
"""
import re
import statistics
import sys

# "baseline": BENCH_BASELINE_REF's build with the same service; "filtered": Gatehouse with BENCH_FILTER's filter
TARGETS = ("direct", "haproxy", "gatehouse", "baseline", "filtered")
MODES = {"disable": "text protocol (--db-ps-mode=disable)", "auto": "prepared statements (--db-ps-mode=auto)"}
GOAL_THROUGHPUT = 0.85  # Gatehouse queries/s at least this times HAProxy's
GOAL_CPU = 1.25  # Gatehouse CPU per query at most this times HAProxy's

PATTERNS = {
    "tps": r"transactions:\s+\d+\s+\(([\d.]+) per sec",
    "queries": r"queries:\s+(\d+)\s+\(",
    "qps": r"queries:\s+\d+\s+\(([\d.]+) per sec",
    "errors": r"ignored errors:\s+(\d+)",
    "reconnects": r"reconnects:\s+(\d+)",
    "avg": r"avg:\s+([\d.]+)",
    "p95": r"95th percentile:\s+([\d.]+)",
}


def parse_run(line, clk_tck):
    rnd, mode, target, rc, ticks, path = line.rstrip("\n").split("\t")
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    run = {"round": int(rnd), "mode": mode, "target": target, "rc": int(rc), "path": path}
    for key, pattern in PATTERNS.items():
        m = re.search(pattern, text)
        run[key] = float(m.group(1)) if m else None
    run["ok"] = run["rc"] == 0 and run["qps"] is not None and run["queries"]
    run["cpu_us"] = None
    if ticks and run["ok"]:
        run["cpu_us"] = int(ticks) * 1e6 / clk_tck / run["queries"]
    run["bad"] = 0 if run["ok"] else 1
    run["bad"] += int((run["errors"] or 0) + (run["reconnects"] or 0))
    return run


def fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def report_mode(mode, runs):
    print(f"\n### {MODES[mode]}\n")
    print("| round | target | tps | queries/s | avg ms | p95 ms | proxy CPU µs/query | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        status = str(r["bad"]) if r["ok"] else f"FAILED (exit {r['rc']}, see {r['path']})"
        print(f"| {r['round']} | {r['target']} | {fmt(r['tps'])} | {fmt(r['qps'])} | {fmt(r['avg'], 2)} "
              f"| {fmt(r['p95'], 2)} | {fmt(r['cpu_us'])} | {status} |")
    print("\nMedian over rounds:\n")
    print("| target | tps | queries/s | avg ms | p95 ms | proxy CPU µs/query |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in TARGETS:
        mine = [r for r in runs if r["target"] == t and r["ok"]]
        if not mine:
            continue
        print(f"| {t} | " + " | ".join(fmt(median([r[k] for r in mine]), d) for k, d in
                                        (("tps", 1), ("qps", 1), ("avg", 2), ("p95", 2), ("cpu_us", 1))) + " |")
    by_round = {}
    for r in runs:
        if r["ok"]:
            by_round.setdefault(r["round"], {})[r["target"]] = r
    thr, cpu, direct = [], [], []
    for rnd in sorted(by_round):
        g, h, d = (by_round[rnd].get(t) for t in ("gatehouse", "haproxy", "direct"))
        if g and h:
            thr.append(ratio(g["qps"], h["qps"]))
            cpu.append(ratio(g["cpu_us"], h["cpu_us"]))
        if g and d:
            direct.append(ratio(g["qps"], d["qps"]))
    t_med, c_med, d_med = median(thr), median(cpu), median(direct)
    t_ok = t_med is not None and t_med >= GOAL_THROUGHPUT
    c_ok = c_med is not None and c_med <= GOAL_CPU
    print("\nGatehouse ratios (median of per-round ratios; per round in brackets):\n")
    print(f"- throughput Gatehouse/HAProxy: {fmt(t_med, 2)} [{', '.join(fmt(v, 2) for v in thr)}] "
          f"(goal ≥ {GOAL_THROUGHPUT}: {'met' if t_ok else 'NOT met'})")
    print(f"- CPU per query Gatehouse/HAProxy: {fmt(c_med, 2)} [{', '.join(fmt(v, 2) for v in cpu)}] "
          f"(goal ≤ {GOAL_CPU}: {'met' if c_ok else 'NOT met'})")
    print(f"- throughput Gatehouse/direct: {fmt(d_med, 2)} [{', '.join(fmt(v, 2) for v in direct)}]")
    report_pair(by_round, "baseline", "gatehouse", "now/before (Gatehouse / BENCH_BASELINE_REF's build)")
    b_thr, b_cpu = [], []
    for rnd in sorted(by_round):
        b, h = by_round[rnd].get("baseline"), by_round[rnd].get("haproxy")
        if b and h:
            b_thr.append(ratio(b["qps"], h["qps"]))
            b_cpu.append(ratio(b["cpu_us"], h["cpu_us"]))
    if b_thr:
        print(f"- throughput before/HAProxy: {fmt(median(b_thr), 2)} [{', '.join(fmt(v, 2) for v in b_thr)}]")
        print(f"- CPU per query before/HAProxy: {fmt(median(b_cpu), 2)} [{', '.join(fmt(v, 2) for v in b_cpu)}]")
    f_thr, f_cpu = [], []
    for rnd in sorted(by_round):
        g, f = by_round[rnd].get("gatehouse"), by_round[rnd].get("filtered")
        if g and f:
            f_thr.append(ratio(f["qps"], g["qps"]))
            f_cpu.append(ratio(f["cpu_us"], g["cpu_us"]))
    if f_thr:
        print(f"- throughput with the filter / without: {fmt(median(f_thr), 2)} "
              f"[{', '.join(fmt(v, 2) for v in f_thr)}]")
        print(f"- CPU per query with the filter / without: {fmt(median(f_cpu), 2)} "
              f"[{', '.join(fmt(v, 2) for v in f_cpu)}]")


def report_pair(by_round, before, after, label):
    """Prints the median and per-round ratios of throughput and CPU per query of target {after} to {before}."""
    thr, cpu = [], []
    for rnd in sorted(by_round):
        b, a = by_round[rnd].get(before), by_round[rnd].get(after)
        if b and a:
            thr.append(ratio(a["qps"], b["qps"]))
            cpu.append(ratio(a["cpu_us"], b["cpu_us"]))
    if thr:
        print(f"- throughput {label}: {fmt(median(thr), 2)} [{', '.join(fmt(v, 2) for v in thr)}]")
        print(f"- CPU per query {label}: {fmt(median(cpu), 2)} [{', '.join(fmt(v, 2) for v in cpu)}]")


def main():
    runs_file, clk_tck = sys.argv[1], int(sys.argv[2])
    with open(runs_file, encoding="utf-8") as f:
        runs = [parse_run(line, clk_tck) for line in f if line.strip()]
    for mode in MODES:
        mine = [r for r in runs if r["mode"] == mode]
        if mine:
            report_mode(mode, mine)
    bad = sum(r["bad"] for r in runs)
    print(f"\nsysbench errors, reconnects and failed runs in total: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
