/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A sink of lines, the interface every sink backend implements: stdout
 * or a file (filesink.h), a rolling file (rollfile.h), a Kafka topic
 * (kafka.h).  Each write is one record; a key (for Kafka partitioning)
 * may come with it.  Errors are sticky: once a write fails, sink_flush()
 * and sink_close() report it.  sink_push() is the cheap half of a flush:
 * what is buffered moves on towards the reader (recin calls it when the
 * input waits and every 100 ms), without waiting for an acknowledgement.  sink_open() (endpoint.h) picks the
 * backend for a spec; this header knows none of them.
 */
#ifndef SINK_H
#define SINK_H

#include <stddef.h>

#include "base/ad.h"

/* How a kind of sink writes, flushes and closes itself. */
struct sink_ops {
	int (*write)(void *impl, const char *buf, size_t len, const char *key,
	    size_t keylen, struct ad_err *err);
	int (*flush)(void *impl, struct ad_err *err);
	int (*close)(void *impl, struct ad_err *err);
	/* Optional; NULL: a push is a flush. */
	int (*push)(void *impl, struct ad_err *err);
};

struct sink;

struct sink *sink_new(const char *name, const struct sink_ops *ops, void *impl,
    const char *key_field);
int sink_write(struct sink *snk, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err);
int sink_flush(struct sink *snk, struct ad_err *err);
int sink_push(struct sink *snk, struct ad_err *err);
int sink_close(struct sink *snk, struct ad_err *err);
size_t sink_written(struct sink *snk);
const char *sink_name(const struct sink *snk);
const char *sink_key_field(const struct sink *snk);

#endif
