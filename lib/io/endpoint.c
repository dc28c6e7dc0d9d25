/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The scheme table, after git's refs backends and redis' connection
 * types: each row names a spec prefix and the backend that opens a source
 * and a sink for it.  Rows are tried in order; the first whose prefix
 * matches and which has a backend for the direction wins, and the last
 * row (the empty prefix: "-" or a path) matches everything.  A "file:"
 * spec is therefore a rolling file when written and, as before, a plain
 * path when read.
 */
#include <stdbool.h>
#include <string.h>

#include "io/endpoint.h"
#include "io/filesink.h"
#include "io/filesource.h"
#include "io/kafka.h"
#include "io/rollfile.h"

struct endpoint {
	const char *prefix; /* what a spec starts with; "" matches any */
	size_t skip;	    /* leading bytes the backend is not given */
	struct source *(*source_open)(
	    const char *spec, const struct io_conf *conf, struct ad_err *err);
	struct sink *(*sink_open)(
	    const char *spec, const struct io_conf *conf, struct ad_err *err);
};

static const struct endpoint endpoints[] = {
    {"kafka://", 0, kafka_source_open, kafka_sink_open},
    {"file:", 5, NULL, rollfile_open},
    {"", 0, filesource_open, filesink_open},
};

/* The row for spec in the given direction; the last row always matches. */
static const struct endpoint *
lookup(const char *spec, bool sink)
{
	const struct endpoint *ep = endpoints;

	for (;; ep++) {
		if (strncmp(spec, ep->prefix, strlen(ep->prefix)) != 0)
			continue;
		if (sink ? ep->sink_open != NULL : ep->source_open != NULL)
			return ep;
	}
}

/*
 * Open spec for reading: "-" or NULL (stdin), "kafka://..." (a topic) or
 * a path (plain or gzip).  Returns a new source (caller closes it with
 * source_close()), or NULL with err set by the backend (EX_NOINPUT when a
 * file cannot be opened, the Kafka error for a topic).
 */
struct source *
source_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	const struct endpoint *ep;

	if (spec == NULL)
		spec = "-";
	ep = lookup(spec, false);
	return ep->source_open(spec + ep->skip, conf, err);
}

/*
 * Open spec for writing: "-" or NULL (stdout), "kafka://..." (a topic),
 * "file:PATTERN?..." (a rolling file) or a path (created or truncated).
 * Returns a new sink (caller closes it with sink_close()), or NULL with
 * err set by the backend (EX_CANTCREAT when a file cannot be created,
 * EX_USAGE for a bad URI, the Kafka error for a topic).
 */
struct sink *
sink_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	const struct endpoint *ep;

	if (spec == NULL)
		spec = "-";
	ep = lookup(spec, true);
	return ep->sink_open(spec + ep->skip, conf, err);
}
