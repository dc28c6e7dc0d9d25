/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Little-endian binary encoding for model payloads: writers append to a
 * struct buf, a reader walks a byte range with bounds checks, so that a
 * truncated or corrupt payload is refused instead of read past its end.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct wire {
	const unsigned char *p, *end;
	bool bad; /* set by the first read past the end or bad value */
};

void wire_put_u8(struct buf *b, uint8_t v);
void wire_put_u32(struct buf *b, uint32_t v);
void wire_put_u64(struct buf *b, uint64_t v);
void wire_put_f64(struct buf *b, double v);
void wire_put_str(struct buf *b, const char *s);

void wire_init(struct wire *w, const void *p, size_t n);
uint8_t wire_u8(struct wire *w);
uint32_t wire_u32(struct wire *w);
uint64_t wire_u64(struct wire *w);
double wire_f64(struct wire *w);
char *wire_str(struct wire *w);
size_t wire_count(struct wire *w, size_t elem_size);

#endif
