/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/prng: splitmix64's published outputs for seed 0, the
 * xoshiro256** stream against the reference algorithm written out here,
 * determinism, uniform doubles and unbiased integers (chi-square), the
 * normal's moments, and RFC 4122 version 4 UUIDs.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/prng.h"
#include "tap.h"

static uint64_t
ref_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0, as in Blackman & Vigna's xoshiro256starstar.c. */
static uint64_t
ref_next(uint64_t s[4])
{
	uint64_t result = ref_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ref_rotl(s[3], 45);
	return result;
}

int
main(void)
{
	struct prng r, r2;
	uint64_t ref[4] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
	    0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL};
	int all, cnt[10] = {0};
	double sum = 0, sum2 = 0, sum4 = 0, chi = 0, lo = 1, hi = 0;
	char u[37], u2[37];

	prng_init(&r, 0);
	ok(r.s[0] == ref[0] && r.s[1] == ref[1] && r.s[2] == ref[2] &&
		r.s[3] == ref[3],
	    "seed 0: state is splitmix64's first four outputs");
	all = 1;
	for (int i = 0; i < 1000; i++)
		if (prng_next(&r) != ref_next(ref))
			all = 0;
	ok(all, "1000 outputs equal the reference xoshiro256**");
	prng_init(&r, 12345);
	prng_init(&r2, 12345);
	all = 1;
	for (int i = 0; i < 100; i++)
		if (prng_next(&r) != prng_next(&r2))
			all = 0;
	ok(all, "same seed, same stream");
	prng_init(&r2, 12346);
	ok(prng_next(&r) != prng_next(&r2), "seeds 12345 and 12346 differ");
	prng_init(&r, UINT64_MAX);
	ok(r.s[0] | r.s[1] | r.s[2] | r.s[3], "seed 2^64-1: a non-zero state");

	/* Uniform doubles. */
	prng_init(&r, 1);
	all = 1;
	for (int i = 0; i < 100000; i++) {
		double x = prng_uniform(&r);

		if (!(x >= 0 && x < 1))
			all = 0;
		lo = fmin(lo, x);
		hi = fmax(hi, x);
		sum += x;
		cnt[(int)(x * 10)]++;
	}
	ok(all && lo < 1e-4 && hi > 1 - 1e-4, "uniform: all in [0, 1)");
	is_near(sum / 100000, 0.5, 0.005, "uniform: mean 0.5");
	for (int i = 0; i < 10; i++)
		chi += (cnt[i] - 10000.0) * (cnt[i] - 10000.0) / 10000.0;
	ok(chi < 27.9, "uniform: deciles pass chi-square (9 df, 0.1%%): %.1f",
	    chi);

	/* Integers below n: range and no bias, even for n = 3 * 2^62. */
	all = 1;
	for (int i = 0; i < 1000; i++)
		if (prng_below(&r, 1) != 0)
			all = 0;
	ok(all, "below(1) is always 0");
	{
		int c7[7] = {0};

		chi = 0;
		for (int i = 0; i < 70000; i++) {
			uint64_t v = prng_below(&r, 7);

			if (v >= 7) {
				all = 0;
				break;
			}
			c7[v]++;
		}
		for (int i = 0; i < 7; i++)
			chi += (c7[i] - 10000.0) * (c7[i] - 10000.0) / 10000.0;
		ok(all && chi < 22.5,
		    "below(7): in range, chi-square (6 df) %.1f", chi);
	}
	{
		uint64_t n = 3ULL << 62;
		int third[3] = {0};

		for (int i = 0; i < 30000; i++) {
			uint64_t v = prng_below(&r, n);

			if (v >= n)
				all = 0;
			third[v / (1ULL << 62)]++;
		}
		ok(all && abs(third[0] - 10000) < 500 &&
			abs(third[2] - 10000) < 500,
		    "below(3 * 2^62): thirds even (%d %d %d), no modulo bias",
		    third[0], third[1], third[2]);
	}
	ok(prng_below(&r, UINT64_MAX) < UINT64_MAX, "below(2^64-1)");

	/* Normals. */
	sum = sum2 = 0;
	all = 1;
	for (int i = 0; i < 200000; i++) {
		double z = prng_normal(&r);

		if (!isfinite(z))
			all = 0;
		sum += z;
		sum2 += z * z;
		sum4 += z * z * z * z;
	}
	ok(all, "normals finite");
	is_near(sum / 200000, 0, 0.01, "normal: mean 0");
	is_near(sum2 / 200000, 1, 0.015, "normal: variance 1");
	is_near(sum4 / 200000, 3, 0.1, "normal: fourth moment 3");

	/* UUIDs. */
	prng_init(&r, 9);
	all = 1;
	for (int i = 0; i < 1000; i++) {
		prng_uuid4(&r, u);
		if (strlen(u) != 36 || u[8] != '-' || u[13] != '-' ||
		    u[18] != '-' || u[23] != '-' || u[14] != '4' ||
		    strchr("89ab", u[19]) == NULL)
			all = 0;
		for (int k = 0; k < 36; k++)
			if (k != 8 && k != 13 && k != 18 && k != 23 &&
			    !(isdigit((unsigned char)u[k]) ||
				(u[k] >= 'a' && u[k] <= 'f')))
				all = 0;
	}
	ok(all, "1000 UUIDs: 8-4-4-4-12 lower hex, version 4, variant 10xx");
	prng_uuid4(&r, u2);
	ok(strcmp(u, u2) != 0, "consecutive UUIDs differ");
	prng_init(&r, 9);
	prng_init(&r2, 9);
	prng_uuid4(&r, u);
	prng_uuid4(&r2, u2);
	ok(strcmp(u, u2) == 0, "same seed, same UUID");
	ok(prng_random_seed() != prng_random_seed(), "two random seeds differ");
	return tap_done();
}
