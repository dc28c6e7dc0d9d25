/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Checked number parsing for options: strtol/strtod with an end-pointer
 * check and a range check, durations with unit suffixes and sizes with
 * binary suffixes.  Errors are EX_USAGE and name the option.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"

/*
 * Parse s as a whole decimal integer in [min, max] into *out.  Returns 0,
 * or -1 with err set (EX_USAGE) naming what.
 */
int
num_parse_long(const char *what, const char *s, long min, long max, long *out,
    struct ad_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0') {
		ad_err_set(
		    err, EX_USAGE, "%s: '%s' is not an integer", what, s);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		ad_err_set(err, EX_USAGE, "%s: %s is out of range [%ld, %ld]",
		    what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * Parse s as a whole finite real in [min, max] into *out.  Returns 0, or -1
 * with err set (EX_USAGE).
 */
int
num_parse_double(const char *what, const char *s, double min, double max,
    double *out, struct ad_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v)) {
		ad_err_set(err, EX_USAGE, "%s: '%s' is not a number", what, s);
		return -1;
	}
	if (v < min || v > max) {
		ad_err_set(err, EX_USAGE, "%s: %s is out of range [%g, %g]",
		    what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int64_t
unit_ms(const char *u, size_t n)
{
	static const struct {
		const char *name;
		int64_t ms;
	} units[] = {
	    {"ms", 1},
	    {"s", 1000},
	    {"m", 60000},
	    {"h", 3600000},
	    {"d", 86400000},
	    {"w", 604800000},
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n &&
		    strncmp(units[i].name, u, n) == 0)
			return units[i].ms;
	return -1;
}

/*
 * Parse a duration into milliseconds: a sequence of NUMBER UNIT parts with
 * units ms, s, m, h, d, w ("90s", "1h30m", "1.5s"); a bare number means
 * seconds.  The result must be positive.  Returns 0 or -1 with err set.
 */
int
num_parse_duration_ms(
    const char *what, const char *s, int64_t *out, struct ad_err *err)
{
	double total = 0;
	const char *p = s;

	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		char *end;
		double v;
		const char *u;
		int64_t ms;

		errno = 0;
		v = strtod(p, &end);
		if (end == p || !isfinite(v) || v < 0)
			goto bad;
		u = end;
		while (*end >= 'a' && *end <= 'z')
			end++;
		if (end == u) {
			if (*end != '\0' || p != s)
				goto bad;
			ms = 1000;
		} else if ((ms = unit_ms(u, (size_t)(end - u))) < 0) {
			goto bad;
		}
		total += v * (double)ms;
		p = end;
	}
	if (total < 1 || total > 9.2e15)
		goto bad;
	*out = (int64_t)llround(total);
	return 0;
bad:
	ad_err_set(err, EX_USAGE,
	    "%s: '%s' is not a duration (e.g. 500ms, 30s, 5m, 1h, 7d)", what,
	    s);
	return -1;
}

/*
 * Parse a byte size with an optional K, M, G suffix (powers of 1024).
 * Returns 0 or -1 with err set.
 */
int
num_parse_size(const char *what, const char *s, size_t *out, struct ad_err *err)
{
	char *end;
	double v, mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 1)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		mult = 1024.0;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1024.0 * 1024;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1024.0 * 1024 * 1024;
		end++;
		break;
	default:
		break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v * mult > 1e15)
		goto bad;
	*out = (size_t)(v * mult);
	return 0;
bad:
	ad_err_set(err, EX_USAGE,
	    "%s: '%s' is not a size (e.g. 4096, 64K, 16M)", what, s);
	return -1;
}
