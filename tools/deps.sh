#!/bin/sh
# Install what adpipe needs to build and test, when it is missing, from
# Debian's packages (through sudo when not root, printing the command).
# "deps.sh fuzz" adds clang and its libFuzzer runtime for make fuzz;
# "deps.sh --bench" adds the peers bench/peers/ runs against (make bench):
# scikit-learn, R, PyTorch and Miller, all Debian packages.
set -e
missing=""
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' || missing="$missing $1"; }
for p in build-essential pkg-config libjansson-dev librdkafka-dev libcsv-dev \
	zlib1g-dev bats bats-support bats-assert groff-base jq python3 librsvg2-bin \
	clang-format; do
	need "$p"
done
if [ "$1" = fuzz ]; then
	need clang
	need libclang-rt-dev
fi
if [ "$1" = --bench ]; then
	for p in python3-numpy python3-sklearn r-base-core python3-torch miller bc; do
		need "$p"
	done
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "+ $sudo apt-get update && $sudo apt-get install -y$missing" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
