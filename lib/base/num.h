/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Checked conversion of option arguments and field text: integers, reals,
 * durations ("250ms", "5m", "1h30m") and sizes ("16M").  Each names the
 * option in its message so that usage errors say which argument is wrong.
 * Also the floor division and modulo that time slots and rings share.
 */
#ifndef NUM_H
#define NUM_H

#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"

int num_parse_long(const char *what, const char *s, long min, long max,
    long *out, struct ad_err *err);
int num_parse_double(const char *what, const char *s, double min, double max,
    double *out, struct ad_err *err);
int num_parse_duration_ms(
    const char *what, const char *s, int64_t *out, struct ad_err *err);
int num_parse_size(
    const char *what, const char *s, size_t *out, struct ad_err *err);

/*
 * a / b rounded toward minus infinity (C's '/' rounds toward zero), so
 * that times before the epoch fall into the right slot.  b must not be 0.
 */
static inline int64_t
num_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* a modulo n in [0, n) whatever a's sign: a ring index.  n must be > 0. */
static inline size_t
num_floor_mod(int64_t a, size_t n)
{
	int64_t m = a % (int64_t)n;

	return (size_t)(m < 0 ? m + (int64_t)n : m);
}

#endif
