/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Time fields: epoch seconds, epoch milliseconds, or ISO 8601 text (UTC or
 * with an offset).  timefmt_parse() reads any of them into milliseconds since
 * the epoch and remembers the form, so that timefmt_format() can write a new
 * time in the same form as the input.
 */
#ifndef TIMEFMT_H
#define TIMEFMT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

enum time_kind {
	TIME_EPOCH_S,
	TIME_EPOCH_MS,
	TIME_ISO,
};

struct time_form {
	enum time_kind kind;
	int offset_min; /* ISO: the zone offset written, in minutes */
	int frac;	/* ISO: digits after the seconds' point (0-6) */
	bool zulu;	/* ISO: 'Z' rather than +00:00 */
	bool real;	/* epoch seconds written with a fraction */
};

#define TIMEFMT_MIN_MS (-62167219200000LL)   /* 0000-01-01T00:00:00Z */
#define TIMEFMT_MAX_MS 253402300799999LL     /* 9999-12-31T23:59:59.999Z */
#define TIMEFMT_SECONDS_BELOW 253402300800LL /* epoch s below, ms above */

int timefmt_epoch(long long t, int64_t *ms, struct time_form *form);
int timefmt_parse(const json_t *v, int64_t *ms, struct time_form *form,
    char *why, size_t whylen);
/*
 * The day of the last ISO text read through it, so that a stream of times
 * of the same day (a series every few minutes) reads each date once.
 */
struct timefmt_day {
	char date[10]; /* YYYY-MM-DD as written */
	int64_t days;  /* since the epoch */
	bool valid;
};

int timefmt_parse_text(const char *s, int64_t *ms, struct time_form *form);
int timefmt_parse_text_day(struct timefmt_day *day, const char *s, size_t len,
    int64_t *ms, struct time_form *form);
json_t *timefmt_format(int64_t ms, const struct time_form *form);
void timefmt_format_iso_us(struct buf *b, int64_t us);

#endif
