/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The KDD schema and the CSV-row-to-JSON encoder used by kdd-gen.  Numbers
 * are copied as written in the source ("0.00" stays 0.00) once they are
 * checked against JSON's number grammar, so the output is exact and no
 * float is ever reformatted.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kdd.h"

const struct kdd_column kdd_columns[KDD_NCOLUMNS] = {
	{"duration", KDD_INT},
	{"protocol_type", KDD_STRING},
	{"service", KDD_STRING},
	{"flag", KDD_STRING},
	{"src_bytes", KDD_INT},
	{"dst_bytes", KDD_INT},
	{"land", KDD_INT},
	{"wrong_fragment", KDD_INT},
	{"urgent", KDD_INT},
	{"hot", KDD_INT},
	{"num_failed_logins", KDD_INT},
	{"logged_in", KDD_INT},
	{"num_compromised", KDD_INT},
	{"root_shell", KDD_INT},
	{"su_attempted", KDD_INT},
	{"num_root", KDD_INT},
	{"num_file_creations", KDD_INT},
	{"num_shells", KDD_INT},
	{"num_access_files", KDD_INT},
	{"num_outbound_cmds", KDD_INT},
	{"is_host_login", KDD_INT},
	{"is_guest_login", KDD_INT},
	{"count", KDD_INT},
	{"srv_count", KDD_INT},
	{"serror_rate", KDD_REAL},
	{"srv_serror_rate", KDD_REAL},
	{"rerror_rate", KDD_REAL},
	{"srv_rerror_rate", KDD_REAL},
	{"same_srv_rate", KDD_REAL},
	{"diff_srv_rate", KDD_REAL},
	{"srv_diff_host_rate", KDD_REAL},
	{"dst_host_count", KDD_INT},
	{"dst_host_srv_count", KDD_INT},
	{"dst_host_same_srv_rate", KDD_REAL},
	{"dst_host_diff_srv_rate", KDD_REAL},
	{"dst_host_same_src_port_rate", KDD_REAL},
	{"dst_host_srv_diff_host_rate", KDD_REAL},
	{"dst_host_serror_rate", KDD_REAL},
	{"dst_host_srv_serror_rate", KDD_REAL},
	{"dst_host_rerror_rate", KDD_REAL},
	{"dst_host_srv_rerror_rate", KDD_REAL},
	{"label", KDD_STRING},
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
 * Whether s (n bytes) is a number in JSON's grammar: -?(0|[1-9][0-9]*)
 * (.[0-9]+)?([eE][+-]?[0-9]+)?; with integer_only, no fraction or
 * exponent.
 */
bool
kdd_is_json_number(const char *s, size_t n, bool integer_only)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !isdigit((unsigned char)s[i]))
		return false;
	if (s[i] == '0')
		i++;
	else
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	if (i == n)
		return true;
	if (integer_only)
		return false;
	if (s[i] == '.') {
		i++;
		if (i >= n || !isdigit((unsigned char)s[i]))
			return false;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !isdigit((unsigned char)s[i]))
			return false;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	return i == n;
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
		size_t nlen = strlen(c->name);

		buf_grow(b, nlen + len[i] + 4);
		if (i > 0)
			b->data[b->len++] = ',';
		b->data[b->len++] = '"';
		memcpy(b->data + b->len, c->name, nlen);
		b->len += nlen;
		b->data[b->len++] = '"';
		b->data[b->len++] = ':';
		if (c->type == KDD_STRING) {
			buf_add_json_string(b, field[i], len[i]);
			continue;
		}
		if (!kdd_is_json_number(field[i], len[i], c->type == KDD_INT)) {
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
