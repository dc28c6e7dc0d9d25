/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/rank: the radix order against qsort() with the
 * index as tie-break, on random doubles of every sign and size, heavy
 * ties, -0.0 against 0.0, infinities, and the empty and one-element cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/prng.h"
#include "eval/rank.h"
#include "tap.h"

static const double *ref_x;

static int
ref_cmp(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	double x = ref_x[i], y = ref_x[j];

	if (x != y)
		return x > y ? -1 : 1;
	return (i > j) - (i < j);
}

static int
same_as_qsort(const double *x, size_t n)
{
	uint32_t *a = malloc((n + 1) * sizeof(*a));
	uint32_t *b = malloc((n + 1) * sizeof(*b));
	int same = 1;

	rank_desc(x, n, a);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint32_t)i;
	ref_x = x;
	qsort(b, n, sizeof(*b), ref_cmp);
	for (size_t i = 0; i < n; i++)
		same &= a[i] == b[i];
	free(a);
	free(b);
	return same;
}

int
main(void)
{
	enum { N = 100000 };
	double *x = malloc(N * sizeof(*x));
	struct prng r;
	uint32_t one;

	prng_init(&r, 42);
	for (size_t i = 0; i < N; i++) {
		double u = prng_uniform(&r);

		x[i] = (u - 0.5) * pow(10, (double)(i % 40) - 20);
	}
	ok(same_as_qsort(x, N), "random doubles of every size and sign");
	for (size_t i = 0; i < N; i++)
		x[i] = (double)prng_below(&r, 7) / 7.0;
	ok(same_as_qsort(x, N), "seven distinct values: ties in input order");
	for (size_t i = 0; i < N; i++) {
		/* a detector's scores: mostly 0, a tail, a few of each size */
		uint64_t c = prng_below(&r, 100);

		x[i] = c < 70	? 0.0
		       : c < 95 ? prng_uniform(&r)
		       : c < 98 ? prng_uniform(&r) * pow(2, -(double)(c % 40))
				: (double)prng_below(&r, 3);
	}
	ok(same_as_qsort(x, N), "mostly zeros, a tail, small buckets");
	for (size_t n = 2; n < 70; n += 7)
		ok(same_as_qsort(x + 1000, n), "%zu keys", n);
	x[0] = -0.0, x[1] = 0.0, x[2] = -0.0, x[3] = INFINITY, x[4] = -INFINITY,
	x[5] = 1e-310, x[6] = -1e-310;
	ok(same_as_qsort(x, 7), "-0.0 ties 0.0; infinities and subnormals");
	{
		uint32_t o[3];
		double z[3] = {-0.0, 0.0, -0.0};

		rank_desc(z, 3, o);
		ok(o[0] == 0 && o[1] == 1 && o[2] == 2, "-0.0 and 0.0 keep "
							"their order");
	}
	ok(same_as_qsort(x, 0), "no element");
	{
		double y[7];
		uint32_t o[7];
		int same = 1;

		memcpy(y, x, sizeof(y));
		rank_desc(x, 7, o);
		rank_sort_desc(y, 7);
		for (int i = 0; i < 7; i++)
			same &= y[i] == x[o[i]];
		ok(same && !signbit(y[2]), "rank_sort_desc: the values in "
					   "rank_desc's order, -0.0 as 0.0");
	}
	x[0] = 3;
	rank_desc(x, 1, &one);
	ok(one == 0, "one element");
	free(x);
	return tap_done();
}
