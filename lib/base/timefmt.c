/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Time parsing and formatting.  Numbers below 253402300800 in magnitude are
 * epoch seconds (up to the end of the year 9999), larger ones epoch
 * milliseconds; text is ISO 8601: YYYY-MM-DD[T ]hh:mm[:ss[.frac]][Z|
 * +hh:mm|-hh:mm|+hhmm], a day that exists (no February 31) and seconds
 * 0 to 59.  Every time is within TIMEFMT_MIN_MS..TIMEFMT_MAX_MS (the years
 * 0000 to 9999), so that sums and differences of times never overflow.  Days are
 * counted with Howard Hinnant's days_from_civil, so no time zone database
 * or timegm() is involved.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "base/timefmt.h"

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static unsigned
month_days(int y, int m)
{
	static const unsigned days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m - 1] + (m == 2 && leap);
}

static bool
in_range(int64_t ms)
{
	return ms >= TIMEFMT_MIN_MS && ms <= TIMEFMT_MAX_MS;
}

/*
 * An epoch number t (seconds below TIMEFMT_SECONDS_BELOW in magnitude,
 * else milliseconds) into *ms and *form.  Returns 0, or -1 when the time
 * is outside the years 0000 to 9999.
 */
int
timefmt_epoch(long long t, int64_t *ms, struct time_form *form)
{
	memset(form, 0, sizeof(*form));
	if (t > -TIMEFMT_SECONDS_BELOW && t < TIMEFMT_SECONDS_BELOW) {
		form->kind = TIME_EPOCH_S;
		*ms = (int64_t)t * 1000;
	} else {
		form->kind = TIME_EPOCH_MS;
		*ms = (int64_t)t;
	}
	return in_range(*ms) ? 0 : -1;
}

static int
digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

/*
 * Parse ISO 8601 text into *ms and *form.  Returns 0, or -1 when s is not
 * such a time.
 */
int
timefmt_parse_text(const char *s, int64_t *ms, struct time_form *form)
{
	return timefmt_parse_text_day(NULL, s, strlen(s), ms, form);
}

/*
 * timefmt_parse_text() of s (len bytes, s[len] == '\0'), its date read
 * from day when it is the date of the last text read through day (which
 * may be NULL), and kept there otherwise.
 */
