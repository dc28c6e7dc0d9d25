/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A source of lines, the interface every source backend implements: a
 * file (plain or gzip, read transparently) or stdin (filesource.h), or a
 * Kafka topic (kafka.h), each line numbered from 1.  Kafka sources also
 * remember which messages were handed out so that source_commit() can
 * commit them once their results are written.  source_open()
 * (endpoint.h) picks the backend for a spec; this header knows none of
 * them.
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "base/ad.h"

/* One line, borrowed from the source until the next source_next(). */
struct line {
	const char *buf;   /* not terminated; may hold NUL bytes */
	size_t len;	   /* without the newline */
	size_t lineno;	   /* from 1 */
	bool too_long;	   /* longer than max_line: buf holds only its start */
	const char *where; /* Kafka: "topic[partition]@offset", else NULL */
};

/*
 * A consumer's position (source_lag()): messages on the assigned
 * partitions not yet read (the high watermarks minus the next offsets),
 * and when the coordinator last confirmed a commit (CLOCK_REALTIME ns, 0
 * when never).
 */
struct source_lag {
	int64_t lag;
	int64_t commit_ns;
};

/* How a kind of source reads, commits and closes itself. */
struct source_ops {
	int (*next)(void *impl, struct line *line, struct ad_err *err);
	int (*commit)(void *impl, struct ad_err *err);
	void (*close)(void *impl);
	/* Kafka: consumer lag and last commit (source_lag()); may be NULL */
	bool (*lag)(void *impl, struct source_lag *out);
};

struct source;

struct source *source_new(
    const char *name, const struct source_ops *ops, void *impl);
int source_next(struct source *src, struct line *line, struct ad_err *err);
int source_commit(struct source *src, struct ad_err *err);
bool source_lag(struct source *src, struct source_lag *out);
const char *source_name(const struct source *src);
void source_set_idle(
    struct source *src, int (*idle)(void *arg, struct ad_err *err), void *arg);
int source_idle(struct source *src, struct ad_err *err);
void source_set_caught_up(
    struct source *src, void (*caught_up)(void *arg), void *arg);
void source_caught_up(struct source *src);
void source_close(struct source *src);

#endif
