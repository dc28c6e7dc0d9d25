/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The overview picture (ad-plot --overview): from ad-alert's report or
 * alert records, one row per key over a common time axis, a bubble per
 * window (or firing alert) whose area is the anomaly count and whose
 * colour is the max, so that an operator sees at a glance which keys
 * misbehave when (the original system's bubble chart).  Windows with no
 * anomaly draw nothing; the legend shows only what was drawn.
 */
#ifndef OVERVIEW_H
#define OVERVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct overview_bubble {
	int64_t t;    /* ms: the middle of the window, or the alert's ts */
	double count; /* > 0 */
	double max;   /* NAN when the record has none */
};

struct overview;

struct overview *overview_new(
    const char *title, const char *id_field, size_t max_rows);
int overview_add(struct overview *ov, json_t *rec, char *why, size_t whylen);
size_t overview_rows(const struct overview *ov);
size_t overview_bubbles(const struct overview *ov, size_t row);
void overview_render(const struct overview *ov, struct buf *svg);
void overview_free(struct overview *ov);

#endif
