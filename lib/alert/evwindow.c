/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * An event at time t belongs to the windows k with k*slide <= t <
 * k*slide + size, that is floor((t - size) / slide) < k <= floor(t /
 * slide): ceil(size / slide) of them.  Once the windows ending at or
 * before t are closed, the open ones are a run of at most that many
 * consecutive k, so a ring of that size indexed by k mod nslot holds them
 * all and memory per key is fixed.
 */
#include <stdlib.h>

#include "base/ad.h"
#include "alert/evwindow.h"
#include "base/num.h"

/* How many windows can be open at once: ceil(size / slide). */
size_t
evwindow_open_max(int64_t size, int64_t slide)
{
	return (size_t)((size + slide - 1) / slide);
}

/*
 * Start windows of size ms moving by slide ms (both > 0); the ring is
 * allocated on the first event.  Release with evwindow_release().
 */
void
evwindow_init(struct evwindow *w, int64_t size, int64_t slide)
{
	*w = (struct evwindow){.size = size, .slide = slide};
	w->nslot = evwindow_open_max(size, slide);
}

/* Free the ring; open windows are dropped (flush them first). */
void
evwindow_release(struct evwindow *w)
{
	free(w->slot);
	w->slot = NULL;
	w->any = false;
}

/*
 * Close, oldest first, every open window that ends at or before ts,
 * calling fn for each.  Returns 0, or the first non-zero value fn
 * returned (the window is closed regardless).
 */
int
evwindow_advance(
    struct evwindow *w, int64_t ts, evwindow_close_fn *fn, void *arg)
{
	int rc = 0;

	if (!w->any)
		return 0;
	while (w->k_lo <= w->k_hi) {
		struct evwindow_sum *s =
		    &w->slot[num_floor_mod(w->k_lo, w->nslot)];

		if (s->used && s->k == w->k_lo) {
			if (s->end > ts)
				break;
			if (rc == 0)
				rc = fn(s, arg);
			s->used = false;
		}
		w->k_lo++;
	}
	if (w->k_lo > w->k_hi)
		w->any = false;
	return rc;
}

/*
 * Count an event at ts (not before the last one added, and after
 * evwindow_advance(ts)) in every window that contains it.
 */
void
evwindow_add(struct evwindow *w, int64_t ts, const struct time_form *form,
    bool flag, bool has_value, double value)
{
	int64_t first = num_floor_div(ts - w->size, w->slide) + 1;
	int64_t last = num_floor_div(ts, w->slide);

	if (w->slot == NULL)
		w->slot = xcalloc(w->nslot, sizeof(*w->slot));
	if (!w->any) {
		w->k_lo = first;
		w->k_hi = first - 1;
		w->any = true;
	} else if (first > w->k_lo) {
		/* every window before first ended at or before ts: closed */
		w->k_lo = first;
	}
	for (int64_t k = first; k <= last; k++) {
		struct evwindow_sum *s = &w->slot[num_floor_mod(k, w->nslot)];

		if (!s->used || s->k != k) {
			*s = (struct evwindow_sum){.k = k,
			    .used = true,
			    .start = k * w->slide,
			    .end = k * w->slide + w->size};
		}
		s->records++;
		s->flagged += flag;
		if (has_value && flag && (!s->has_max || value > s->max)) {
			s->max = value;
			s->has_max = true;
		}
		if (has_value && (!s->has_max_all || value > s->max_all)) {
			s->max_all = value;
			s->has_max_all = true;
		}
		if (has_value) {
			s->sum += value;
			s->nvalues++;
		}
		s->form = *form;
	}
	if (last > w->k_hi)
		w->k_hi = last;
}

/* Close every open window (end of input), oldest first. */
int
evwindow_flush(struct evwindow *w, evwindow_close_fn *fn, void *arg)
{
	int rc = 0;

	if (!w->any)
		return 0;
	for (int64_t k = w->k_lo; k <= w->k_hi; k++) {
		struct evwindow_sum *s = &w->slot[num_floor_mod(k, w->nslot)];

		if (s->used && s->k == k) {
			if (rc == 0)
				rc = fn(s, arg);
			s->used = false;
		}
	}
	w->any = false;
	return rc;
}
