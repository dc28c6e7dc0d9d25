/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A growable byte buffer for building output lines without a malloc per
 * record: append, then use ->data/->len, then buf_reset() and reuse.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len, cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);

/* Append n bytes (inline: this is on every record's path). */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Append one byte. */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_add_json_string(struct buf *b, const char *s, size_t n);
void buf_add_double(struct buf *b, double v);
void buf_add_long(struct buf *b, long long v);

#endif
