/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The parameters of a source or sink spec, the "a=b&c=d" after its '?'
 * (kafka://HOST/TOPIC?group=G&offset=earliest, file:DIR/x.ndjson?roll=1M),
 * split without copying.  No percent-decoding: names and values are taken
 * as written.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stdbool.h>
#include <stddef.h>

/* One parameter; every span points into the text being split. */
struct query_param {
	const char *text; /* the whole "name=value" (or "name") */
	size_t len;
	const char *name; /* up to the first '=' */
	size_t namelen;
	const char *value; /* after the first '='; "" when there is none */
	size_t valuelen;
	bool has_value; /* there was a '=' */
};

bool query_next(const char **pos, struct query_param *qp);

#endif
