/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * An event at time t belongs to the windows k with k*slide <= t <
 * k*slide + size: ceil(size / slide) of them.  Rather than summing each
 * event into every one of those windows, events are summed into panes
 * of width g = gcd(size, slide): window k is exactly the panes k*r ..
 * k*r + m - 1 (r = slide / g, m = size / g).  Only panes that hold an
 * event are kept, in time order, in an array that grows on demand, and
 * a window is summed from its panes when it closes; a pane is dropped
 * once no open window can contain it.  So memory per key is one pane
 * per distinct pane with events in the last size + slide ms (at most
 * (size + slide) / g), and a key with a single event costs one pane,
 * not one summary per window it falls in.
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "alert/evwindow.h"
#include "base/num.h"

/* How many windows can be open at once: ceil(size / slide). */
size_t
evwindow_open_max(int64_t size, int64_t slide)
{
	return (size_t)((size + slide - 1) / slide);
}

static int64_t
gcd64(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Start windows of size ms moving by slide ms (both > 0); nothing is
 * allocated until events come.  Release with evwindow_release().
 */
void
evwindow_init(struct evwindow *w, int64_t size, int64_t slide)
{
	int64_t g = gcd64(size, slide);

	*w = (struct evwindow){.size = size, .slide = slide, .g = g};
	w->r = slide / g;
	w->m = size / g;
}

/* Free the panes; open windows are dropped (flush them first). */
void
evwindow_release(struct evwindow *w)
{
	free(w->pane);
	w->pane = NULL;
	w->head = w->len = w->cap = 0;
}

/* Drop the panes before pane number p (no open window holds them). */
static void
drop_before(struct evwindow *w, int64_t p)
{
	while (w->len > 0 && w->pane[w->head].k < p) {
		w->head++;
		w->len--;
	}
	if (w->len == 0)
		w->head = 0;
}

/* Window k summed from its panes (the first kept pane is in it). */
static void
sum_window(const struct evwindow *w, int64_t k, struct evwindow_sum *out)
{
	int64_t end = k * w->r + w->m;

	*out = (struct evwindow_sum){.k = k,
	    .used = true,
	    .start = k * w->slide,
	    .end = k * w->slide + w->size};
	for (size_t i = w->head; i < w->head + w->len && w->pane[i].k < end;
	     i++) {
		const struct evwindow_sum *p = &w->pane[i];

		out->records += p->records;
		out->flagged += p->flagged;
		if (p->has_max && (!out->has_max || p->max > out->max)) {
			out->max = p->max;
			out->has_max = true;
		}
		if (p->has_max_all &&
		    (!out->has_max_all || p->max_all > out->max_all)) {
			out->max_all = p->max_all;
			out->has_max_all = true;
		}
		out->sum += p->sum;
		out->nvalues += p->nvalues;
		out->form = p->form;
	}
}

/*
 * Close, in order, every window k <= kmax that holds an event, calling fn
 * for each, and drop the panes no later window needs.  Returns 0 or the
 * first non-zero value fn returned (windows are closed regardless).
 */
static int
close_upto(struct evwindow *w, int64_t kmax, evwindow_close_fn *fn, void *arg)
{
	int rc = 0;

	for (;;) {
		int64_t kfirst;
		struct evwindow_sum s;

		if (w->any)
			drop_before(w, w->k_next * w->r);
		if (w->len == 0)
			break;
		/* the first window that holds the oldest pane kept */
		kfirst = num_floor_div(w->pane[w->head].k - w->m, w->r) + 1;
		if (!w->any || kfirst > w->k_next)
			w->k_next = kfirst;
		w->any = true;
		if (w->k_next > kmax)
			break;
		sum_window(w, w->k_next, &s);
		if (rc == 0)
			rc = fn(&s, arg);
		w->k_next++;
	}
	return rc;
}

/*
 * Close, oldest first, every window holding an event that ends at or
 * before ts, calling fn for each.  Returns 0, or the first non-zero value
 * fn returned (the window is closed regardless).
 */
int
evwindow_advance(
    struct evwindow *w, int64_t ts, evwindow_close_fn *fn, void *arg)
{
	/* window k has ended by ts when k*slide + size <= ts */
	return close_upto(w, num_floor_div(ts - w->size, w->slide), fn, arg);
}

/*
 * Count an event at ts (not before the last one added, and after
 * evwindow_advance(ts)) in the pane that holds it.
 */
void
evwindow_add(struct evwindow *w, int64_t ts, const struct time_form *form,
    bool flag, bool has_value, double value)
{
	int64_t p = num_floor_div(ts, w->g);
	struct evwindow_sum *s;

	if (w->len == 0 || w->pane[w->head + w->len - 1].k != p) {
		if (w->head + w->len == w->cap) {
			if (w->cap > 0 && w->head >= w->cap / 2) {
				memmove(w->pane, w->pane + w->head,
				    w->len * sizeof(*w->pane));
				w->head = 0;
			} else {
				w->cap = w->cap == 0 ? 2 : w->cap * 2;
				w->pane = xreallocarray(
				    w->pane, w->cap, sizeof(*w->pane));
			}
		}
		w->pane[w->head + w->len] =
		    (struct evwindow_sum){.k = p, .used = true};
		w->len++;
	}
	s = &w->pane[w->head + w->len - 1];
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

/* Close every open window (end of input), oldest first. */
int
evwindow_flush(struct evwindow *w, evwindow_close_fn *fn, void *arg)
{
	int rc = close_upto(w, INT64_MAX, fn, arg);

	w->any = false;
	if (w->cap > 8) {
		free(w->pane);
		w->pane = NULL;
		w->head = w->len = w->cap = 0;
	}
	return rc;
}
