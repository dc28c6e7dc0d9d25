/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Seeded pseudo-random numbers: xoshiro256** (Blackman & Vigna), seeded
 * through splitmix64, so that the same --seed gives the same stream on
 * every machine.  Not for cryptography.
 */
#ifndef PRNG_H
#define PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_init(struct prng *r, uint64_t seed);
uint64_t prng_random_seed(void);
uint64_t prng_next(struct prng *r);
double prng_uniform(struct prng *r);
uint64_t prng_below(struct prng *r, uint64_t n);
double prng_normal(struct prng *r);
void prng_uuid4(struct prng *r, char out[37]);

#endif
