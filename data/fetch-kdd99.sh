#!/bin/sh
# Download the public KDD Cup 1999 files (10% training set, names, attack
# types) into data/kdd99/, where the internet can be reached, and check
# them against the published MD5 sums.  Tests and benchmarks also look in
# ../shared/data/kdd99/.
set -e
cd "$(dirname "$0")"
base=${KDD99_URL:-http://kdd.ics.uci.edu/databases/kddcup99}
mkdir -p kdd99
for f in kddcup.data_10_percent.gz kddcup.names training_attack_types; do
	[ -s "kdd99/$f" ] || curl -fsSL -o "kdd99/$f" "$base/$f"
done
md5sum -c <<'SUMS'
c421989ff187d340c1265ac3080a3229  kdd99/kddcup.data_10_percent.gz
19e3ed2afd7b83e2268599816e973c63  kdd99/kddcup.names
f6d96584fb6d744adab35a0473fa15b4  kdd99/training_attack_types
SUMS
