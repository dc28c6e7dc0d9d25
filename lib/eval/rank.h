/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The order of a score column, highest first, for the threshold sweeps
 * of the NAB and the ROC / precision-recall evaluations: a radix sort
 * on the doubles' bits (11-bit digits; the top one first, then LSD
 * within its buckets; passes whose digit is the same for every key, and
 * buckets of one value, skipped), stable, so equal scores keep their input
 * order, and -0.0 ranks with 0.0.  Linear time: five million scores sort
 * in a small fraction of a second.  rank_sort_desc() sorts the values
 * themselves, which moves two thirds of the bytes rank_desc() moves;
 * rank_sort_keys() sorts keys made with rank_key(), each with a 32-bit
 * payload, for callers that lay the keys out themselves.
 */
#ifndef RANK_H
#define RANK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The key of v (no NaN): keys in ascending order are the values in
 * descending order, and -0.0 has the key of 0.0.  A double's bits, with
 * the sign bit flipped for positive numbers and every bit flipped for
 * negative ones, order as unsigned integers the way the numbers do;
 * complementing that gives the descending order.
 */
static inline uint64_t
rank_key(double v)
{
	uint64_t u;

	if (v == 0)
		v = 0; /* -0.0 ranks with 0.0 */
	memcpy(&u, &v, sizeof(u));
	u = (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
	return ~u;
}

/* The value of a key made by rank_key(). */
static inline double
rank_value(uint64_t k)
{
	uint64_t u = ~k;
	double v;

	u = (u >> 63) ? u & ~(UINT64_C(1) << 63) : ~u;
	memcpy(&v, &u, sizeof(v));
	return v;
}

void rank_desc(const double *x, size_t n, uint32_t *order);
void rank_sort_desc(double *x, size_t n);
void rank_sort_keys(uint64_t *k, uint32_t *payload, size_t n);

#endif
