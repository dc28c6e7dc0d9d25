#!/bin/sh
# bench/peers/kdd_to_ndjson_mlr.sh KDD.csv[.gz] OUT.ndjson: the Miller peer
# of kdd-gen --in-order: the 42 KDD fields by name (Miller keeps each value
# as the input spells it), then utc, uuid (v4), sequence_id and index.
set -eu
NAMES=duration,protocol_type,service,flag,src_bytes,dst_bytes,land,wrong_fragment,urgent,hot,num_failed_logins,logged_in,num_compromised,root_shell,su_attempted,num_root,num_file_creations,num_shells,num_access_files,num_outbound_cmds,is_host_login,is_guest_login,count,srv_count,serror_rate,srv_serror_rate,rerror_rate,srv_rerror_rate,same_srv_rate,diff_srv_rate,srv_diff_host_rate,dst_host_count,dst_host_srv_count,dst_host_same_srv_rate,dst_host_diff_srv_rate,dst_host_same_src_port_rate,dst_host_srv_diff_host_rate,dst_host_serror_rate,dst_host_srv_serror_rate,dst_host_rerror_rate,dst_host_srv_rerror_rate,label
mlr --icsv --implicit-csv-header --ojsonl label "$NAMES" then put '
	$utc = strftime(systime(), "%Y-%m-%dT%H:%M:%6SZ");
	$uuid = fmtnum(urand32(), "%08x") . "-" . fmtnum(urandint(0, 65535), "%04x") . "-"
		. fmtnum(0x4000 | urandint(0, 4095), "%04x") . "-" . fmtnum(0x8000 | urandint(0, 16383), "%04x")
		. "-" . fmtnum(urandint(0, 65535), "%04x") . fmtnum(urand32(), "%08x");
	$sequence_id = NR;
	$index = NR - 1;
' "$1" > "$2"
