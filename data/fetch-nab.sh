#!/bin/sh
# Download the whole Numenta Anomaly Benchmark corpus (58 series, their
# anomaly windows and the scoring profiles; MIT licence) from
# github.com/numenta/NAB at the commit the development split was taken
# from, into data/nab/ (or the directory given), where the internet can
# be reached; files already there are kept.  Only data/,
# labels/combined_windows.json and config/profiles.json are fetched: no
# published results.  Then:
#   NAB_DIR=data/nab bench/nab.sh
# The files the development split (../shared/data/nab-dev) also holds
# are checked against it when it is there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rev=${NAB_REV:-ea702d75cc2258d9d7dd35ca8e5e2539d71f3140}
base=${NAB_URL:-https://raw.githubusercontent.com/numenta/NAB/$rev}
dest=${1:-$here/nab}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
dev=$here/../../shared/data/nab-dev

get() {
	[ -s "$dest/$1" ] && return 0
	mkdir -p "$dest/$(dirname "$1")"
	curl -fsSL --retry 3 -o "$dest/$1.part" "$base/$1"
	mv "$dest/$1.part" "$dest/$1"
}

get labels/combined_windows.json
get config/profiles.json
# the series are the keys of the windows file: "category/name.csv"
files=$(grep -oE '"[A-Za-z]+/[^"]+\.csv"' "$dest/labels/combined_windows.json" | tr -d '"')
n=0
for f in $files; do
	get "data/$f"
	n=$((n + 1))
done
[ "$n" -eq 58 ] || { echo "fetch-nab: $n series, expected 58" >&2; exit 1; }
if [ -d "$dev/data" ]; then
	for f in $(cd "$dev/data" && find . -name '*.csv' | sed 's|^\./||'); do
		cmp -s "$dev/data/$f" "$dest/data/$f" ||
			{ echo "fetch-nab: data/$f differs from $dev" >&2; exit 1; }
	done
	cmp -s "$dev/config/profiles.json" "$dest/config/profiles.json" ||
		{ echo "fetch-nab: config/profiles.json differs from $dev" >&2; exit 1; }
fi
echo "fetch-nab: $n series in $dest"
