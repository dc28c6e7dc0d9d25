/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The reorder buffer is a binary min-heap on (event time, arrival number),
 * so that events with equal times keep their arrival order.  The
 * watermark is max_ts - lateness; nothing at or before it can still come,
 * so everything at or before it may be released.  When the heap holds more
 * than max_pending events the oldest is released early (bounded memory);
 * released_ts then keeps later arrivals from going back behind it.
 */
#include <stdlib.h>

#include "base/ad.h"
#include "alert/evorder.h"

/* Start an empty buffer (caller releases with evorder_release()). */
void
evorder_init(struct evorder *o)
{
	*o = (struct evorder){0};
}

/* Free the buffer's memory; o may be reused after evorder_init(). */
void
evorder_release(struct evorder *o)
{
	free(o->heap);
	*o = (struct evorder){0};
}

static bool
before(const struct evorder_event *a, const struct evorder_event *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
swap(struct evorder_event *a, struct evorder_event *b)
{
	struct evorder_event t = *a;

	*a = *b;
	*b = t;
}

/*
 * Whether an event at ts would be late: older than the key's clock minus
 * lateness, or older than an event already released.
 */
bool
evorder_is_late(const struct evorder *o, int64_t ts, int64_t lateness)
{
	if (o->released && ts < o->released_ts)
		return true;
	return o->seen && ts < o->max_ts - lateness;
}

/*
 * Add a copy of ev.  Returns true, or false (and counts it in o->late)
 * when the event is late and was not added.
 */
bool
evorder_push(
    struct evorder *o, const struct evorder_event *ev, int64_t lateness)
{
	size_t i;

	if (evorder_is_late(o, ev->ts, lateness)) {
		o->late++;
		return false;
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		o->heap = xreallocarray(o->heap, o->cap, sizeof(*o->heap));
	}
	i = o->n++;
	o->heap[i] = *ev;
	o->heap[i].seq = o->seq++;
	while (i > 0 && before(&o->heap[i], &o->heap[(i - 1) / 2])) {
		swap(&o->heap[i], &o->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	if (!o->seen || ev->ts > o->max_ts)
		o->max_ts = ev->ts;
	o->seen = true;
	return true;
}

/*
 * Take the oldest event into *ev if it may go: it is at or before the
 * watermark, or more than max_pending events wait (0: no limit), or drain
 * is set (end of input).  Returns whether an event was taken.
 */
bool
evorder_pop(struct evorder *o, int64_t lateness, size_t max_pending, bool drain,
    struct evorder_event *ev)
{
	size_t i = 0;

	if (o->n == 0)
		return false;
	if (!drain && !(max_pending > 0 && o->n > max_pending) &&
	    o->heap[0].ts > o->max_ts - lateness)
		return false;
	*ev = o->heap[0];
	o->heap[0] = o->heap[--o->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < o->n && before(&o->heap[l], &o->heap[m]))
			m = l;
		if (r < o->n && before(&o->heap[r], &o->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&o->heap[i], &o->heap[m]);
		i = m;
	}
	o->released_ts = ev->ts;
	o->released = true;
	return true;
}
