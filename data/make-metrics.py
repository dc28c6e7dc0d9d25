#!/usr/bin/env python3
"""Synthetic ops metrics for the demo and the end-to-end tests.

Writes NDJSON points {"id","ts","value"} (ts in epoch ms, 5-minute steps) for
metrics of the four classes ad-classify tells apart, with anomalies injected
at known times, a few points missing (gaps for ad-clean --series to fill),
and the truth as NDJSON on a second file: {"id","ts","kind"}.

usage: make-metrics.py [--days N] [--seed S] POINTS.ndjson TRUTH.ndjson
"""
import argparse
import json
import math
import random

STEP = 300_000  # 5 minutes in ms
DAY = 288  # steps per day
START = 1_795_219_200_000  # 2026-11-21T00:00:00Z


def series(kind, n, rng):
    level, walk = 0.0, 0.0
    for i in range(n):
        phase = 2 * math.pi * i / DAY
        if kind == "periodic-stable":
            yield 50 + 20 * math.sin(phase) + 5 * math.sin(2 * phase) + rng.gauss(0, 1)
        elif kind == "periodic-unstable":
            yield 50 + 20 * math.sin(phase) + rng.gauss(0, 8)
        elif kind == "nonperiodic-stable":
            yield 200 + 40 * i / n + rng.gauss(0, 0.5)
        else:
            walk += rng.gauss(0, 1)
            level = 0.98 * level + walk * 0.02
            yield 100 + rng.gauss(0, 10) + level


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("points")
    ap.add_argument("truth")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    n = a.days * DAY
    metrics = [
        ("cpu.web1", "periodic-stable"),
        ("req.api", "periodic-stable"),
        ("lat.db", "periodic-unstable"),
        ("disk.used", "nonperiodic-stable"),
        ("queue.depth", "nonperiodic-unstable"),
    ]
    with open(a.points, "w") as out, open(a.truth, "w") as truth:
        for name, kind in metrics:
            values = list(series(kind, n, rng))
            # Anomalies only in the last quarter, after a clean training span.
            spikes = sorted(rng.sample(range(n * 3 // 4, n - 10), 4))
            for s in spikes:
                values[s] += 60 if kind != "nonperiodic-stable" else 30
                truth.write(json.dumps({"id": name, "ts": START + s * STEP, "kind": "spike"}, separators=(",", ":")) + "\n")
            gaps = set(rng.sample(range(10, n * 3 // 4), 6))
            for i, v in enumerate(values):
                if i in gaps:
                    continue
                out.write(json.dumps({"id": name, "ts": START + i * STEP, "value": round(v, 3)}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
