/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Event-time ordering with allowed lateness, for one key: events arrive
 * in any order, wait in a small heap, and come out in event-time order once
 * the key's clock (the latest event time seen) has moved lateness past
 * them.  An event older than that is late: it is refused and counted, so
 * that the caller can report it instead of losing it silently.
 */
#ifndef EVORDER_H
#define EVORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/timefmt.h"

/* What ad-alert keeps of one record: its time, flag and value. */
struct evorder_event {
	int64_t ts; /* event time, ms since the epoch */
	struct time_form form;
	double value;
	bool has_value;
	bool flag;
	uint64_t seq; /* arrival order, breaks ties between equal times */
};

struct evorder {
	struct evorder_event *heap;
	size_t n, cap;
	int64_t max_ts;	     /* latest event time seen */
	int64_t released_ts; /* latest event time handed out */
	bool seen, released;
	uint64_t seq;
	size_t late;
};

void evorder_init(struct evorder *o);
void evorder_release(struct evorder *o);
bool evorder_is_late(const struct evorder *o, int64_t ts, int64_t lateness);
bool evorder_push(
    struct evorder *o, const struct evorder_event *ev, int64_t lateness);
bool evorder_pop(struct evorder *o, int64_t lateness, size_t max_pending,
    bool drain, struct evorder_event *ev);

#endif
