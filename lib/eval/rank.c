/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Radix ranking of doubles, by their rank_key()s.  One read pass counts
 * the digits of every pass at once; a pass whose digit is the same for
 * every key moves nothing and is skipped.  The scratch arrays are
 * bigalloc ones: for a few million keys, huge pages save most of the
 * page faults, which are most of the cost.  NaN must not occur (the
 * callers refuse it).
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/bigalloc.h"
#include "eval/rank.h"

enum { RANK_BITS = 11, RANK_BUCKETS = 1 << RANK_BITS, RANK_PASSES = 6 };

#define DIGIT(k, pass)                                                         \
	((size_t)((k) >> ((unsigned)(pass)*RANK_BITS)) & (RANK_BUCKETS - 1))

/*
 * Sort the keys k[0..n) ascending (the values descending), stable, and
 * payload[0..n) along with them when it is not NULL.
 */
void
rank_sort_keys(uint64_t *k, uint32_t *payload, size_t n)
{
	size_t(*count)[RANK_BUCKETS];
	size_t scratch = n * (sizeof(*k) + (payload ? sizeof(*payload) : 0));
	uint64_t *k2, *kk = k, *block;
	uint32_t *p2 = NULL, *pp = payload;

	if (n < 2)
		return;
	count = xcalloc(RANK_PASSES, sizeof(*count));
	for (size_t i = 0; i < n; i++)
		for (int pass = 0; pass < RANK_PASSES; pass++)
			count[pass][DIGIT(k[i], pass)]++;
	/* one block for both scratch arrays: fewer pages to fault in */
	block = k2 = bigalloc_resize(NULL, 0, scratch);
	if (payload != NULL)
		p2 = (uint32_t *)(void *)(k2 + n);
	for (int pass = 0; pass < RANK_PASSES; pass++) {
		size_t *c = count[pass], sum = 0;
		uint64_t *tk;
		uint32_t *tp;

		if (c[DIGIT(kk[0], pass)] == n)
			continue; /* one digit for all: nothing moves */
		for (size_t b = 0; b < RANK_BUCKETS; b++) {
			size_t m = c[b];

			c[b] = sum;
			sum += m;
		}
		if (pp != NULL) {
			for (size_t i = 0; i < n; i++) {
				size_t d = c[DIGIT(kk[i], pass)]++;

				k2[d] = kk[i];
				p2[d] = pp[i];
			}
			tp = pp, pp = p2, p2 = tp;
		} else {
			for (size_t i = 0; i < n; i++)
				k2[c[DIGIT(kk[i], pass)]++] = kk[i];
		}
		tk = kk, kk = k2, k2 = tk;
	}
	if (kk != k) {
		memcpy(k, kk, n * sizeof(*k));
		if (payload != NULL)
			memcpy(payload, pp, n * sizeof(*payload));
	}
	bigalloc_free(block, scratch);
	free(count);
}

/*
 * Sort x[0..n) (no NaN) in place, highest first; -0.0 comes out as 0.0.
 */
void
rank_sort_desc(double *x, size_t n)
{
	uint64_t *k = bigalloc_array(NULL, 0, n ? n : 1, sizeof(*k));

	for (size_t i = 0; i < n; i++)
		k[i] = rank_key(x[i]);
	rank_sort_keys(k, NULL, n);
	for (size_t i = 0; i < n; i++)
		x[i] = rank_value(k[i]);
	bigalloc_free(k, (n ? n : 1) * sizeof(*k));
}

/*
 * Fill order[0..n) with the indices of x (n doubles, no NaN) so that
 * x[order[0]] >= x[order[1]] >= ..., equal values in index order.  n
 * must fit in 32 bits.
 */
void
rank_desc(const double *x, size_t n, uint32_t *order)
{
	uint64_t *k = bigalloc_array(NULL, 0, n ? n : 1, sizeof(*k));

	for (size_t i = 0; i < n; i++) {
		k[i] = rank_key(x[i]);
		order[i] = (uint32_t)i;
	}
	rank_sort_keys(k, order, n);
	bigalloc_free(k, (n ? n : 1) * sizeof(*k));
}
