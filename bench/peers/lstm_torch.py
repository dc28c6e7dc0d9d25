#!/usr/bin/python3
"""bench/peers/lstm_torch.py: PyTorch's peer of ad-forecast's LSTM.
  lstm_torch.py train IN.ndjson MODEL.pt [--threads 2]
      LSTM(1 -> 64, one layer) + Linear(64 -> 1) on the last hidden state,
      one-step-ahead on windows of 30 min-max normalised values; the first
      80% of the points train it (min and max from them), the windows whose
      target lies in the last 20% give the validation RMSE (original units,
      printed as JSON); Adam(0.001), MSE, 20 epochs, batch 128, shuffled
      with seed 0.  Saves the weights, min and max to MODEL.pt.
  lstm_torch.py run MODEL.pt IN.ndjson OUT.ndjson
      streams the points: a forecast for each point that has 30 before it,
      one window at a time (batch of 1, no_grad), written with the point,
      the forecast and the error, as NDJSON (like ad-forecast run)."""
import json, os, sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # libgomp's busy wait stalls on 2 shared cores
import numpy as np
import torch
from torch import nn

W, H = 30, 64


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, H, batch_first=True)
        self.head = nn.Linear(H, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :]).squeeze(-1)


def points(path):
    recs = [json.loads(l) for l in open(path)]
    return recs, np.array([r["value"] for r in recs], dtype=np.float32)


def train(src, model, threads="2"):
    torch.set_num_threads(int(threads))
    torch.manual_seed(0)
    _, v = points(src)
    cut = int(len(v) * 0.8)
    lo, hi = float(v[:cut].min()), float(v[:cut].max())
    s = (v - lo) / (hi - lo)
    idx = np.arange(len(s) - W)[:, None] + np.arange(W)[None, :]
    x, y = torch.from_numpy(s[idx]).unsqueeze(-1), torch.from_numpy(s[W:])
    tr = np.arange(len(y))[W + np.arange(len(y)) < cut]
    te = np.arange(len(y))[W + np.arange(len(y)) >= cut]
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=0.001)
    rng = np.random.default_rng(0)
    for _ in range(20):
        order = rng.permutation(tr)
        for i in range(0, len(order), 128):
            b = order[i:i + 128]
            opt.zero_grad()
            loss = nn.functional.mse_loss(net(x[b]), y[b])
            loss.backward()
            opt.step()
    with torch.no_grad():
        err = (net(x[te]) - y[te]).numpy() * (hi - lo)
    torch.save({"state": net.state_dict(), "lo": lo, "hi": hi}, model)
    print(json.dumps({"val_rmse": float(np.sqrt(np.mean(err ** 2))), "windows": len(tr)}))


def run(model, src, dst):
    torch.set_num_threads(1)
    m = torch.load(model)
    net = Net()
    net.load_state_dict(m["state"])
    net.eval()
    lo, hi = m["lo"], m["hi"]
    recs, v = points(src)
    s = torch.from_numpy((v - lo) / (hi - lo))
    with open(dst, "w") as out, torch.no_grad():
        for i in range(W, len(v)):
            f = float(net(s[i - W:i].reshape(1, W, 1))) * (hi - lo) + lo
            r = recs[i]
            out.write(json.dumps({"id": r["id"], "ts": r["ts"], "value": r["value"], "forecast": f,
                                  "error": r["value"] - f}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    opts = {}
    while len(args) >= 2 and args[-2].startswith("--"):
        v = args.pop()
        opts[args.pop()[2:]] = v
    {"train": train, "run": run}[cmd](*args, **opts)
