/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A bounded per-key history for "the value one period earlier" (day over
 * day, week over week): the period is cut into a fixed number of slots
 * and each slot keeps the first point that fell into it, so that memory
 * per key does not depend on the sampling rate.  With points on a grid of
 * period / slots or coarser, the reference of a point at t is exactly the
 * point at t - period.
 */
#ifndef LOOKBACK_H
#define LOOKBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/timefmt.h"

struct lookback_point {
	int64_t slot; /* floor(ts / width) */
	int64_t ts;
	double value;
	struct time_form form;
	bool used;
};

struct lookback {
	int64_t period, width;
	struct lookback_point *pt; /* by slot: pt[head, head + len) */
	size_t head, len, cap;
	size_t n; /* slots remembered: slots + 2 */
};

void lookback_init(struct lookback *lb, int64_t period, size_t slots);
void lookback_release(struct lookback *lb);
const struct lookback_point *lookback_find(
    const struct lookback *lb, int64_t ts);
void lookback_add(struct lookback *lb, int64_t ts, const struct time_form *form,
    double value);

#endif
