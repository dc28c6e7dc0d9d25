/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Event-time windows for one key: tumbling (slide = size) or sliding
 * windows [k*slide, k*slide + size), fed with events in time order (see
 * evorder.h).  Each window counts its records and its flagged records,
 * keeps the largest value of the flagged ones and of all, and the sum of
 * all values (for their mean); it closes, and is handed to the caller, once an
 * event at or after its end arrives, or at the end of input.
 */
#ifndef EVWINDOW_H
#define EVWINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/timefmt.h"

#define EVWINDOW_MAX_OPEN 100000 /* size / slide at most this */

/* One window's summary. */
struct evwindow_sum {
	int64_t k; /* window number: it starts at k * slide */
	int64_t start, end;
	size_t records, flagged;
	double max;	/* of the flagged records' values */
	double max_all; /* of every value */
	double sum;	/* of every value */
	size_t nvalues; /* records with a value */
	bool has_max, has_max_all, used;
	struct time_form form; /* of the window's latest record */
};

struct evwindow {
	int64_t size, slide;
	int64_t g, r, m; /* pane width gcd(size, slide); slide, size in panes */
	struct evwindow_sum *pane; /* panes with events, k = pane number */
	size_t head, len, cap;	   /* the panes: pane[head, head + len) */
	int64_t k_next;		   /* no window before this one is open */
	bool any;		   /* k_next is set */
};

typedef int evwindow_close_fn(const struct evwindow_sum *w, void *arg);

void evwindow_init(struct evwindow *w, int64_t size, int64_t slide);
void evwindow_release(struct evwindow *w);
size_t evwindow_open_max(int64_t size, int64_t slide);
int evwindow_advance(
    struct evwindow *w, int64_t ts, evwindow_close_fn *fn, void *arg);
void evwindow_add(struct evwindow *w, int64_t ts, const struct time_form *form,
    bool flag, bool has_value, double value);
int evwindow_flush(struct evwindow *w, evwindow_close_fn *fn, void *arg);

#endif
