/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Slot s = floor(ts / width) with width = ceil(period / slots).  The
 * points kept are those of the last slots + 2 slots (s > newest - n),
 * so the point one period before the newest, at most slots + 1 slots
 * back, is still there.  They are held in slot order in an array that
 * grows as slots are filled (not allocated whole for the slots allowed),
 * so a key with few points costs little; a gap in the data is a slot
 * absent from the array, never mistaken for the one wanted.
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "alert/lookback.h"
#include "base/num.h"

/*
 * Start an empty history for period ms cut into slots (>= 1) slots.
 * Nothing is allocated until points come; release with
 * lookback_release().
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
	free(lb->pt);
	lb->pt = NULL;
	lb->head = lb->len = lb->cap = 0;
}

/* Index in pt[head, head + len) of the first point with slot >= slot. */
static size_t
lower_bound(const struct lookback *lb, int64_t slot)
{
	size_t lo = lb->head, hi = lb->head + lb->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lb->pt[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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
	size_t i;

	if (lb->len == 0)
		return NULL;
	i = lower_bound(lb, slot);
	return i < lb->head + lb->len && lb->pt[i].slot == slot ? &lb->pt[i]
								: NULL;
}

/*
 * Remember a point (points come in time order); the first point of a slot
 * stays, later ones in the same slot are not kept.  Points more than n
 * slots older than the newest are forgotten.
 */
void
lookback_add(
    struct lookback *lb, int64_t ts, const struct time_form *form, double value)
{
	int64_t slot = num_floor_div(ts, lb->width);
	int64_t newest;
	size_t i;

	i = lower_bound(lb, slot);
	if (i < lb->head + lb->len && lb->pt[i].slot == slot)
		return;
	newest = lb->len > 0 && lb->pt[lb->head + lb->len - 1].slot > slot
		     ? lb->pt[lb->head + lb->len - 1].slot
		     : slot;
	if (slot <= newest - (int64_t)lb->n)
		return; /* already out of the history */
	if (lb->head + lb->len == lb->cap) {
		if (lb->cap > 0 && lb->head >= lb->cap / 2) {
			/* half the array is free at the front: slide down */
			memmove(lb->pt, lb->pt + lb->head,
			    lb->len * sizeof(*lb->pt));
			i -= lb->head;
			lb->head = 0;
		} else {
			lb->cap = lb->cap == 0 ? 4 : lb->cap * 2;
			lb->pt =
			    xreallocarray(lb->pt, lb->cap, sizeof(*lb->pt));
		}
	}
	memmove(lb->pt + i + 1, lb->pt + i,
	    (lb->head + lb->len - i) * sizeof(*lb->pt));
	lb->pt[i] = (struct lookback_point){.slot = slot,
	    .ts = ts,
	    .value = value,
	    .form = *form,
	    .used = true};
	lb->len++;
	/* forget the points that fell out of the last n slots */
	while (
	    lb->len > 0 && lb->pt[lb->head].slot <= newest - (int64_t)lb->n) {
		lb->head++;
		lb->len--;
	}
	if (lb->len <= lb->cap / 4 && lb->cap > 4) {
		memmove(lb->pt, lb->pt + lb->head, lb->len * sizeof(*lb->pt));
		lb->head = 0;
		lb->cap /= 2;
		lb->pt = xreallocarray(lb->pt, lb->cap, sizeof(*lb->pt));
	}
}
