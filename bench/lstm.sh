#!/bin/sh
# Benchmark: the LSTM forecaster of ad-forecast against PyTorch
# (bench/peers/lstm_torch.py), in the same run, on the same data and
# machine: 43,200 minutes of bench/lib.sh's minute_series averaged over 5
# minutes (8,640 points), window 30, hidden 64, 20 epochs, batch 128, Adam
# 0.001, the first 80% of the points for training and the windows whose
# target lies in the last 20% for the validation RMSE.
#   1. training: both whole commands, NDJSON file in, model file out (ours
#      also writes its report and checks the validation set every epoch);
#   2. streaming: a forecast per point, one window at a time, NDJSON file
#      in and out (ad-forecast run; the peer: batch of 1, no_grad).
# Each pair alternates A B A B (bench/lib.sh; BENCH_RUNS pairs, default 3
# here as a PyTorch training takes about half a minute); the validation
# RMSE of both is printed beside it (not a time: not in the table).
set -e
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
OUT=${TMPDIR:-/tmp}/adpipe-bench-lstm.$$
trap 'rm -f "$OUT".*' EXIT
/usr/bin/python3 -c 'import torch' 2> /dev/null || { echo "bench/lstm.sh: PyTorch not installed (tools/deps.sh --bench), skipped"; exit 0; }
make -s all >/dev/null
. bench/lib.sh
BENCH_RUNS=${BENCH_RUNS:-3}
PT="/usr/bin/python3 bench/peers/lstm_torch.py"

minute_series 43200 | awk -F, 'NR > 1 { s += $2; if (++n == 1) t = $1
	if (n == 5) { printf "{\"id\":\"series\",\"ts\":%d,\"value\":%.17g}\n", 1700000040 + 60 * t, s / 5; s = n = 0 } }' \
	> "$OUT.ndjson"
points=$(wc -l < "$OUT.ndjson")
TRAIN="bin/ad-forecast train --window 30 --hidden 64 --epochs 20 --batch 128 --lr 0.001 --val 0.2 --seed 0 --threads $THREADS --report '$OUT.report' -o '$OUT.model' '$OUT.ndjson'"
sh -c "$TRAIN"
$PT train "$OUT.ndjson" "$OUT.pt" --threads "$THREADS" > "$OUT.torch"
echo "validation RMSE: ad-forecast $(jq -r '.keys[0].val_rmse' "$OUT.report"), PyTorch $(jq -r .val_rmse "$OUT.torch")"
ab lstm-train "LSTM(64) training, 20 epochs, $THREADS threads, NDJSON file to model ($points points)" "$points" bench/lstm.sh \
	ad-forecast "$TRAIN" PyTorch "$PT train '$OUT.ndjson' '$OUT.pt' --threads $THREADS"
ab lstm-run "LSTM(64) streaming, a forecast per point, NDJSON file to file ($points points)" "$points" bench/lstm.sh \
	"ad-forecast run" "bin/ad-forecast run --tolerance 1e300 -m '$OUT.model' '$OUT.ndjson' > '$OUT.run'" \
	PyTorch "$PT run '$OUT.pt' '$OUT.ndjson' '$OUT.ptrun'"
[ "$(wc -l < "$OUT.ptrun")" -eq $((points - 30)) ] || { echo "bench/lstm.sh: the peer wrote $(wc -l < "$OUT.ptrun") forecasts" >&2; exit 1; }
