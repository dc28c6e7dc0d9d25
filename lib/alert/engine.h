/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-alert's per-key engine: NDJSON lines in, alert records out.  Each
 * line is read into an event (alert/evread), the event waits in its key's
 * reorder buffer (alert/evorder) until the key's event-time clock has
 * moved the allowed lateness past it, and then goes through the rules
 * (alert/rules) in event-time order.  Keys live in a bounded LRU map
 * (base/keymap): a key evicted, or every key at engine_finish(), has its
 * pending events released and its open alerts flushed first.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/rules.h"
#include "base/ad.h"
#include "io/metrics.h"

/* What engine_line() made of a line. */
enum engine_result {
	ENGINE_STOP = -1, /* emit() asked to stop */
	ENGINE_OK = 0,	  /* an event, taken in */
	ENGINE_BAD = 1,	  /* not an event: reject it (reason in why) */
	ENGINE_LATE = 2	  /* too late for its key, not counted (why) */
};

struct engine_conf {
	struct rules_conf *rules; /* borrowed, copied by rules_new() */
	const char *id, *time;	  /* key and event-time fields */
	bool id_required;	  /* else a record without id: key "" */
	int64_t lateness;	  /* ms an event may come out of order */
	size_t max_pending;	  /* events waiting per key, at most */
	size_t max_keys;	  /* keys kept, least recently used out */
};

struct engine;

void engine_conf_init(struct engine_conf *conf, struct rules_conf *rules);
int engine_conf_check(struct engine_conf *conf, struct ad_err *err);

struct engine *engine_new(
    const struct engine_conf *conf, rules_emit_fn *emit, void *arg);
int engine_line(
    struct engine *e, const char *line, size_t len, char *why, size_t whylen);
int engine_finish(struct engine *e);
void engine_free(struct engine *e);
size_t engine_late(const struct engine *e);
size_t engine_evicted(const struct engine *e);
void engine_fill_metrics(struct metrics *m, const struct engine *e);
const struct rules_stats *engine_stats(const struct engine *e);

#endif
