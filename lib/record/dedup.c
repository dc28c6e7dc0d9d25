/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The de-duplication window: a ring buffer of the last N distinct values
 * (oldest overwritten first) and an open-addressing index over it with
 * linear probing.  Evicting the oldest value deletes its index entry with
 * backward-shift deletion, so no tombstones pile up and probe sequences
 * stay short however long the stream is.  Both arrays start small and
 * double as the window fills (the ring fills in order until it is full,
 * so growing it keeps every slot in place; the index is rebuilt), so
 * memory grows with the values remembered, not with the window allowed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "record/dedup.h"

struct slot {
	uint64_t hash;
	uint32_t len;
	union {
		char in[DEDUP_INLINE];
		char *heap;
	} v;
};

struct dedup {
	struct slot *ring;
	size_t window, count, head; /* head: next slot to fill (oldest) */
	size_t ringcap;		    /* slots allocated, <= window */
	uint32_t *index;	    /* ring slot + 1, 0 when empty */
	size_t mask;
	size_t evicted; /* values forgotten with the window full */
};

static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t w = 0;

		memcpy(&w, p, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * A window remembering the last window distinct values (at least 1, at
 * most 2^31).  New; caller frees with dedup_free().
 */
struct dedup *
dedup_new(size_t window)
{
	struct dedup *d = xcalloc(1, sizeof(*d));

	if (window < 1)
		window = 1;
	if (window > ((size_t)1 << 31))
		window = (size_t)1 << 31;
	d->window = window;
	d->ringcap = window < 8 ? window : 8;
	d->ring = xcalloc(d->ringcap, sizeof(*d->ring));
	d->index = xcalloc(16, sizeof(*d->index));
	d->mask = 15;
	return d;
}

/*
 * Double the ring (not past the window) and rebuild the index at twice
 * the ring's size; only while the ring has not wrapped (count ==
 * ringcap < window), so slots keep their places.
 */
static void
grow(struct dedup *d)
{
	size_t cap = d->ringcap * 2 > d->window ? d->window : d->ringcap * 2;
	size_t icap = 16;

	while (icap < cap * 2)
		icap *= 2;
	d->ring = xreallocarray(d->ring, cap, sizeof(*d->ring));
	d->ringcap = cap;
	free(d->index);
	d->index = xcalloc(icap, sizeof(*d->index));
	d->mask = icap - 1;
	for (size_t r = 0; r < d->count; r++) {
		size_t i = d->ring[r].hash & d->mask;

		while (d->index[i] != 0)
			i = (i + 1) & d->mask;
		d->index[i] = (uint32_t)(r + 1);
	}
}

static const char *
slot_bytes(const struct slot *s)
{
	return s->len <= DEDUP_INLINE ? s->v.in : s->v.heap;
}

/* Remove ring slot r from the index (backward-shift deletion). */
static void
unindex(struct dedup *d, size_t r)
{
	size_t i = d->ring[r].hash & d->mask, j;

	while (d->index[i] != r + 1)
		i = (i + 1) & d->mask;
	for (j = i;;) {
		size_t home;

		j = (j + 1) & d->mask;
		if (d->index[j] == 0)
			break;
		home = d->ring[d->index[j] - 1].hash & d->mask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (home <= i || home > j)
			   : (home <= i && home > j)) {
			d->index[i] = d->index[j];
			i = j;
		}
	}
	d->index[i] = 0;
}

/*
 * Whether val (len bytes) is among the values remembered; if not, it is
 * remembered now, forgetting the oldest when the window is full.
 */
bool
dedup_seen(struct dedup *d, const char *val, size_t len)
{
	uint64_t h = hash_bytes(val, len);
	size_t i;
	struct slot *s;

	for (i = h & d->mask; d->index[i] != 0; i = (i + 1) & d->mask) {
		s = &d->ring[d->index[i] - 1];
		if (s->hash == h && s->len == len &&
		    memcmp(slot_bytes(s), val, len) == 0)
			return true;
	}
	if (d->count == d->ringcap && d->ringcap < d->window) {
		grow(d);
		for (i = h & d->mask; d->index[i] != 0; i = (i + 1) & d->mask)
			;
	}
	s = &d->ring[d->head];
	if (d->count == d->window) {
		d->evicted++;
		unindex(d, d->head);
		if (s->len > DEDUP_INLINE)
			free(s->v.heap);
		for (i = h & d->mask; d->index[i] != 0; i = (i + 1) & d->mask)
			;
	} else {
		d->count++;
	}
	s->hash = h;
	s->len = (uint32_t)len;
	if (len <= DEDUP_INLINE)
		memcpy(s->v.in, val, len);
	else
		s->v.heap = memcpy(xmalloc(len), val, len);
	d->index[i] = (uint32_t)(d->head + 1);
	d->head = (d->head + 1) % d->window;
	return false;
}

/* Number of distinct values remembered (at most the window). */
size_t
dedup_count(const struct dedup *d)
{
	return d->count;
}

/* Number of values forgotten to make room for new ones. */
size_t
dedup_evicted(const struct dedup *d)
{
	return d->evicted;
}

/*
 * Bytes d holds: itself, the ring's slots and the index as allocated, and
 * the values too long to fit in a slot.
 */
size_t
dedup_bytes(const struct dedup *d)
{
	size_t n = sizeof(*d) + d->ringcap * sizeof(*d->ring) +
		   (d->mask + 1) * sizeof(*d->index);

	for (size_t r = 0; r < d->count; r++)
		if (d->ring[r].len > DEDUP_INLINE)
			n += d->ring[r].len;
	return n;
}

/* Free d; NULL is a no-op. */
void
dedup_free(struct dedup *d)
{
	if (d == NULL)
		return;
	for (size_t r = 0; r < d->count; r++)
		if (d->ring[r].len > DEDUP_INLINE)
			free(d->ring[r].v.heap);
	free(d->ring);
	free(d->index);
	free(d);
}
