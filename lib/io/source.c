/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The source object every backend plugs into: a name, a table of
 * functions (struct source_ops) and the backend's state, plus the idle
 * hook a backend runs before it waits.  It knows no backend; which one a
 * spec gets is decided by lib/io/endpoint.
 */
#include <stdlib.h>

#include "io/source.h"

struct source {
	char *name;
	const struct source_ops *ops;
	void *impl;
	int (*idle)(void *arg, struct ad_err *err);
	void *idle_arg;
	void (*caught_up)(void *arg);
	void *caught_up_arg;
};

/*
 * Wrap an implementation as a source named name (copied).  The new source
 * owns impl and frees it with ops->close.  Caller closes it with source_close().
 */
struct source *
source_new(const char *name, const struct source_ops *ops, void *impl)
{
	struct source *src = xcalloc(1, sizeof(*src));

	src->name = xstrdup(name);
	src->ops = ops;
	src->impl = impl;
	return src;
}

/*
 * Get the next line.  Returns 1 with *line filled (borrowed until the next
 * call), 0 at the end of input, -1 with err set on a read error.
 */
int
source_next(struct source *src, struct line *line, struct ad_err *err)
{
	return src->ops->next(src->impl, line, err);
}

/*
 * Commit every line handed out so far as processed (Kafka offsets; a no-op
 * for files).  Call only after everything derived from them is written.
 * Returns 0 or -1 with err set.
 */
int
source_commit(struct source *src, struct ad_err *err)
{
	return src->ops->commit(src->impl, err);
}

/* Fill *out and return true when src knows its lag (Kafka), else false. */
bool
source_lag(struct source *src, struct source_lag *out)
{
	return src->ops->lag != NULL && src->ops->lag(src->impl, out);
}

/* The name used in messages: the path, "<stdin>" or the URI.  Borrowed. */
const char *
source_name(const struct source *src)
{
	return src->name;
}

/*
 * Register idle (may be NULL) to run whenever src is about to wait for
 * input it does not have yet (a Kafka consumer with nothing fetched, a
 * quiet pipe), and every second while it waits, or
 * is about to give up partitions in a rebalance: the moment to flush
 * what was derived from the lines read so far and commit them.
 */
void
source_set_idle(
    struct source *src, int (*idle)(void *arg, struct ad_err *err), void *arg)
{
	src->idle = idle;
	src->idle_arg = arg;
}

/*
 * Called by a source implementation before it waits: runs the hook set
 * with source_set_idle().  Returns 0, or the hook's -1 with err set.
 */
int
source_idle(struct source *src, struct ad_err *err)
{
	return src->idle != NULL ? src->idle(src->idle_arg, err) : 0;
}

/*
 * Register caught_up (may be NULL) to run, on the thread reading src,
 * each time src has read everything there was when it looked: every
 * assigned partition of a Kafka source at its end (a file's end is
 * source_next()'s 0).  What a reader that must start from the newest
 * state waits for (ad-score --zscore --model-in).
 */
void
source_set_caught_up(
    struct source *src, void (*caught_up)(void *arg), void *arg)
{
	src->caught_up = caught_up;
	src->caught_up_arg = arg;
}

/* Called by a source implementation once it has caught up. */
void
source_caught_up(struct source *src)
{
	if (src->caught_up != NULL)
		src->caught_up(src->caught_up_arg);
}

/* Close and free src; NULL is a no-op. */
void
source_close(struct source *src)
{
	if (src == NULL)
		return;
	src->ops->close(src->impl);
	free(src->name);
	free(src);
}
