#!/usr/bin/python3
"""bench/peers/kdd_to_ndjson.py KDD.csv[.gz] -o OUT.ndjson: the Python peer
of kdd-gen --in-order.  One JSON object per input row: the 42 KDD fields by
name (counts as integers, the *_rate columns as floats, the four text
columns as strings), then utc (emission time), uuid (v4), sequence_id
(1-based) and index (0-based row), written compactly with the json module."""
import argparse, datetime, gzip, json, sys, uuid

NAMES = ("duration protocol_type service flag src_bytes dst_bytes land wrong_fragment urgent hot "
         "num_failed_logins logged_in num_compromised root_shell su_attempted num_root "
         "num_file_creations num_shells num_access_files num_outbound_cmds is_host_login "
         "is_guest_login count srv_count serror_rate srv_serror_rate rerror_rate srv_rerror_rate "
         "same_srv_rate diff_srv_rate srv_diff_host_rate dst_host_count dst_host_srv_count "
         "dst_host_same_srv_rate dst_host_diff_srv_rate dst_host_same_src_port_rate "
         "dst_host_srv_diff_host_rate dst_host_serror_rate dst_host_srv_serror_rate "
         "dst_host_rerror_rate dst_host_srv_rerror_rate label").split()
TEXT = {"protocol_type", "service", "flag", "label"}
conv = [str if n in TEXT else float if n.endswith("_rate") else int for n in NAMES]

ap = argparse.ArgumentParser()
ap.add_argument("input")
ap.add_argument("-o", "--output", required=True)
a = ap.parse_args()
opener = gzip.open if a.input.endswith(".gz") else open
dumps = json.JSONEncoder(separators=(",", ":")).encode
now = datetime.datetime.now
utc = datetime.timezone.utc
with opener(a.input, "rt") as f, open(a.output, "w", buffering=1 << 20) as out:
    for i, line in enumerate(f):
        v = line.rstrip("\n").split(",")
        if len(v) != len(NAMES):
            sys.exit("kdd_to_ndjson.py: %s:%d: %d fields, not %d" % (a.input, i + 1, len(v), len(NAMES)))
        r = {n: c(x) for n, c, x in zip(NAMES, conv, v)}
        r["utc"] = now(utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        r["uuid"] = str(uuid.uuid4())
        r["sequence_id"] = i + 1
        r["index"] = i
        out.write(dumps(r))
        out.write("\n")
