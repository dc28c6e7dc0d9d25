#!/usr/bin/python3
"""bench/peers/alert_count.py < IN.ndjson > ALERTS.ndjson: the Python peer of
ad-alert --when mismatch --count 3 --within 10m --cooldown 5m: json.loads
per line and a deque of mismatch times per key."""
import collections, json, sys
N, W, CD = 3, 600000, 300000
state = {}
for line in sys.stdin:
    r = json.loads(line)
    k, t = r["id"], r["ts"]
    s = state.get(k)
    if s is None:
        s = state[k] = [collections.deque(), False, None]
    dq = s[0]
    if r["mismatch"]:
        dq.append(t)
    while dq and dq[0] < t - W:
        dq.popleft()
    if len(dq) >= N:
        if not s[1] and (s[2] is None or t - s[2] >= CD):
            s[1], s[2] = True, t
            print(json.dumps({"alert": "count", "id": k, "status": "firing",
                "since": dq[0], "ts": t, "count": len(dq),
                "reason": "%d mismatches within 10m" % len(dq),
                "evidence": list(dq)}))
    else:
        s[1] = False
