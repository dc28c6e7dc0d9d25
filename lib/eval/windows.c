/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The windows file's parser: a small recursive descent over exactly the
 * shape NAB writes, {"key": [[start, end], ...], ...}, with JSON's own
 * grammar for whitespace, strings (escapes, \u pairs, UTF-8) and
 * numbers.  Newlines can only stand between tokens, so counting them
 * while skipping blanks gives each token's line.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timefmt.h"
#include "base/utf8.h"
#include "eval/windows.h"
#include "io/smallfile.h"

struct wparse {
	const char *p, *end;
	size_t line;
	const char *source;
	struct buf s; /* the last string read, unescaped, NUL-terminated */
	struct ad_err *err;
};

static int fail(struct wparse *wp, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct wparse *wp, size_t line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ad_err_at(wp->err, EX_DATAERR, wp->source, line, "%s", msg);
	return -1;
}

static void
blanks(struct wparse *wp)
{
	while (wp->p < wp->end) {
		char c = *wp->p;

		if (c == '\n')
			wp->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		wp->p++;
	}
}

/* What stands at the cursor, for messages. */
static const char *
here(const struct wparse *wp)
{
	return wp->p < wp->end ? "" : " (end of file)";
}

static int
expect(struct wparse *wp, char c, const char *what)
{
	blanks(wp);
	if (wp->p < wp->end && *wp->p == c) {
		wp->p++;
		return 0;
	}
	return fail(wp, wp->line, "expected %s%s", what, here(wp));
}

static int
hex4(const char *p, const char *end, unsigned *v)
{
	*v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static void
add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | cp >> 18));
		buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A JSON string at the cursor (after blanks) into wp->s. */
static int
string(struct wparse *wp)
{
	if (expect(wp, '"', "a string") < 0)
		return -1;
	buf_reset(&wp->s);
	for (;;) {
		unsigned char c;

		if (wp->p >= wp->end)
			return fail(wp, wp->line, "unterminated string");
		c = (unsigned char)*wp->p;
		if (c == '"') {
			wp->p++;
			break;
		}
		if (c < 0x20)
			return fail(
			    wp, wp->line, "control character in a string");
		if (c >= 0x80) {
			size_t k = utf8_seq_len((const unsigned char *)wp->p,
			    (size_t)(wp->end - wp->p));

			if (k == 0)
				return fail(wp, wp->line, "invalid UTF-8");
			buf_add(&wp->s, wp->p, k);
			wp->p += k;
			continue;
		}
		if (c != '\\') {
			buf_addc(&wp->s, (char)c);
			wp->p++;
			continue;
		}
		if (++wp->p >= wp->end)
			return fail(wp, wp->line, "unterminated string");
		switch (*wp->p++) {
		case '"':
			buf_addc(&wp->s, '"');
			break;
		case '\\':
			buf_addc(&wp->s, '\\');
			break;
		case '/':
			buf_addc(&wp->s, '/');
			break;
		case 'b':
			buf_addc(&wp->s, '\b');
			break;
		case 'f':
			buf_addc(&wp->s, '\f');
			break;
		case 'n':
			buf_addc(&wp->s, '\n');
			break;
		case 'r':
			buf_addc(&wp->s, '\r');
			break;
		case 't':
			buf_addc(&wp->s, '\t');
			break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(wp->p, wp->end, &cp) < 0)
				return fail(wp, wp->line, "bad \\u escape");
			wp->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(wp, wp->line, "lone surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (wp->end - wp->p < 6 || wp->p[0] != '\\' ||
				    wp->p[1] != 'u' ||
				    hex4(wp->p + 2, wp->end, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(
					    wp, wp->line, "lone surrogate");
				wp->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			if (cp == 0)
				return fail(
				    wp, wp->line, "\\u0000 in a string");
			add_utf8(&wp->s, cp);
			break;
		}
		default:
			return fail(wp, wp->line, "bad escape in a string");
		}
	}
	buf_grow(&wp->s, 0);
	wp->s.data[wp->s.len] = '\0';
	return 0;
}

/*
 * A window edge: ISO text, or an epoch number (seconds below
 * TIMEFMT_SECONDS_BELOW, milliseconds above, as everywhere).
 */
static int
edge(struct wparse *wp, int64_t *ms)
{
	struct time_form form;

	blanks(wp);
	if (wp->p < wp->end && *wp->p == '"') {
		if (string(wp) < 0)
			return -1;
		if (timefmt_parse_text(wp->s.data, ms, &form) < 0)
			return fail(
			    wp, wp->line, "'%.60s' is not a time", wp->s.data);
		return 0;
	}
	if (wp->p < wp->end &&
	    (*wp->p == '-' || (*wp->p >= '0' && *wp->p <= '9'))) {
		char tmp[64], *e;
		size_t n = 0;
		double v;

		while (wp->p + n < wp->end && n < sizeof(tmp) - 1 &&
		       wp->p[n] != '\0' &&
		       strchr("0123456789+-.eE", wp->p[n]) != NULL) {
			tmp[n] = wp->p[n];
			n++;
		}
		tmp[n] = '\0';
		errno = 0;
		v = strtod(tmp, &e);
		if (e != tmp + n || n == 0 || errno != 0 || !isfinite(v) ||
		    fabs(v) > 9e15)
			return fail(wp, wp->line, "'%s' is not a time", tmp);
		wp->p += n;
		if (fabs(v) >= (double)TIMEFMT_SECONDS_BELOW)
			*ms = (int64_t)llround(v);
		else
			*ms = (int64_t)llround(v * 1000.0);
		if (*ms < TIMEFMT_MIN_MS || *ms > TIMEFMT_MAX_MS)
			return fail(wp, wp->line,
			    "'%s' is out of range (the years 0000 to 9999)",
			    tmp);
		return 0;
	}
	return fail(
	    wp, wp->line, "expected a time (a string or a number)%s", here(wp));
}

