#!/usr/bin/env python3
"""bench/record.py MODE ... OUT: one measurement of bench/lib.sh, printed
and recorded as one JSON line in OUT (replacing a line of the same id):
the machine, the versions, and

  ab ID TASK N SCRIPT A_NAME A_CMD B_NAME B_CMD TIMES
      each side's median and spread (min, max) of wall seconds, of CPU
      seconds and, when the work is counted, of records per second, and
      the ratio A/B of each pair (runs alternate, so pair i ran under the
      same conditions);
  runs ID TASK N SCRIPT NAME CMD TIMES
      the same for one command alone (no "b", no "ratio");
  figure ID TASK SCRIPT NAME UNIT VALUE...
      a figure that is not a time, one value per repeated run: its median
      and spread ("figure" instead of "seconds").

TIMES holds one line per run: "SIDE T0 T1 USER SYS"."""
import json, os, platform, statistics, subprocess, sys, time

mode, args, out = sys.argv[1], sys.argv[2:-1], sys.argv[-1]


def spread(v):
    return {"median": statistics.median(v), "min": min(v), "max": max(v)}


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


def read_times(path):
    t = {"a": [], "b": []}
    for line in open(path):
        side, t0, t1, user, sys_ = line.split()
        t[side].append((float(t1) - float(t0), float(user) + float(sys_)))
    return t


def side(name, cmd, runs, n):
    wall = [w for w, _ in runs]
    d = {"name": name, "command": cmd, "runs": len(runs), "seconds": spread(wall),
         "cpu_seconds": spread([c for _, c in runs])}
    if n > 0:
        d["per_second"] = spread([n / s for s in wall])
        d["per_cpu_second"] = spread([n / c for _, c in runs if c > 0] or [0])
    return d


def show(rid, s, n):
    m, c = s["seconds"], s["cpu_seconds"]
    rate = " = %.0f/s" % s["per_second"]["median"] if n else ""
    print("%s: %s: median %.3f s%s (%.3f..%.3f s), CPU %.3f s (%.3f..%.3f), %d runs" % (
        rid, s["name"], m["median"], rate, m["min"], m["max"], c["median"], c["min"], c["max"],
        s["runs"]))


rec = {}
if mode == "ab":
    rid, task, n, script, an, ac, bn, bc, times = args
    n = int(n)
    t = read_times(times)
    ratios = [a[0] / b[0] for a, b in zip(t["a"], t["b"])]
    rec = {"id": rid, "task": task, "script": script, "work": n,
           "a": side(an, ac, t["a"], n), "b": side(bn, bc, t["b"], n),
           # time A / time B per pair: below 1, A is faster
           "ratio": spread(ratios)}
elif mode == "runs":
    rid, task, n, script, an, ac, times = args
    n = int(n)
    rec = {"id": rid, "task": task, "script": script, "work": n,
           "a": side(an, ac, read_times(times)["a"], n)}
elif mode == "figure":
    rid, task, script, name, unit = args[:5]
    values = [float(v) for v in args[5:]]
    if not values:
        sys.exit("bench/record.py: %s: no values" % rid)
    rec = {"id": rid, "task": task, "script": script, "work": 0,
           "a": {"name": name, "runs": len(values), "unit": unit, "values": values,
                 "figure": spread(values)}}
else:
    sys.exit("bench/record.py: unknown mode %r" % mode)
rec["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
rec["machine"] = {"cpu": cpu(), "cores": os.cpu_count(), "arch": platform.machine(),
                  "load_at_end": os.getloadavg()[0]}
rec["versions"] = {"adpipe": git_version(), "python": platform.python_version()}
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
kept = []
if os.path.exists(out):
    kept = [l for l in open(out) if l.strip() and json.loads(l)["id"] != rec["id"]]
with open(out, "w") as f:
    f.writelines(kept)
    f.write(json.dumps(rec) + "\n")
if mode == "figure":
    a = rec["a"]
    f = a["figure"]
    print("%s: %s: median %g %s (%g..%g, %d runs)" % (rec["id"], a["name"], f["median"], a["unit"],
                                                     f["min"], f["max"], a["runs"]))
else:
    show(rec["id"], rec["a"], rec["work"])
if mode == "ab":
    show(rec["id"], rec["b"], rec["work"])
    r = rec["ratio"]
    print("%s: time ratio %s/%s median %.3f (%.3f..%.3f per pair)" % (
        rec["id"], rec["a"]["name"], rec["b"]["name"], r["median"], r["min"], r["max"]))
