/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The flat-record scanner of flatjson.h: a hand-written recursive-descent
 * validator over the bytes of one line, about ten times faster than
 * building a jansson tree, which is what lets ad-score and ad-train-rf
 * read NDJSON at hundreds of megabytes a second.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flatjson.h"

#define DEPTH_MAX 64

static const char *skip_value(const char *p, const char *end, int depth);

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/*
 * Scan a string whose opening quote is at p[-1].  Returns the pointer
 * after the closing quote, or NULL when the string is not plain ASCII
 * JSON.  *esc tells whether it held an escape.
 */
static const char *
scan_string(const char *p, const char *end, bool *esc)
{
	*esc = false;
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20 || c >= 0x80)
			return NULL;
		if (c == '\\') {
			*esc = true;
			if (++p >= end)
				return NULL;
			switch (*p) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				break;
			case 'u':
				/* \u escapes may encode surrogates: leave to jansson */
				return NULL;
			default:
				return NULL;
			}
		}
		p++;
	}
	return NULL;
}

static const char *
scan_number(const char *p, const char *end)
{
	const char *start;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9') {
		start = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p - start > 18)
			return NULL; /* jansson decides about huge numbers */
	} else
		return NULL;
	if (p < end && *p == '.') {
		start = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		start = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return NULL;
		if (p - start > 2)
			return NULL; /* may overflow: jansson refuses those */
	}
	return p;
}

static const char *
skip_value(const char *p, const char *end, int depth)
{
	bool esc;

	if (p >= end || depth > DEPTH_MAX)
		return NULL;
	switch (*p) {
	case '"':
		return scan_string(p + 1, end, &esc);
	case '{':
	case '[': {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = skip_ws(p + 1, end);
		if (p < end && *p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (p >= end || *p != '"')
					return NULL;
				if ((p = scan_string(p + 1, end, &esc)) == NULL)
					return NULL;
				p = skip_ws(p, end);
				if (p >= end || *p != ':')
					return NULL;
				p = skip_ws(p + 1, end);
			}
			if ((p = skip_value(p, end, depth + 1)) == NULL)
				return NULL;
			p = skip_ws(p, end);
			if (p >= end)
				return NULL;
			if (*p == close)
				return p + 1;
			if (*p != ',')
				return NULL;
			p = skip_ws(p + 1, end);
		}
	}
	case 't':
		return end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5
								  : NULL;
	case 'n':
		return end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return scan_number(p, end);
	}
}

/* FNV-1a over n bytes; the key hash used by flatjson_scan(). */
unsigned
flatjson_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/*
 * Scan line as one flat JSON object into f (at most max fields).
 * Returns the number of fields, or -1 when the line is not valid, not
 * plain ASCII, has a duplicate key or more than max fields: the caller
 * then parses it with jansson, which says what is wrong, if anything.
 */
int
flatjson_scan(
    const char *line, size_t len, struct flatjson_field *f, size_t max)
{
	const char *p = line, *end = line + len;
	uint16_t slot[256];
	size_t n = 0;
	bool esc;

	if (max > 255)
		max = 255;
	memset(slot, 0, sizeof(slot));
	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return -1;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}')
		goto tail;
	for (;;) {
		struct flatjson_field *fl;
		const char *v;
		unsigned k;

		if (p >= end || *p != '"' || n >= max)
			return -1;
		fl = &f[n];
		fl->key = p + 1;
		if ((p = scan_string(p + 1, end, &esc)) == NULL || esc)
			return -1;
		fl->keylen = (size_t)(p - 1 - fl->key);
		fl->hash = flatjson_hash(fl->key, fl->keylen);
		/* duplicate keys: an open-addressed table of field numbers */
		for (k = fl->hash & 255; slot[k] != 0; k = (k + 1) & 255) {
			const struct flatjson_field *o = &f[slot[k] - 1];

			if (o->hash == fl->hash && o->keylen == fl->keylen &&
			    memcmp(o->key, fl->key, fl->keylen) == 0)
				return -1;
		}
		slot[k] = (uint16_t)(n + 1);
		p = skip_ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		p = skip_ws(p + 1, end);
		if (p >= end)
			return -1;
		v = p;
		fl->escaped = false;
		switch (*p) {
		case '"':
			if ((p = scan_string(p + 1, end, &fl->escaped)) == NULL)
				return -1;
			fl->type = FLATJSON_STRING;
			fl->val = v + 1;
			fl->vallen = (size_t)(p - 1 - fl->val);
			break;
		case '{':
		case '[':
			/* nested values (and their duplicate keys) are
			 * jansson's: records are flat in the common case */
			return -1;
		default:
			if ((p = skip_value(p, end, 1)) == NULL)
				return -1;
			fl->type = *v == 't'   ? FLATJSON_TRUE
				   : *v == 'f' ? FLATJSON_FALSE
				   : *v == 'n' ? FLATJSON_NULL
					       : FLATJSON_NUMBER;
			fl->val = v;
			fl->vallen = (size_t)(p - v);
		}
		n++;
		p = skip_ws(p, end);
		if (p >= end)
			return -1;
		if (*p == '}')
			break;
		if (*p != ',')
			return -1;
		p = skip_ws(p + 1, end);
	}
tail:
	p = skip_ws(p + 1, end);
	return p == end ? (int)n : -1;
}

static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
    1e22};

/*
 * Convert a JSON number already validated by flatjson_scan() to a double,
 * correctly rounded: an exact fast path when the digits fit in 2^53 and
 * the power of ten is exact (Clinger), strtod() otherwise.  Returns 0.
 */
int
flatjson_number(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	int digits = 0, frac = 0;
	bool neg = false;
	char tmp[64];

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		m = m * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			m = m * 10 + (uint64_t)(*p++ - '0');
			digits++;
			frac++;
		}
	}
	if (p == end && digits <= 15 && frac <= 22) {
		double v = (double)m;

		if (frac > 0)
			v /= pow10[frac];
		*out = neg ? -v : v;
		return 0;
	}
	if (n >= sizeof(tmp)) {
		char *big = malloc(n + 1);

		if (big == NULL)
			return -1;
		memcpy(big, s, n);
		big[n] = '\0';
		*out = strtod(big, NULL);
		free(big);
		return 0;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, NULL);
	return 0;
}
