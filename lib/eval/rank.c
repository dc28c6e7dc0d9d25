/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Radix ranking of doubles, by their rank_key()s: the top digit first,
 * then each of its buckets from the lowest digit up, one read pass
 * counting that bucket's digits at once; a pass whose digit is the same
 * for every key moves nothing and is skipped.  The scratch arrays are
 * bigalloc ones: for a few million keys, huge pages save most of the
 * page faults, which are most of the cost.  NaN must not occur (the
 * callers refuse it).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/ad.h"
#include "base/bigalloc.h"
#include "eval/rank.h"

enum { RANK_BITS = 11, RANK_BUCKETS = 1 << RANK_BITS, RANK_PASSES = 6 };

#define DIGIT(k, pass)                                                         \
	((size_t)((k) >> ((unsigned)(pass)*RANK_BITS)) & (RANK_BUCKETS - 1))

/*
 * LSD passes over the digits below the top one of k[0..n) (stable), the
 * payload p along when not NULL, with k2 and p2 as scratch; count holds
 * room for RANK_PASSES - 1 histograms.  Returns whether the result is in
 * k2 (and p2) rather than k.
 */
static bool
lsd(uint64_t *k, uint32_t *p, uint64_t *k2, uint32_t *p2, size_t n,
    size_t (*count)[RANK_BUCKETS])
{
	uint64_t *kk = k;
	uint32_t *pp = p;

	memset(count, 0, (RANK_PASSES - 1) * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		for (int pass = 0; pass < RANK_PASSES - 1; pass++)
			count[pass][DIGIT(k[i], pass)]++;
	for (int pass = 0; pass < RANK_PASSES - 1; pass++) {
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
		} else {
			for (size_t i = 0; i < n; i++)
				k2[c[DIGIT(kk[i], pass)]++] = kk[i];
		}
		tk = kk, kk = k2, k2 = tk;
		tp = pp, pp = p2, p2 = tp;
	}
	return kk != k;
}

/* Stable insertion sort of a few keys, the payload along. */
static void
insertion(uint64_t *k, uint32_t *p, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = k[i];
		uint32_t y = p != NULL ? p[i] : 0;
		size_t j = i;

		for (; j > 0 && k[j - 1] > x; j--) {
			k[j] = k[j - 1];
			if (p != NULL)
				p[j] = p[j - 1];
		}
		k[j] = x;
		if (p != NULL)
			p[j] = y;
	}
}

/*
 * Sort the keys k[0..n) ascending (the values descending), stable, and
 * payload[0..n) along with them when it is not NULL.  The top digit
 * first (sign and exponent: the keys' orders of magnitude), then each
 * of its buckets by the lower digits, except a bucket whose keys are
 * all equal: detectors' scores are mostly one value (0), which then
 * costs one pass, not six.
 */
void
rank_sort_keys(uint64_t *k, uint32_t *payload, size_t n)
{
	enum { TOP = RANK_PASSES - 1, FEW = 32 };
	size_t(*count)[RANK_BUCKETS];
	size_t scratch = n * (sizeof(*k) + (payload ? sizeof(*payload) : 0));
	size_t *top, at = 0;
	uint64_t *k2;
	uint32_t *p2 = NULL;

	if (n < 2)
		return;
	count = xcalloc(RANK_PASSES, sizeof(*count));
	top = count[TOP];
	/* one block for both scratch arrays: fewer pages to fault in */
	k2 = bigalloc_resize(NULL, 0, scratch);
	if (payload != NULL)
		p2 = (uint32_t *)(void *)(k2 + n);
	for (size_t i = 0; i < n; i++)
		top[DIGIT(k[i], TOP)]++;
	for (size_t b = 0, sum = 0; b < RANK_BUCKETS; b++) {
		size_t m = top[b];

		top[b] = sum;
		sum += m;
	}
	for (size_t i = 0; i < n; i++) {
		size_t d = top[DIGIT(k[i], TOP)]++;

		k2[d] = k[i];
		if (payload != NULL)
			p2[d] = payload[i];
	}
	/* top[b] is now where bucket b ends */
	for (size_t b = 0; b < RANK_BUCKETS && at < n; b++) {
		size_t lo = at, len = top[b] - at, i = 1;
		uint32_t *pl = payload != NULL ? payload + lo : NULL;
		uint32_t *p2l = payload != NULL ? p2 + lo : NULL;

		at = top[b];
		if (len == 0)
			continue;
		while (i < len && k2[lo + i] == k2[lo])
			i++;
		if (i < len && len <= FEW)
			insertion(k2 + lo, p2l, len);
		else if (i < len && lsd(k2 + lo, p2l, k + lo, pl, len, count))
			continue; /* sorted into k and payload */
		memcpy(k + lo, k2 + lo, len * sizeof(*k));
		if (payload != NULL)
			memcpy(pl, p2l, len * sizeof(*pl));
	}
	bigalloc_free(k2, scratch);
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
