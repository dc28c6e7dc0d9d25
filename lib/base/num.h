/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Checked conversion of option arguments and field text: integers, reals,
 * durations ("250ms", "5m", "1h30m") and sizes ("16M").  Each names the
 * option in its message so that usage errors say which argument is wrong.
 */
#ifndef NUM_H
#define NUM_H

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

#endif
