/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * xoshiro256** 1.0 and splitmix64, after the public-domain reference code
 * of David Blackman and Sebastiano Vigna; uniform integers without modulo
 * bias (Lemire's method), normals by Box-Muller, and RFC 4122 version 4
 * UUIDs from the same stream.
 */
#include <math.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/prng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Seed r; every seed, 0 included, gives a good state. */
void
prng_init(struct prng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

/* A seed from the kernel (or the clock and pid if that fails). */
uint64_t
prng_random_seed(void)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), 0) == (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
	       (uint64_t)getpid();
}

/* Next 64 random bits. */
uint64_t
prng_next(struct prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform double in [0, 1), 53 bits. */
double
prng_uniform(struct prng *r)
{
	return (double)(prng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n); n must be > 0. */
uint64_t
prng_below(struct prng *r, uint64_t n)
{
	__uint128_t m = (__uint128_t)prng_next(r) * n;
	uint64_t low = (uint64_t)m;

	if (low < n) {
		uint64_t threshold = -n % n;

		while (low < threshold) {
			m = (__uint128_t)prng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* Standard normal deviate (Box-Muller; one of the pair is discarded). */
double
prng_normal(struct prng *r)
{
	double u1 = 1.0 - prng_uniform(r), u2 = prng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Write a version 4, variant 1 UUID and its NUL into out. */
void
prng_uuid4(struct prng *r, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t hi = prng_next(r), lo = prng_next(r);
	unsigned char b[16];
	int o = 0;

	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(hi >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}
