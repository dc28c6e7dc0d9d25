#!/usr/bin/python3
"""bench/peers/rf_sklearn.py: scikit-learn's peer of ad-train-rf and ad-score.
  rf_sklearn.py train IN.ndjson MODEL.pkl [--mtry all|sqrt] [--trees 100] [--depth 20]
      reads the NDJSON (json.loads), fits RandomForestClassifier on the
      numeric fields (label != "normal." is the class), pickles the model.
  rf_sklearn.py score MODEL.pkl IN.ndjson OUT.ndjson
      reads the NDJSON, predict_proba in batches of 10,000, writes each
      record back with "score" added (json.dumps), like ad-score.
  rf_sklearn.py iforest IN.ndjson [--seeds N]
      IsolationForest(100 trees, 256 samples) fitted and scored on every
      record's numeric fields but "attack" (the truth, 0/1); prints the
      ROC AUC, mean of seeds 0-4; with --seeds N, seeds 0 .. N-1 and
      "mean sd min max" (sd the population one).
The categorical fields (protocol_type, service, flag) are left out: the
scikit-learn forest takes numbers only (ad-train-rf uses them)."""
import json, pickle, sys
import numpy as np

SKIP = {"protocol_type", "service", "flag", "label", "utc", "uuid", "sequence_id", "index"}


def numeric_names(rec):
    return [k for k, v in rec.items() if k not in SKIP and isinstance(v, (int, float))]


def train(src, model, mtry="all", trees="100", depth="20"):
    from sklearn.ensemble import RandomForestClassifier
    recs = [json.loads(l) for l in open(src)]
    names = numeric_names(recs[0])
    x = np.array([[r[n] for n in names] for r in recs], dtype=np.float32)
    y = np.array([r["label"] != "normal." for r in recs])
    rf = RandomForestClassifier(n_estimators=int(trees), max_depth=int(depth),
                                max_features=None if mtry == "all" else "sqrt", n_jobs=1, random_state=1)
    rf.fit(x, y)
    pickle.dump((names, rf), open(model, "wb"))


def score(model, src, dst):
    names, rf = pickle.load(open(model, "rb"))
    out = open(dst, "w", buffering=1 << 20)
    dumps = json.JSONEncoder(separators=(",", ":")).encode

    def flush(batch):
        p = rf.predict_proba(np.array([[r[n] for n in names] for r in batch], dtype=np.float32))[:, 1]
        for r, s in zip(batch, p):
            r["score"] = float(s)
            out.write(dumps(r) + "\n")

    batch = []
    for line in open(src):
        batch.append(json.loads(line))
        if len(batch) == 10000:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    out.close()


def iforest(src, seeds=None):
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    recs = [json.loads(l) for l in open(src)]
    names = [n for n in numeric_names(recs[0]) if n != "attack"]
    x = np.array([[r[n] for n in names] for r in recs])
    y = np.array([r["attack"] for r in recs])
    aucs = []
    for seed in range(int(seeds or 5)):
        m = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x)
        aucs.append(roc_auc_score(y, -m.score_samples(x)))
    if seeds is None:
        print("%.4f" % (sum(aucs) / len(aucs)))
    else:
        print("%.4f %.4f %.4f %.4f" % (np.mean(aucs), np.std(aucs), min(aucs), max(aucs)))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    opts = {}
    while args and args[-2:-1] and args[-2].startswith("--"):
        opts[args[-2][2:]] = args[-1]
        args = args[:-2]
    {"train": train, "score": score, "iforest": iforest}[cmd](*args, **opts)
