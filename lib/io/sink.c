/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The sink object every backend plugs into: a name, the field that keys
 * records (Kafka key=FIELD), a table of functions (struct sink_ops) and
 * the backend's state.  It knows no backend; which one a spec gets is
 * decided by lib/io/endpoint.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "io/sink.h"

struct sink {
	atomic_size_t nwritten; /* a writer thread may count (scorepipe) */
	char *name;
	char *key_field;
	const struct sink_ops *ops;
	void *impl;
};

/*
 * Wrap an implementation as a sink named name (copied), keyed by
 * key_field (copied, may be NULL).  The sink owns impl and releases it
 * with ops->close.  Caller closes with sink_close().
 */
struct sink *
sink_new(const char *name, const struct sink_ops *ops, void *impl,
    const char *key_field)
{
	struct sink *snk = xcalloc(1, sizeof(*snk));

	snk->name = xstrdup(name);
	snk->key_field = key_field ? xstrdup(key_field) : NULL;
	snk->ops = ops;
	snk->impl = impl;
	return snk;
}

/*
 * Write one record (buf without its newline).  Returns 0, or -1 with err
 * set (EX_IOERR for files; Kafka errors as lib/kafka maps them).
 */
int
sink_write(struct sink *snk, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	if (snk->ops->write(snk->impl, buf, len, key, keylen, err) < 0)
		return -1;
	atomic_fetch_add_explicit(&snk->nwritten, 1, memory_order_relaxed);
	return 0;
}

/* Records written so far (for --metrics); any thread may ask. */
size_t
sink_written(struct sink *snk)
{
	return atomic_load_explicit(&snk->nwritten, memory_order_relaxed);
}

/*
 * Make everything written so far durable downstream: stdio flushed, or
 * every Kafka delivery report received.  Returns 0 or -1 with err set.
 */
int
sink_flush(struct sink *snk, struct ad_err *err)
{
	return snk->ops->flush(snk->impl, err);
}

/*
 * Hand what is buffered on towards the reader without waiting for it to
 * be acknowledged: stdio written to the file or pipe, a Kafka producer's
 * delivery reports served (it sends by itself within linger.ms).  What
 * makes a record visible downstream in bounded time; sink_flush() is
 * what makes it durable.  Returns 0 or -1 with err set.
 */
int
sink_push(struct sink *snk, struct ad_err *err)
{
	if (snk->ops->push != NULL)
		return snk->ops->push(snk->impl, err);
	return snk->ops->flush(snk->impl, err);
}

/*
 * Flush, close and free snk; NULL is a no-op.  Returns 0 or -1 with err
 * set; snk is freed either way.
 */
int
sink_close(struct sink *snk, struct ad_err *err)
{
	int rc;

	if (snk == NULL)
		return 0;
	rc = snk->ops->close(snk->impl, err);
	free(snk->name);
	free(snk->key_field);
	free(snk);
	return rc;
}

/* The sink's name for messages.  Borrowed. */
const char *
sink_name(const struct sink *snk)
{
	return snk->name;
}

/* The field whose value keys each record (Kafka key=FIELD), or NULL. */
const char *
sink_key_field(const struct sink *snk)
{
	return snk->key_field;
}