int
timefmt_parse_text_day(struct timefmt_day *day, const char *s, size_t len,
    int64_t *ms, struct time_form *form)
{
	const char *p = s;
	int y, mo, d, h, mi, sec = 0, off = 0;
	int64_t frac_ms = 0, days;

	memset(form, 0, sizeof(*form));
	form->kind = TIME_ISO;
	if (day != NULL && day->valid && len > 10 &&
	    memcmp(s, day->date, 10) == 0) {
		days = day->days; /* the same valid date as before */
		p += 10;
	} else {
		if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
		    (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
		    (d = digits(&p, 2)) < 1 || (unsigned)d > month_days(y, mo))
			return -1;
		days = days_from_civil(y, (unsigned)mo, (unsigned)d);
		if (day != NULL) {
			memcpy(day->date, s, 10);
			day->days = days;
			day->valid = true;
		}
	}
	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	if ((h = digits(&p, 2)) < 0 || h > 23 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0 || mi > 59)
		return -1;
	if (*p == ':') {
		p++;
		if ((sec = digits(&p, 2)) < 0 || sec > 59) /* no leap second */
			return -1;
		if (*p == '.' || *p == ',') {
			int64_t scale = 100;

			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9') {
				frac_ms += (*p - '0') * scale;
				scale /= 10;
				form->frac += form->frac < 6;
				p++;
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		form->zulu = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;

		if ((oh = digits(&p, 2)) < 0 || oh > 23)
			return -1;
		if (*p == ':')
			p++;
		if ((om = digits(&p, 2)) < 0 || om > 59)
			return -1;
		off = sign * (oh * 60 + om);
	} else {
		form->zulu = true; /* no zone: taken as UTC */
	}
	if (*p != '\0')
		return -1;
	form->offset_min = off;
	*ms = ((days * 86400 + h * 3600 + mi * 60 + sec - off * 60) * 1000 +
	       frac_ms);
	return in_range(*ms) ? 0 : -1; /* 9999-12-31T23:00-05:00 is not */
}

/*
 * Read a time from a JSON value (a number or ISO text).  Returns 0 with
 * *ms and *form, or -1 with a reason in why.
 */
int
timefmt_parse(const json_t *v, int64_t *ms, struct time_form *form, char *why,
    size_t whylen)
{
	memset(form, 0, sizeof(*form));
	if (json_is_integer(v)) {
		if (timefmt_epoch(json_integer_value(v), ms, form) == 0)
			return 0;
		goto range;
	}
	if (json_is_real(v)) {
		double t = json_real_value(v);

		if (!isfinite(t) || fabs(t) > 9e15)
			goto range;
		form->kind = fabs(t) >= (double)TIMEFMT_SECONDS_BELOW
				 ? TIME_EPOCH_MS
				 : TIME_EPOCH_S;
		form->real = true;
		*ms = (int64_t)llround(
		    form->kind == TIME_EPOCH_MS ? t : t * 1000.0);
		if (in_range(*ms))
			return 0;
		goto range;
	}
	if (json_is_string(v) &&
	    timefmt_parse_text(json_string_value(v), ms, form) == 0)
		return 0;
	if (json_is_string(v))
		snprintf(
		    why, whylen, "'%.40s' is not a time", json_string_value(v));
	else
		snprintf(why, whylen,
		    "expected a time (epoch s, epoch ms or ISO 8601)");
	return -1;
range:
	snprintf(why, whylen, "time out of range (the years 0000 to 9999)");
	return -1;
}

/* A new JSON value for ms written in form (new reference). */
json_t *
timefmt_format(int64_t ms, const struct time_form *form)
{
	char tmp[64];
	int64_t days, secs, local;
	int y;
	unsigned mo, d;
	int n;

	switch (form->kind) {
	case TIME_EPOCH_MS:
		return json_integer(ms);
	case TIME_EPOCH_S:
		if (form->real || ms % 1000 != 0)
			return json_real((double)ms / 1000.0);
		return json_integer(ms / 1000);
	case TIME_ISO:
		break;
	}
	local = ms + (int64_t)form->offset_min * 60000;
	days = num_floor_div(local, 86400000);
	secs = (local - days * 86400000) / 1000;
	civil_from_days(days, &y, &mo, &d);
	n = snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02d", y, mo,
	    d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (form->frac > 0) {
		char frac[8];

		snprintf(frac, sizeof(frac), "%03d000",
		    (int)((local - days * 86400000) % 1000));
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ".%.*s",
		    form->frac, frac);
	}
	if (form->zulu)
		snprintf(tmp + n, sizeof(tmp) - (size_t)n, "Z");
	else
		snprintf(tmp + n, sizeof(tmp) - (size_t)n, "%c%02d:%02d",
		    form->offset_min < 0 ? '-' : '+',
		    (form->offset_min < 0 ? -form->offset_min
					  : form->offset_min) /
			60,
		    (form->offset_min < 0 ? -form->offset_min
					  : form->offset_min) %
			60);
	return json_string(tmp);
}

/*
 * Append us (microseconds since the epoch) as quoted ISO 8601 UTC with six
 * fraction digits: "2026-11-21T10:00:00.123456Z".  The text up to the
 * seconds is cached, since consecutive records share it.
 */
void
timefmt_format_iso_us(struct buf *b, int64_t us)
{
	static int64_t cached_sec = INT64_MIN;
	static char head[48];
	int64_t sec = (us >= 0 ? us : us - 999999) / 1000000;
	int frac = (int)(us - sec * 1000000);
	char *p;

	if (sec != cached_sec) {
		int64_t day = (sec >= 0 ? sec : sec - 86399) / 86400;
		int s = (int)(sec - day * 86400), y;
		unsigned mo, d;

		civil_from_days(day, &y, &mo, &d);
		snprintf(head, sizeof(head), "\"%04d-%02u-%02uT%02d:%02d:%02d.",
		    y, mo, d, s / 3600, s / 60 % 60, s % 60);
		cached_sec = sec;
	}
	buf_grow(b, 32);
	p = b->data + b->len;
	memcpy(p, head, 21);
	for (int i = 26; i >= 21; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	p[27] = 'Z';
	p[28] = '"';
	b->len += 29;
	b->data[b->len] = '\0';
}
