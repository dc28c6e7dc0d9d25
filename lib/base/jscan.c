/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The flat-record scanner.  One pass over the line: whitespace, '{', then
 * "key": value pairs, '}', whitespace.  Strings are checked for control
 * characters, escapes (including \u surrogate pairs and jansson's refusal
 * of \u0000) and UTF-8; numbers for JSON's grammar, integers for the
 * int64 range jansson keeps them in, reals for overflow.  Keys go into a
 * small open-addressing table, reused from line to line through a
 * generation stamp, which both finds duplicates and serves jscan_find().
 * While a line's keys are those of the shape kept from the line before,
 * each key is checked with one comparison against the kept copy instead
 * of being scanned and hashed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/hash.h"
#include "base/jscan.h"
#include "base/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_DEPTH 2048	  /* jansson's JSON_PARSER_MAX_DEPTH */
#define ESCAPED (1u << 8) /* with the JSCAN_ flags: a backslash escape */

/* Set s up for scanning; release with jscan_release(). */
void
jscan_init(struct jscan *s)
{
	memset(s, 0, sizeof(*s));
}

/* Free what s holds. */
void
jscan_release(struct jscan *s)
{
	free(s->m);
	free(s->shape);
	free(s->shape_off);
	free(s->slot);
	free(s->stamp);
	free(s->tmpl);
	free(s->sep);
	memset(s, 0, sizeof(*s));
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Past JSON whitespace; one test when there is none (bytes > ' ' are not). */
static inline size_t
skip_ws(const char *p, size_t i, size_t n)
{
	while (i < n && (unsigned char)p[i] <= ' ' && is_ws(p[i]))
		i++;
	return i;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long
hex4(const char *p, size_t i, size_t n)
{
	long v = 0;

	if (i + 4 > n)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval(p[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Bytes needing no attention in a string: printable ASCII but '"', '\\'. */
static const bool plain[256] = {
    [' '] = 1,
    ['!'] = 1,
    ['#' ... '['] = 1,
    [']' ... '~'] = 1,
};

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/*
 * The high bit of a byte of x set when some byte of x is not plain: '"',
 * '\\', below 0x20 or above 0x7f (the zero-byte test of Hacker's Delight
 * 6-1: a byte can be flagged wrongly only above one flagged rightly, so
 * the lowest flag is always right).
 */
static inline uint64_t
not_plain(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return ((q - ONES) & ~q) | ((b - ONES) & ~b) |
	       ((x - ONES * 0x20) & ~x) | (x & HIGH);
}

/*
 * The index of the first byte at or after u[i] that is not plain, or of
 * the first of the last seven bytes before n when all before are plain
 * (the caller goes on a byte at a time).
 */
static inline size_t
plain_run(const unsigned char *u, size_t i, size_t n)
{
	uint64_t x, f;

#ifdef __SSE2__
	/* sixteen at a time: bytes >= 0x80 are negative, so below 0x20 */
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
		      space = _mm_set1_epi8(0x20);

	while (n - i >= 16) {
		__m128i v =
		    _mm_loadu_si128((const __m128i *)(const void *)(u + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
				     _mm_cmpeq_epi8(v, bslash)),
			_mm_cmplt_epi8(v, space)));

		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	while (n - i >= 8) {
		memcpy(&x, u + i, 8);
		if ((f = not_plain(x) & HIGH) != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(f) / 8;
#endif
			return i;
		}
		i += 8;
	}
	return i;
}

/*
 * Scan a string whose opening quote is at p[i].  Returns the index after
 * the closing quote, or 0 when it is not a valid string.  Adds to *flags
 * ESCAPED for a backslash, JSCAN_UESCAPE for a \u escape and JSCAN_UTF8
 * for a byte >= 0x80.
 */
static size_t
scan_string(const char *p, size_t i, size_t n, unsigned *flags)
{
	const unsigned char *u = (const unsigned char *)p;

	i++;
	while (i < n) {
		unsigned char c;

		/*
		 * Plain ASCII runs first, the common case: eight bytes a test
		 * while eight remain, then a byte a test.
		 */
		i = plain_run(u, i, n);
		while (i < n && plain[u[i]])
			i++;
		if (i >= n)
			break;
		c = u[i];

		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			long cp;

			*flags |= ESCAPED;
			if (++i >= n)
				return 0;
			switch (p[i]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				i++;
				continue;
			case 'u':
				*flags |= JSCAN_UESCAPE;
				break;
			default:
				return 0;
			}
			if ((cp = hex4(p, i + 1, n)) < 0 || cp == 0)
				return 0;
			i += 5;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return 0;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				long lo;

				if (i + 1 >= n || p[i] != '\\' ||
				    p[i + 1] != 'u')
					return 0;
				lo = hex4(p, i + 2, n);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return 0;
				i += 6;
			}
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		{
			size_t len = utf8_seq_len(u + i, n - i);

			if (len == 0)
				return 0;
			*flags |= JSCAN_UTF8;
			i += len;
		}
	}
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The index of the first byte at or after p[i] (before n) that is not a
 * digit: eight bytes a test while eight remain (a byte b is flagged by
 * b - '0' or b + 0x46 setting its high bit; as in not_plain(), the lowest
 * flag is right).
 */
static inline size_t
digit_run(const char *p, size_t i, size_t n)
{
	uint64_t x, f;

	while (n - i >= 8) {
		memcpy(&x, p + i, 8);
		f = ((x - ONES * '0') | (x + ONES * 0x46)) & HIGH;
		if (f != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return i + (size_t)__builtin_ctzll(f) / 8;
#else
			break;
#endif
		}
		i += 8;
	}
	while (i < n && is_digit(p[i]))
		i++;
	return i;
}

/*
 * The JSON number grammar, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?,
 * at p[i]: the index after the longest number there, or 0 when there is
 * none.  *integer: no fraction or exponent; *intdigits and *expdigits
 * count the digits before the fraction and in the exponent.
 */
static inline __attribute__((always_inline)) size_t
number_end(const char *p, size_t i, size_t n, bool *integer, size_t *intdigits,
    size_t *expdigits)
{
	size_t start = i, e0;

	*integer = true;
	*expdigits = 0;
	if (i < n && p[i] == '-')
		i++;
	if (i >= n || !is_digit(p[i]))
		return 0;
	if (p[i] == '0')
		i++;
	else
		i = digit_run(p, i + 1, n);
	*intdigits = i - start - (p[start] == '-');
	if (i < n && p[i] == '.') {
		*integer = false;
		if (++i >= n || !is_digit(p[i]))
			return 0;
		i = digit_run(p, i + 1, n);
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		*integer = false;
		if (++i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !is_digit(p[i]))
			return 0;
		e0 = i;
		while (i < n && is_digit(p[i]))
			i++;
		*expdigits = i - e0;
	}
	return i;
}

/*
 * Whether the n bytes at s are exactly one number in JSON's grammar; with
 * integer_only, one without fraction or exponent.  Range is not checked.
 */
bool
jscan_is_number(const char *s, size_t n, bool integer_only)
{
	size_t intdigits, expdigits;
	bool integer;

	return n > 0 &&
	       number_end(s, 0, n, &integer, &intdigits, &expdigits) == n &&
	       (integer || !integer_only);
}

/*
 * The range checks of scan_number() for a number p[start..i) that may be
 * big: 0 when jansson would refuse it, else i; JSCAN_BIGNUM added to
 * *flags for more than 18 integer or 2 exponent digits.
 */
static size_t __attribute__((noinline))
number_range(const char *p, size_t start, size_t i, bool integer,
    size_t intdigits, size_t expdigits, unsigned *flags)
{
	size_t digits = i - start - (p[start] == '-');
	bool exponent = expdigits > 0; /* the grammar wants a digit after 'e' */
	bool big = intdigits > 18 || expdigits > 2;

	if (big)
		*flags |= JSCAN_BIGNUM;
	if (integer && digits >= 19) {
		char tmp[40];

		if (digits > 20)
			return 0;
		memcpy(tmp, p + start, i - start);
		tmp[i - start] = '\0';
		errno = 0;
		(void)strtoll(tmp, NULL, 10);
		if (errno == ERANGE)
			return 0;
	} else if (!integer && i - start > 300) {
		return 0; /* let jansson judge very long reals */
	} else if (!exponent || !big) {
		/*
		 * Fewer than 300 digits without an exponent cannot overflow,
		 * nor can 18 integer digits with 2 exponent digits.
		 */
	} else {
		char tmp[64];
		double d;

		if (i - start >= sizeof(tmp))
			return 0; /* let jansson judge long reals */
		memcpy(tmp, p + start, i - start);
		tmp[i - start] = '\0';
		errno = 0;
		d = strtod(tmp, NULL);
		if (errno == ERANGE && isinf(d))
			return 0;
	}
	return i;
}

/*
 * Scan a number at p[i].  Returns the index after it, or 0 when it is not
 * a JSON number or jansson would refuse it (integer beyond int64, real
 * overflowing to infinity).  Adds JSCAN_BIGNUM to *flags for more than 18
 * integer digits or more than 2 exponent digits.  The common number, no
 * exponent, at most 18 integer digits and 300 bytes, needs no more.
 */
static inline __attribute__((always_inline)) size_t
scan_number(const char *p, size_t i, size_t n, bool *integer, unsigned *flags)
{
	size_t start = i, intdigits, expdigits;

	if ((i = number_end(p, i, n, integer, &intdigits, &expdigits)) == 0)
		return 0;
	if (expdigits == 0 && intdigits <= 18 && i - start <= 300)
		return i;
	return number_range(p, start, i, *integer, intdigits, expdigits, flags);
}

static size_t scan_value(const char *p, size_t i, size_t n, int depth,
    enum jscan_type *t, bool *integer, unsigned *flags);

/* Skip a nested object or array at p[i] (jansson checked the line). */
static size_t
scan_nested(const char *p, size_t i, size_t n, int depth, unsigned *flags)
{
	char close = p[i] == '{' ? '}' : ']';
	bool obj = p[i] == '{';
	enum jscan_type t;
	bool integer;

	if (depth > MAX_DEPTH)
		return 0;
	i = skip_ws(p, i + 1, n);
	if (i < n && p[i] == close)
		return i + 1;
	for (;;) {
		if (obj) {
			if (i >= n || p[i] != '"' ||
			    (i = scan_string(p, i, n, flags)) == 0)
				return 0;
			i = skip_ws(p, i, n);
			if (i >= n || p[i] != ':')
				return 0;
			i = skip_ws(p, i + 1, n);
		}
		if ((i = scan_value(p, i, n, depth + 1, &t, &integer, flags)) ==
		    0)
			return 0;
		i = skip_ws(p, i, n);
		if (i < n && p[i] == ',') {
			i = skip_ws(p, i + 1, n);
			continue;
		}
		if (i < n && p[i] == close)
			return i + 1;
		return 0;
	}
}

/*
 * Scan the scalar value at p[i]: its type in *t, its flags (scan_string(),
 * scan_number()) added to *flags.  Returns the index after it, or 0 (with
 * *t JSCAN_OBJECT or JSCAN_ARRAY for a nested value).
 */
static inline __attribute__((always_inline)) size_t
scan_scalar(const char *p, size_t i, size_t n, enum jscan_type *t,
    bool *integer, unsigned *flags)
{
	*integer = false;
	if (i >= n)
		return 0;
	switch (p[i]) {
	case '"':
		*t = JSCAN_STRING;
		return scan_string(p, i, n, flags);
	case 't':
		*t = JSCAN_TRUE;
		return i + 4 <= n && memcmp(p + i, "true", 4) == 0 ? i + 4 : 0;
	case 'f':
		*t = JSCAN_FALSE;
		return i + 5 <= n && memcmp(p + i, "false", 5) == 0 ? i + 5 : 0;
	case 'n':
		*t = JSCAN_NULL;
		return i + 4 <= n && memcmp(p + i, "null", 4) == 0 ? i + 4 : 0;
	case '{':
		*t = JSCAN_OBJECT;
		return 0;
	case '[':
		*t = JSCAN_ARRAY;
		return 0;
	default:
		*t = JSCAN_NUMBER;
		return scan_number(p, i, n, integer, flags);
	}
}

/*
 * Scan the value at p[i]: its type in *t, its flags (scan_string(),
 * scan_number()) added to *flags.  Returns the index after it, or 0.
 */
static size_t
scan_value(const char *p, size_t i, size_t n, int depth, enum jscan_type *t,
    bool *integer, unsigned *flags)
{
	size_t end = scan_scalar(p, i, n, t, integer, flags);

	if (end == 0 && i < n && (p[i] == '{' || p[i] == '['))
		return scan_nested(p, i, n, depth, flags);
	return end;
}

static void
rehash(struct jscan *s, size_t want)
{
	size_t nslots = s->nslots ? s->nslots : 64;

	while (nslots < want * 2)
		nslots *= 2;
	if (nslots != s->nslots) {
		free(s->slot);
		free(s->stamp);
		s->slot = xcalloc(nslots, sizeof(*s->slot));
		s->stamp = xcalloc(nslots, sizeof(*s->stamp));
		s->nslots = nslots;
		s->gen = 0;
	}
	if (++s->gen == 0) {
		memset(s->stamp, 0, s->nslots * sizeof(*s->stamp));
		s->gen = 1;
	}
}

/* Put member k into the key table; false if its key is already there. */
static bool
insert_key(struct jscan *s, size_t k)
{
	const struct jscan_member *m = &s->m[k];
	size_t mask = s->nslots - 1;
	size_t h = (size_t)hash_fnv1a(m->key, m->keylen) & mask;

	while (s->stamp[h] == s->gen) {
		const struct jscan_member *o = &s->m[s->slot[h]];

		if (o->keylen == m->keylen &&
		    memcmp(o->key, m->key, m->keylen) == 0)
			return false;
		h = (h + 1) & mask;
	}
	s->stamp[h] = s->gen;
	s->slot[h] = (uint32_t)k;
	return true;
}

static void
grow(struct jscan *s)
{
	s->cap = s->cap ? s->cap * 2 : 64;
	s->m = xreallocarray(s->m, s->cap, sizeof(*s->m));
	if (s->cap * 2 > s->nslots) {
		rehash(s, s->cap);
		for (size_t k = 0; k < s->n; k++)
			insert_key(s, k);
	}
}

/* Whether member k has the key at position k of the kept shape. */
static bool
same_key(const struct jscan *s, size_t k)
{
	size_t off, len;

	if (k >= s->shape_n)
		return false;
	off = s->shape_off[k];
	len = s->shape_off[k + 1] - off;
	return len == s->m[k].keylen &&
	       memcmp(s->shape + off, s->m[k].key, len) == 0;
}

/*
 * memcmp(a, b, n) == 0 for the short strings keys are, without a call:
 * eight bytes at a time, the last eight overlapping the ones before.
 */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		/* the same way with two overlapping 4- or 2-byte words */
		uint32_t x4, y4;
		uint16_t x2, y2;

		if (n >= 4) {
			memcpy(&x4, a, 4);
			memcpy(&y4, b, 4);
			if (x4 != y4)
				return false;
			memcpy(&x4, a + n - 4, 4);
			memcpy(&y4, b + n - 4, 4);
			return x4 == y4;
		}
		if (n >= 2) {
			memcpy(&x2, a, 2);
			memcpy(&y2, b, 2);
			if (x2 != y2)
				return false;
			memcpy(&x2, a + n - 2, 2);
			memcpy(&y2, b + n - 2, 2);
			return x2 == y2;
		}
		return n == 0 || a[0] == b[0];
	}
	for (size_t k = 0; k + 8 < n; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, b + k, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/*
 * Whether the key whose opening quote is at p[i] is the key at position k
 * of the kept shape, which is plain: then it needs no scan (the same
 * bytes were a valid string before) and *end is the index after it.
 */
static bool
kept_key(const struct jscan *s, size_t k, const char *p, size_t i, size_t n,
    size_t *end)
{
	size_t off, len;

	if (k >= s->shape_n)
		return false;
	off = s->shape_off[k];
	len = s->shape_off[k + 1] - off;
	if (n - i < len + 2 || p[i + 1 + len] != '"' ||
	    !same_bytes(p + i + 1, s->shape + off, len))
		return false;
	*end = i + len + 2;
	return true;
}

/*
 * Keep the keys of this line as the shape to compare the next one with;
 * plain: none of them holds an escape or a byte >= 0x80.
 */
static void
keep_shape(struct jscan *s, bool plain_keys)
{
	size_t total = 0;

	for (size_t k = 0; k < s->n; k++)
		total += s->m[k].keylen;
	if (s->shape == NULL || total > s->shapecap) {
		/* never NULL once kept: keys may all be "" */
		s->shapecap = total * 2 + 64;
		s->shape = xrealloc(s->shape, s->shapecap);
	}
	if (s->n + 1 > s->shape_offcap) {
		s->shape_offcap = (s->n + 1) * 2;
		s->shape_off = xreallocarray(
		    s->shape_off, s->shape_offcap, sizeof(*s->shape_off));
	}
	s->shapelen = 0;
	for (size_t k = 0; k < s->n; k++) {
		s->shape_off[k] = s->shapelen;
		memcpy(s->shape + s->shapelen, s->m[k].key, s->m[k].keylen);
		s->shapelen += s->m[k].keylen;
	}
	s->shape_off[s->n] = s->shapelen;
	s->shape_n = s->n;
	s->shape_plain = plain_keys;
}

/*
 * Keep the text around the values of the line p just scanned (s->n
 * members, all scalars) as the template for the next line; keyflags: the
 * flags of its keys.
 */
static void
keep_template(struct jscan *s, const char *p, size_t n, unsigned keyflags)
{
	size_t at = 0, len = 0;

	if (s->n + 1 > s->sepcap) {
		s->sepcap = (s->n + 1) * 2;
		s->sep = xreallocarray(s->sep, s->sepcap, sizeof(*s->sep));
	}
	for (size_t k = 0; k <= s->n; k++) {
		size_t end = k < s->n ? (size_t)(s->m[k].val - p) : n;

		s->sep[k].off = len;
		s->sep[k].len = end - at;
		s->sep[k].keyoff =
		    k < s->n ? (size_t)(s->m[k].key - p) - at : 0;
		s->sep[k].keylen = k < s->n ? s->m[k].keylen : 0;
		len += end - at;
		if (k < s->n)
			at = end + s->m[k].vallen;
	}
	if (len > s->tmplcap || s->tmpl == NULL) {
		s->tmplcap = len * 2 + 64;
		s->tmpl = xrealloc(s->tmpl, s->tmplcap);
	}
	for (size_t k = 0, from = 0; k <= s->n; k++) {
		memcpy(s->tmpl + s->sep[k].off, p + from, s->sep[k].len);
		if (k < s->n)
			from = (size_t)(s->m[k].val - p) + s->m[k].vallen;
	}
	s->tmpl_n = s->n;
	s->tmpl_flags = keyflags;
	s->tmpl_ok = true;
}

/*
 * The line p (n bytes) against the template: true when the text around
 * its values is the template's and its values are valid scalars, with
 * the members filled in; false (members undefined) when the line is to
 * be scanned from the start.
 */
static bool
scan_template(struct jscan *s, const char *p, size_t n)
{
	size_t i = 0;
	unsigned flags = s->tmpl_flags;

	for (size_t k = 0; k < s->tmpl_n; k++) {
		const struct jscan_sep *sp = &s->sep[k];
		struct jscan_member *m = &s->m[k];
		unsigned f = 0;
		size_t end;

		if (n - i < sp->len ||
		    !same_bytes(p + i, s->tmpl + sp->off, sp->len))
			return false;
		m->key = p + i + sp->keyoff;
		m->keylen = sp->keylen;
		i += sp->len;
		if ((end = scan_scalar(p, i, n, &m->type, &m->integer, &f)) ==
		    0)
			return false;
		m->escaped = (f & ESCAPED) != 0;
		flags |= f;
		m->val = p + i;
		m->vallen = end - i;
		i = end;
	}
	if (n - i != s->sep[s->tmpl_n].len ||
	    !same_bytes(p + i, s->tmpl + s->sep[s->tmpl_n].off, n - i))
		return false;
	s->n = s->tmpl_n;
	s->flags = flags & ~ESCAPED;
	return true;
}

/*
 * Scan line (len bytes) as one JSON object.  On JSCAN_OK, s->m[0..n) are
 * its members (borrowed spans into line).  JSCAN_INVALID: not valid JSON
 * as far as the scanner can tell (ask jansson why).  JSCAN_DECLINED:
 * well formed so far but needing the slow path (an escaped key unless
 * escaped_keys_ok, a nested value unless nested_ok).
 */
enum jscan_result
jscan_object(struct jscan *s, const char *line, size_t len)
{
	const char *p = line;
	size_t i, n = len;
	bool declined = false;
	bool match = s->shape_n > 0;
	unsigned keyflags = 0; /* of the keys scanned */
	bool nested = false;

	s->same_shape = false;
	s->indexed = false;
	if (s->tmpl_ok && scan_template(s, line, len)) {
		s->same_shape = true;
		return JSCAN_OK;
	}
	s->tmpl_ok = false;
	s->n = 0;
	s->flags = 0;
	if (s->nslots == 0)
		grow(s);
	rehash(s, s->cap);
	i = skip_ws(p, 0, n);
	if (i >= n || p[i] != '{')
		return JSCAN_INVALID;
	i = skip_ws(p, i + 1, n);
	if (i < n && p[i] == '}') {
		i = skip_ws(p, i + 1, n);
		s->indexed = true;
		s->shape_n = 0;
		return i == n ? JSCAN_OK : JSCAN_INVALID;
	}
	for (;;) {
		struct jscan_member *m;
		size_t end;
		unsigned f = 0;
		bool kept = false;

		if (s->n == s->cap)
			grow(s);
		m = &s->m[s->n];
		if (i >= n || p[i] != '"')
			return JSCAN_INVALID;
		if (match && s->shape_plain &&
		    !(kept = kept_key(s, s->n, p, i, n, &end))) {
			/* The shape changed here: index the keys so far. */
			match = false;
			for (size_t k = 0; k < s->n; k++)
				insert_key(s, k);
		}
		if (!kept) {
			if ((end = scan_string(p, i, n, &f)) == 0)
				return JSCAN_INVALID;
			if ((f & ESCAPED) && !s->escaped_keys_ok)
				declined = true;
			keyflags |= f;
		}
		m->key = p + i + 1;
		m->keylen = end - i - 2;
		i = skip_ws(p, end, n);
		if (i >= n || p[i] != ':')
			return JSCAN_INVALID;
		i = skip_ws(p, i + 1, n);
		f = 0;
		if ((end = scan_value(p, i, n, 1, &m->type, &m->integer, &f)) ==
		    0)
			return JSCAN_INVALID;
		if (m->type == JSCAN_OBJECT || m->type == JSCAN_ARRAY) {
			nested = true;
			if (!s->nested_ok)
				declined = true;
		}
		m->escaped = (f & ESCAPED) != 0;
		s->flags |= f & ~ESCAPED;
		m->val = p + i;
		m->vallen = end - i;
		if (match && !kept && !same_key(s, s->n)) {
			/* The shape changed here: index the keys so far. */
			match = false;
			for (size_t k = 0; k < s->n; k++)
				insert_key(s, k);
		}
		if (!match && !insert_key(s, s->n))
			return JSCAN_INVALID; /* duplicate key */
		s->n++;
		i = skip_ws(p, end, n);
		if (i < n && p[i] == ',') {
			i = skip_ws(p, i + 1, n);
			continue;
		}
		if (i < n && p[i] == '}')
			break;
		return JSCAN_INVALID;
	}
	i = skip_ws(p, i + 1, n);
	if (i != n)
		return JSCAN_INVALID;
	s->flags |= keyflags & ~ESCAPED;
	if (match && s->n == s->shape_n) {
		s->same_shape = true;
	} else {
		if (match)
			for (size_t k = 0; k < s->n; k++)
				insert_key(s, k);
		s->indexed = true;
		if (!declined)
			keep_shape(s, keyflags == 0);
	}
	if (!declined && !nested && !(keyflags & ESCAPED))
		keep_template(s, line, len, keyflags);
	return declined ? JSCAN_DECLINED : JSCAN_OK;
}

/*
 * The member whose key is key (keylen bytes, as written in the line), or
 * NULL.  Valid after jscan_object() returned JSCAN_OK.  Borrowed.
 */
const struct jscan_member *
jscan_find(const struct jscan *s, const char *key, size_t keylen)
{
	size_t mask = s->nslots - 1;
	size_t h;

	if (s->nslots == 0)
		return NULL;
	if (!s->indexed) {
		for (size_t k = 0; k < s->n; k++)
			if (s->m[k].keylen == keylen &&
			    memcmp(s->m[k].key, key, keylen) == 0)
				return &s->m[k];
		return NULL;
	}
	h = (size_t)hash_fnv1a(key, keylen) & mask;
	while (s->stamp[h] == s->gen) {
		const struct jscan_member *o = &s->m[s->slot[h]];

		if (o->keylen == keylen && memcmp(o->key, key, keylen) == 0)
			return o;
		h = (h + 1) & mask;
	}
	return NULL;
}

static const double exact_pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22};

/*
 * The value of a number member's text (val, vallen bytes, as scanned by
 * jscan_object()), correctly rounded as jansson's would be: exact when
 * the digits fit in 2^53 and the power of ten is exact (Clinger's fast
 * path), strtod() otherwise.
 */
double
jscan_number(const char *val, size_t vallen)
{
	const char *p = val, *end = val + vallen;
	uint64_t m = 0;
	int digits = 0, frac = 0;
	bool neg = false;
	char tmp[512], *big;
	double v;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	while (p < end && is_digit(*p)) {
		m = m * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && is_digit(*p)) {
			m = m * 10 + (uint64_t)(*p++ - '0');
			digits++;
			frac++;
		}
	}
	if (p == end && digits <= 15 && frac <= 22) {
		v = (double)m;
		if (frac > 0)
			v /= exact_pow10[frac];
		return neg ? -v : v;
	}
	/* jscan_object() passes no number longer than 300 bytes */
	big = vallen < sizeof(tmp) ? tmp : xmalloc(vallen + 1);
	memcpy(big, val, vallen);
	big[vallen] = '\0';
	v = strtod(big, NULL);
	if (big != tmp)
		free(big);
	return v;
}
