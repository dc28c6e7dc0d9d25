/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Growable byte buffer, plus the JSON scalar encoders every writer shares:
 * strings escaped per RFC 8259 and doubles in their shortest round-trip
 * form ("0.1", not "0.10000000000000001").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/buf.h"
#include "base/dtoa.h"

/* Make b empty, owning nothing. */
void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Free what b owns and make it empty. */
void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

/* Empty b, keeping its memory. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
}

/* Make room for extra more bytes plus a terminating NUL. */
void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 256;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

/* Append a C string. */
void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append printf-formatted text. */
void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Append s (n bytes of UTF-8) as a quoted JSON string. */
void
buf_add_json_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	buf_grow(b, n + 2);
	b->data[b->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			buf_grow(b, 2);
			b->data[b->len++] = (char)c;
			continue;
		}
		buf_grow(b, 7);
		b->data[b->len++] = '\\';
		switch (c) {
		case '"':
			b->data[b->len++] = '"';
			break;
		case '\\':
			b->data[b->len++] = '\\';
			break;
		case '\n':
			b->data[b->len++] = 'n';
			break;
		case '\t':
			b->data[b->len++] = 't';
			break;
		case '\r':
			b->data[b->len++] = 'r';
			break;
		default:
			memcpy(b->data + b->len, "u00", 3);
			b->len += 3;
			b->data[b->len++] = hex[c >> 4];
			b->data[b->len++] = hex[c & 15];
			break;
		}
	}
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
}

/*
 * Append v as dtoa_json() writes it: the shortest digits that read back as
 * the same double, always with a '.' or an exponent so that it stays a
 * real.  NaN and infinities have no JSON form and are written as null.
 */
void
buf_add_double(struct buf *b, double v)
{
	buf_grow(b, DTOA_BUFSIZE);
	b->len += dtoa_json(v, b->data + b->len);
}

/* Append an integer in decimal. */
void
buf_add_long(struct buf *b, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	buf_add(b, tmp, (size_t)n);
}
