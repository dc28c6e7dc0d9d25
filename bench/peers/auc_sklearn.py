#!/usr/bin/env python3
"""bench/peers/auc_sklearn.py [--positive V | --negative V] [--score F]
[--truth F] FILE: what `ad-eval --truth label --negative normal.` computes,
done the usual Python way: the NDJSON file read line by line with
json.loads, then scikit-learn's roc_auc_score and average_precision_score;
writes {"auc": .., "pr_auc": .., "records": ..} on stdout."""
import argparse
import json

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

ap = argparse.ArgumentParser()
g = ap.add_mutually_exclusive_group(required=True)
g.add_argument("--positive")
g.add_argument("--negative")
ap.add_argument("--score", default="score")
ap.add_argument("--truth", default="label")
ap.add_argument("file")
a = ap.parse_args()
s, y = [], []
with open(a.file) as f:
    for line in f:
        r = json.loads(line)
        s.append(float(r[a.score]))
        t = r[a.truth]
        y.append(t == a.positive if a.positive is not None else t != a.negative)
s, y = np.array(s), np.array(y)
print(json.dumps({"auc": roc_auc_score(y, s), "pr_auc": average_precision_score(y, s),
                  "records": len(s)}))
