/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The encoders and the bounds-checked decoder of wire.h.  Reads past the
 * end return zero and set w->bad once; the caller checks w->bad after a
 * group of reads.
 */
#include <string.h>

#include "base/ad.h"
#include "base/wire.h"

/* Append one byte. */
void
wire_put_u8(struct buf *b, uint8_t v)
{
	buf_addc(b, (char)v);
}

/* Append a 32-bit integer, little-endian. */
void
wire_put_u32(struct buf *b, uint32_t v)
{
	unsigned char t[4];

	for (int i = 0; i < 4; i++)
		t[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, t, 4);
}

/* Append a 64-bit integer, little-endian. */
void
wire_put_u64(struct buf *b, uint64_t v)
{
	unsigned char t[8];

	for (int i = 0; i < 8; i++)
		t[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, t, 8);
}

/* Append a double as its IEEE 754 bits. */
void
wire_put_f64(struct buf *b, double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	wire_put_u64(b, u);
}

/* Append a string: its length (u32) and its bytes. */
void
wire_put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	wire_put_u32(b, (uint32_t)n);
	buf_add(b, s, n);
}

/* Start reading n bytes at p (borrowed). */
void
wire_init(struct wire *w, const void *p, size_t n)
{
	w->p = p;
	w->end = w->p + n;
	w->bad = false;
}

static bool
need(struct wire *w, size_t n)
{
	if (w->bad || (size_t)(w->end - w->p) < n) {
		w->bad = true;
		return false;
	}
	return true;
}

/* Read one byte (0 past the end). */
uint8_t
wire_u8(struct wire *w)
{
	if (!need(w, 1))
		return 0;
	return *w->p++;
}

/* Read a 32-bit little-endian integer (0 past the end). */
uint32_t
wire_u32(struct wire *w)
{
	uint32_t v = 0;

	if (!need(w, 4))
		return 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)w->p[i] << (8 * i);
	w->p += 4;
	return v;
}

/* Read a 64-bit little-endian integer (0 past the end). */
uint64_t
wire_u64(struct wire *w)
{
	uint64_t v = 0;

	if (!need(w, 8))
		return 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)w->p[i] << (8 * i);
	w->p += 8;
	return v;
}

/* Read a double (0 past the end). */
double
wire_f64(struct wire *w)
{
	uint64_t u = wire_u64(w);
	double v;

	memcpy(&v, &u, 8);
	return v;
}

/*
 * Read a string into a new NUL-terminated copy (caller frees).  Returns
 * an empty string and sets w->bad when it runs past the end or holds NUL.
 */
char *
wire_str(struct wire *w)
{
	uint32_t n = wire_u32(w);
	char *s;

	if (!need(w, n) || memchr(w->p, '\0', n) != NULL) {
		w->bad = true;
		return xstrdup("");
	}
	s = xstrndup((const char *)w->p, n);
	w->p += n;
	return s;
}

/*
 * Read an element count and check that that many elements of elem_size
 * bytes can still follow, so that a corrupt count cannot make the caller
 * allocate gigabytes.  Returns 0 with w->bad set when they cannot.
 */
size_t
wire_count(struct wire *w, size_t elem_size)
{
	uint64_t n = wire_u64(w);

	if (w->bad ||
	    (elem_size > 0 && n > (uint64_t)(w->end - w->p) / elem_size)) {
		w->bad = true;
		return 0;
	}
	return (size_t)n;
}
