/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The KDD schema and the CSV-row-to-JSON encoder used by kdd-gen.  Numbers
 * are copied as written in the source ("0.00" stays 0.00) once they are
 * checked against JSON's number grammar, so the output is exact and no
 * float is ever reformatted.
 */
#include <stdio.h>
#include <string.h>

#include "base/jscan.h"
#include "base/utf8.h"
#include "record/kdd.h"

#define COL(name, type)                                                        \
	{                                                                      \
		name, sizeof(name) - 1, type                                   \
	}

const struct kdd_column kdd_columns[KDD_NCOLUMNS] = {
    COL("duration", KDD_INT),
    COL("protocol_type", KDD_STRING),
    COL("service", KDD_STRING),
    COL("flag", KDD_STRING),
    COL("src_bytes", KDD_INT),
    COL("dst_bytes", KDD_INT),
    COL("land", KDD_INT),
    COL("wrong_fragment", KDD_INT),
    COL("urgent", KDD_INT),
    COL("hot", KDD_INT),
    COL("num_failed_logins", KDD_INT),
    COL("logged_in", KDD_INT),
    COL("num_compromised", KDD_INT),
    COL("root_shell", KDD_INT),
    COL("su_attempted", KDD_INT),
    COL("num_root", KDD_INT),
    COL("num_file_creations", KDD_INT),
    COL("num_shells", KDD_INT),
    COL("num_access_files", KDD_INT),
    COL("num_outbound_cmds", KDD_INT),
    COL("is_host_login", KDD_INT),
    COL("is_guest_login", KDD_INT),
    COL("count", KDD_INT),
    COL("srv_count", KDD_INT),
    COL("serror_rate", KDD_REAL),
    COL("srv_serror_rate", KDD_REAL),
    COL("rerror_rate", KDD_REAL),
    COL("srv_rerror_rate", KDD_REAL),
    COL("same_srv_rate", KDD_REAL),
    COL("diff_srv_rate", KDD_REAL),
    COL("srv_diff_host_rate", KDD_REAL),
    COL("dst_host_count", KDD_INT),
    COL("dst_host_srv_count", KDD_INT),
    COL("dst_host_same_srv_rate", KDD_REAL),
    COL("dst_host_diff_srv_rate", KDD_REAL),
    COL("dst_host_same_src_port_rate", KDD_REAL),
    COL("dst_host_srv_diff_host_rate", KDD_REAL),
    COL("dst_host_serror_rate", KDD_REAL),
    COL("dst_host_srv_serror_rate", KDD_REAL),
    COL("dst_host_rerror_rate", KDD_REAL),
    COL("dst_host_srv_rerror_rate", KDD_REAL),
    COL("label", KDD_STRING),
};

/* Index of the column called name, or -1. */
int
kdd_column_index(const char *name)
{
	for (int i = 0; i < KDD_NCOLUMNS; i++)
		if (strcmp(kdd_columns[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * Append the 42 fields of a KDD CSV row to b as JSON members, without the
 * braces: "duration":0,"protocol_type":"tcp",...,"label":"normal.".
 * Returns 0, or -1 with a reason in why (b is then left partly written).
 */
int
kdd_row_to_json(struct buf *b, char *const *field, const size_t *len,
    size_t nfields, char *why, size_t whylen)
{
	if (nfields != KDD_NCOLUMNS) {
		snprintf(why, whylen, "expected %d fields, got %zu",
		    KDD_NCOLUMNS, nfields);
		return -1;
	}
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		const struct kdd_column *c = &kdd_columns[i];
		size_t nlen = c->namelen;

		buf_grow(b, nlen + len[i] + 4);
		if (i > 0)
			b->data[b->len++] = ',';
		b->data[b->len++] = '"';
		memcpy(b->data + b->len, c->name, nlen);
		b->len += nlen;
		b->data[b->len++] = '"';
		b->data[b->len++] = ':';
		if (c->type == KDD_STRING) {
			if (!utf8_valid(field[i], len[i])) {
				snprintf(why, whylen,
				    "field %d '%s': invalid UTF-8", i + 1,
				    c->name);
				return -1;
			}
			buf_add_json_string(b, field[i], len[i]);
			continue;
		}
		if (!jscan_is_number(field[i], len[i], c->type == KDD_INT)) {
			snprintf(why, whylen,
			    "field %d '%s': expected %s, got '%.40s'", i + 1,
			    c->name,
			    c->type == KDD_INT ? "an integer" : "a number",
			    field[i]);
			return -1;
		}
		buf_add(b, field[i], len[i]);
	}
	return 0;
}
