/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Slot s = floor(ts / width) with width = ceil(period / slots) lives in
 * ring[s mod (slots + 2)]: the point one period before the newest is at
 * most slots + 1 slots back, so it has not been overwritten yet.  Each
 * entry records its slot number, so a stale entry (a gap in the data) is
 * never mistaken for the one wanted.
 */
#include <stdlib.h>

#include "base/ad.h"
#include "alert/lookback.h"
#include "base/num.h"

/*
 * Start an empty history for period ms cut into slots (>= 1) slots.  The
 * ring is allocated on the first point; release with lookback_release().
 */
void
lookback_init(struct lookback *lb, int64_t period, size_t slots)
{
	*lb = (struct lookback){.period = period};
	lb->width = (period + (int64_t)slots - 1) / (int64_t)slots;
	if (lb->width < 1)
		lb->width = 1;
	lb->n = slots + 2;
}

/* Free the history's memory. */
void
lookback_release(struct lookback *lb)
{
	free(lb->ring);
	lb->ring = NULL;
}

/*
 * The reference for a point at ts: the point kept for the slot that holds
 * ts - period, or NULL when there is none (borrowed, valid until the next
 * lookback_add()).
 */
const struct lookback_point *
lookback_find(const struct lookback *lb, int64_t ts)
{
	int64_t slot = num_floor_div(ts - lb->period, lb->width);
	const struct lookback_point *p;

	if (lb->ring == NULL)
		return NULL;
	p = &lb->ring[num_floor_mod(slot, lb->n)];
	return p->used && p->slot == slot ? p : NULL;
}

/*
 * Remember a point (points come in time order); the first point of a slot
 * stays, later ones in the same slot are not kept.
 */
void
lookback_add(
    struct lookback *lb, int64_t ts, const struct time_form *form, double value)
{
	int64_t slot = num_floor_div(ts, lb->width);
	struct lookback_point *p;

	if (lb->ring == NULL)
		lb->ring = xcalloc(lb->n, sizeof(*lb->ring));
	p = &lb->ring[num_floor_mod(slot, lb->n)];
	if (p->used && p->slot == slot)
		return;
	*p = (struct lookback_point){.slot = slot,
	    .ts = ts,
	    .value = value,
	    .form = *form,
	    .used = true};
}
