/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A bounded "seen before?" set for de-duplication: it remembers the last
 * N distinct values (byte strings) and forgets the oldest when a new one
 * arrives with the window full, so memory is bounded by N, not by the
 * length of the stream.  Values are kept exactly (no hash-only matching,
 * so no record is ever dropped by a collision); values of up to
 * DEDUP_INLINE bytes (a UUID) are stored inside the slot, longer ones on
 * the heap.
 */
#ifndef DEDUP_H
#define DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEDUP_INLINE 36

struct dedup;

struct dedup *dedup_new(size_t window);
bool dedup_seen(struct dedup *d, const char *val, size_t len);
size_t dedup_count(const struct dedup *d);
size_t dedup_evicted(const struct dedup *d);
size_t dedup_bytes(const struct dedup *d);
void dedup_free(struct dedup *d);

#endif