/* One key's array of windows, into k. */
static int
window_list(struct wparse *wp, struct windows_key *k)
{
	size_t cap = 0;

	if (expect(wp, '[', "'[' (the key's list of windows)") < 0)
		return -1;
	blanks(wp);
	if (wp->p < wp->end && *wp->p == ']') {
		wp->p++;
		return 0;
	}
	for (;;) {
		struct window w;

		blanks(wp);
		w.line = wp->line;
		if (expect(wp, '[', "'[' (a window: [start, end])") < 0 ||
		    edge(wp, &w.from) < 0 ||
		    expect(wp, ',', "',' (a window: [start, end])") < 0 ||
		    edge(wp, &w.to) < 0 ||
		    expect(wp, ']', "']' (a window has two times)") < 0)
			return -1;
		if (w.to < w.from)
			return fail(wp, w.line,
			    "'%s': window ends before it "
			    "starts",
			    k->key);
		if (k->n > 0 && w.from <= k->w[k->n - 1].to)
			return fail(wp, w.line,
			    "'%s': windows overlap or are not in time order",
			    k->key);
		if (k->n == cap) {
			cap = cap ? 2 * cap : 4;
			k->w = xreallocarray(k->w, cap, sizeof(*k->w));
		}
		k->w[k->n++] = w;
		blanks(wp);
		if (wp->p < wp->end && *wp->p == ',') {
			wp->p++;
			continue;
		}
		return expect(wp, ']', "',' or ']' after a window");
	}
}

static int
by_key(const void *a, const void *b)
{
	const struct windows_key *x = a, *y = b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int
parse(struct wparse *wp, struct windows *ws)
{
	size_t cap = 0;

	if (expect(wp, '{', "'{': a windows file is one JSON object") < 0)
		return -1;
	blanks(wp);
	if (wp->p < wp->end && *wp->p == '}') {
		wp->p++;
	} else {
		for (;;) {
			struct windows_key *k;

			blanks(wp);
			if (ws->n == cap) {
				cap = cap ? 2 * cap : 64;
				ws->keys = xreallocarray(
				    ws->keys, cap, sizeof(*ws->keys));
			}
			k = &ws->keys[ws->n];
			memset(k, 0, sizeof(*k));
			k->line = wp->line;
			if (string(wp) < 0)
				return -1;
			k->key = xstrndup(wp->s.data, wp->s.len);
			k->keylen = wp->s.len;
			ws->n++;
			if (expect(wp, ':', "':' after a key") < 0 ||
			    window_list(wp, k) < 0)
				return -1;
			ws->nwindows += k->n;
			blanks(wp);
			if (wp->p < wp->end && *wp->p == ',') {
				wp->p++;
				continue;
			}
			if (expect(wp, '}',
				"',' or '}' after a key's "
				"windows") < 0)
				return -1;
			break;
		}
	}
	blanks(wp);
	if (wp->p < wp->end)
		return fail(wp, wp->line, "text after the JSON object");
	if (ws->n > 1)
		qsort(ws->keys, ws->n, sizeof(*ws->keys), by_key);
	for (size_t i = 1; i < ws->n; i++)
		if (by_key(&ws->keys[i - 1], &ws->keys[i]) == 0) {
			size_t l = ws->keys[i - 1].line, m = ws->keys[i].line;

			return fail(wp, l > m ? l : m, "key '%s' given twice",
			    ws->keys[i].key);
		}
	return 0;
}

/*
 * Parse the windows file text (len bytes, borrowed) into ws, naming
 * source in messages.  Returns 0, or -1 with err set (EX_DATAERR, the
 * file and line of the fault) and ws empty.  Release ws with
 * windows_release() either way.
 */
int
windows_parse(struct windows *ws, const char *text, size_t len,
    const char *source, struct ad_err *err)
{
	struct wparse wp = {text, text + len, 1, source, {0}, err};
	int rc;

	memset(ws, 0, sizeof(*ws));
	buf_init(&wp.s);
	rc = parse(&wp, ws);
	buf_release(&wp.s);
	if (rc < 0)
		windows_release(ws);
	return rc;
}

/*
 * Read and parse the windows file at path.  Returns 0, or -1 with err
 * set: EX_NOINPUT when it cannot be read, EX_DATAERR when it is bad.
 */
int
windows_load(struct windows *ws, const char *path, struct ad_err *err)
{
	size_t len;
	char *text;
	int rc;

	memset(ws, 0, sizeof(*ws));
	text = smallfile_read(path, SMALLFILE_MAX, "windows file", &len, err);
	if (text == NULL)
		return -1;
	rc = windows_parse(ws, text, len, path, err);
	free(text);
	return rc;
}

/* Index of key in ws, or -1 when it has no entry. */
long
windows_find(const struct windows *ws, const char *key, size_t keylen)
{
	size_t lo = 0, hi = ws->n;
	struct windows_key k = {(char *)key, keylen, NULL, 0, 0};

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = by_key(&k, &ws->keys[mid]);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Free what ws holds; ws is empty afterwards. */
void
windows_release(struct windows *ws)
{
	for (size_t i = 0; i < ws->n; i++) {
		free(ws->keys[i].key);
		free(ws->keys[i].w);
	}
	free(ws->keys);
	memset(ws, 0, sizeof(*ws));
}
