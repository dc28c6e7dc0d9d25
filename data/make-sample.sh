#!/bin/sh
# Make data/kdd-sample.csv: 300 rows of synthetic KDD traffic in the KDD
# CSV format (42 columns, no header), from kdd-gen with a fixed seed.
# The JSON fields come out in column order with numbers as written, so
# stripping names and quotes gives the CSV row back.
set -e
cd "$(dirname "$0")/.."
bin/kdd-gen --seed 3 --count 300 --start 2026-11-21T00:00:00Z |
	sed -E 's/,"utc".*//; s/^\{//; s/"[a-z_]+"://g; s/"//g' > data/kdd-sample.csv
wc -l data/kdd-sample.csv
