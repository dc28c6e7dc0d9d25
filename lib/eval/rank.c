/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Radix ranking of doubles.  A double's bits, with the sign bit flipped
 * for positive numbers and every bit flipped for negative ones, order as
 * unsigned integers the way the numbers do; complementing that gives the
 * descending order.  NaN must not occur (the callers refuse it).
 */
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "eval/rank.h"

enum { RANK_BITS = 11, RANK_BUCKETS = 1 << RANK_BITS, RANK_PASSES = 6 };

static uint64_t
desc_key(double v)
{
	uint64_t u;

	if (v == 0)
		v = 0; /* -0.0 ranks with 0.0 */
	memcpy(&u, &v, sizeof(u));
	u = (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
	return ~u;
}

static double
from_key(uint64_t k)
{
	uint64_t u = ~k;
	double v;

	u = (u >> 63) ? u & ~(UINT64_C(1) << 63) : ~u;
	memcpy(&v, &u, sizeof(v));
	return v;
}

/*
 * Sort x[0..n) (no NaN) in place, highest first; -0.0 comes out as 0.0.
 */
void
rank_sort_desc(double *x, size_t n)
{
	size_t m = n ? n : 1;
	uint64_t *k = xreallocarray(NULL, m, sizeof(*k));
	uint64_t *k2 = xreallocarray(NULL, m, sizeof(*k2));
	size_t *count = xcalloc(RANK_BUCKETS, sizeof(*count));

	for (size_t i = 0; i < n; i++)
		k[i] = desc_key(x[i]);
	for (int pass = 0; pass < RANK_PASSES && n > 0; pass++) {
		unsigned shift = (unsigned)(pass * RANK_BITS);
		size_t sum = 0;
		uint64_t *tk;

		memset(count, 0, RANK_BUCKETS * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(k[i] >> shift) & (RANK_BUCKETS - 1)]++;
		if (count[(k[0] >> shift) & (RANK_BUCKETS - 1)] == n)
			continue;
		for (size_t b = 0; b < RANK_BUCKETS; b++) {
			size_t c = count[b];

			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			k2[count[(k[i] >> shift) & (RANK_BUCKETS - 1)]++] =
			    k[i];
		tk = k, k = k2, k2 = tk;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = from_key(k[i]);
	free(k);
	free(k2);
	free(count);
}

/*
 * Fill order[0..n) with the indices of x (n doubles, no NaN) so that
 * x[order[0]] >= x[order[1]] >= ..., equal values in index order.  n
 * must fit in 32 bits.
 */
void
rank_desc(const double *x, size_t n, uint32_t *order)
{
	size_t m = n ? n : 1;
	uint64_t *k = xreallocarray(NULL, m, sizeof(*k));
	uint64_t *k2 = xreallocarray(NULL, m, sizeof(*k2));
	uint32_t *spare = xreallocarray(NULL, m, sizeof(*spare));
	uint32_t *o = order, *o2 = spare;
	size_t *count = xcalloc(RANK_BUCKETS, sizeof(*count));

	for (size_t i = 0; i < n; i++) {
		k[i] = desc_key(x[i]);
		o[i] = (uint32_t)i;
	}
	for (int pass = 0; pass < RANK_PASSES && n > 0; pass++) {
		unsigned shift = (unsigned)(pass * RANK_BITS);
		size_t sum = 0;
		uint64_t *tk;
		uint32_t *to;

		memset(count, 0, RANK_BUCKETS * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(k[i] >> shift) & (RANK_BUCKETS - 1)]++;
		if (count[(k[0] >> shift) & (RANK_BUCKETS - 1)] == n)
			continue; /* one digit for all: nothing moves */
		for (size_t b = 0; b < RANK_BUCKETS; b++) {
			size_t c = count[b];

			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t d =
			    count[(k[i] >> shift) & (RANK_BUCKETS - 1)]++;

			k2[d] = k[i];
			o2[d] = o[i];
		}
		tk = k, k = k2, k2 = tk;
		to = o, o = o2, o2 = to;
	}
	if (o != order)
		memcpy(order, o, n * sizeof(*order));
	free(k);
	free(k2);
	free(spare);
	free(count);
}
