#!/bin/sh
# Benchmark: the LSTM forecaster of ad-forecast against the PyTorch peer
# (../shared/peers/lstm_torch.py), in the same run, on the same data and
# machine: series_minutes.csv averaged over 5 minutes (8,640 points, as the
# peer does), window 30, hidden 64, 20 epochs, batch 128, Adam 0.001, the
# first 80% of the points for training and the windows whose target lies
# in the last 20% for the test RMSE.
#
# Prints training wall time, test RMSE and one-window-at-a-time inference
# rate for both, and the ratios against the issue's targets (train <= 0.3x,
# RMSE <= 1.05x, inference >= 5x).  Our times are whole commands (start-up,
# reading NDJSON, the validation pass after every epoch, writing the model);
# the peer's are inside the process, after loading.  `ad-forecast run` is
# the streaming path (NDJSON in, one forecast per point, NDJSON out); its
# rate is points per second over the whole command.
set -e
cd "$(dirname "$0")/.."
PEERS=${PEERS:-../shared/peers}
CSV=${CSV:-$PEERS/series_minutes.csv}
THREADS=${THREADS:-2}
OUT=${TMPDIR:-/tmp}/adpipe-bench-lstm.$$
trap 'rm -f "$OUT".*' EXIT
[ -r "$CSV" ] || { echo "bench/lstm.sh: $CSV absent, skipped"; exit 0; }
make -s all >/dev/null

now() { date +%s.%N; }
# user + system CPU seconds of a command, whatever else the machine runs
TIME="/usr/bin/time -f %U+%S"
cpu() { awk -F+ '{ printf "%.1f", $1 + $2 }' "$1"; }
json() { sed -E "s/.*\"$1\": ?([0-9.eE+-]+).*/\1/"; }

# The peer's 5-minute means, as NDJSON points (ISO times of each bucket).
awk -F, 'NR > 1 { s += $2; if (++n == 1) t = $1
	if (n == 5) { printf "{\"id\":\"series\",\"ts\":\"%s\",\"value\":%.17g}\n", t, s / 5; s = n = 0 } }' \
	"$CSV" > "$OUT.ndjson"
points=$(wc -l < "$OUT.ndjson")

echo "PyTorch peer (lstm_torch.py, torch.set_num_threads(2)) ..."
if $TIME -o "$OUT.torchcpu" /usr/bin/python3 "$PEERS/lstm_torch.py" "$CSV" --threads 2 > "$OUT.torch"; then
	pt_train=$(json train_s < "$OUT.torch")
	pt_rmse=$(json test_rmse < "$OUT.torch")
	pt_rate=$(json infer_windows_per_s < "$OUT.torch")
	echo "  train ${pt_train} s, test RMSE ${pt_rmse}, inference ${pt_rate} windows/s"
	echo "  CPU of the whole command (train, test, inference, start-up): $(cpu "$OUT.torchcpu") s"
else
	echo "  the peer failed (python3-torch missing?): no ratios"
	pt_train=
fi

echo "ad-forecast train ($points points, --threads $THREADS) ..."
t0=$(now)
$TIME -o "$OUT.ourcpu" bin/ad-forecast train --window 30 --hidden 64 --epochs 20 --batch 128 \
	--lr 0.001 --val 0.2 --seed 0 --threads "$THREADS" \
	--report "$OUT.report" -o "$OUT.model" "$OUT.ndjson"
t1=$(now)
our_train=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
our_rmse=$(jq -r '.keys[0].val_rmse' "$OUT.report")
echo "  train ${our_train} s (wall), test RMSE ${our_rmse}; CPU $(cpu "$OUT.ourcpu") s"
echo "  epoch losses (train/val):" $(jq -r '[.models[0].loss[] | "\(.train * 1e6 | round / 1e6)/\(.val * 1e6 | round / 1e6)"] | .[0], .[9], .[19]' "$OUT.report")

best=0
for i in 1 2 3; do
	t0=$(now)
	bin/ad-forecast run --tolerance 1e300 -m "$OUT.model" "$OUT.ndjson" > "$OUT.run"
	t1=$(now)
	r=$(awk -v n="$points" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	[ "$r" -gt "$best" ] && best=$r
done
run_rmse=$(jq -rs --argjson k "$(awk -v n="$points" 'BEGIN { printf "%d", n * 0.8 }')" \
	'[.[$k:][] | .error * .error] | add / length | sqrt' "$OUT.run")
echo "  run: $best points/s (best of 3; a forecast per point), test RMSE from the stream ${run_rmse}"

[ -n "$pt_train" ] || exit 0
awk -v ot="$our_train" -v pt="$pt_train" -v orm="$our_rmse" -v prm="$pt_rmse" \
    -v ori="$best" -v pri="$pt_rate" 'BEGIN {
	printf "ratio train time ours/torch: %.3f (target <= 0.3)\n", ot / pt
	printf "ratio test RMSE ours/torch: %.3f (target <= 1.05)\n", orm / prm
	printf "ratio inference ours/torch: %.1fx (target >= 5x)\n", ori / pri }'
