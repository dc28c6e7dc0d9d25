#!/usr/bin/env python3
"""bench/record.py: the statistics of one A/B measurement (bench/lib.sh's
ab), printed and recorded as one JSON line: the machine, the versions,
each side's median and spread (min, max) of wall seconds and, when the
work is counted, of records per second, and the ratio A/B of each pair
(runs alternate, so pair i ran under the same conditions)."""
import json, os, platform, statistics, subprocess, sys, time

(rid, task, n, script, an, ac, bn, bc, times_path, out) = sys.argv[1:11]
n = int(n)
t = {"a": [], "b": []}
for line in open(times_path):
    side, t0, t1 = line.split()
    t[side].append(float(t1) - float(t0))


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def git_version():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def side(name, cmd, secs):
    d = {"name": name, "command": cmd, "runs": len(secs),
         "seconds": {"median": statistics.median(secs), "min": min(secs), "max": max(secs)}}
    if n > 0:
        r = [n / s for s in secs]
        d["per_second"] = {"median": statistics.median(r), "min": min(r), "max": max(r)}
    return d


ratios = [a / b for a, b in zip(t["a"], t["b"])]
rec = {
    "id": rid, "task": task, "script": script, "work": n,
    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": {"cpu": cpu(), "cores": os.cpu_count(), "arch": platform.machine(),
                "load_at_end": os.getloadavg()[0]},
    "versions": {"adpipe": git_version(), "python": platform.python_version()},
    "a": side(an, ac, t["a"]), "b": side(bn, bc, t["b"]),
    # time A / time B per pair: below 1, A is faster
    "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)},
}
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
kept = []
if os.path.exists(out):
    kept = [l for l in open(out) if l.strip() and json.loads(l)["id"] != rid]
with open(out, "w") as f:
    f.writelines(kept)
    f.write(json.dumps(rec) + "\n")
for k, s in (("a", rec["a"]), ("b", rec["b"])):
    m = s["seconds"]
    rate = " = %.0f/s" % s["per_second"]["median"] if n else ""
    print("%s: %s: median %.3f s%s (%.3f..%.3f s, %d runs)" % (rid, s["name"], m["median"], rate,
                                                               m["min"], m["max"], s["runs"]))
r = rec["ratio"]
print("%s: time ratio %s/%s median %.3f (%.3f..%.3f per pair)" % (rid, an, bn, r["median"],
                                                                  r["min"], r["max"]))
