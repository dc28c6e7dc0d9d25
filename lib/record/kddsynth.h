/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Synthetic KDD-shaped traffic: normal sessions of several services with
 * attack bursts (smurf and neptune floods, back, teardrop, port and IP
 * sweeps, satan probes, password guessing, buffer overflows) at roughly
 * realistic proportions, labelled, and deterministic for a given seed.
 */
#ifndef KDDSYNTH_H
#define KDDSYNTH_H

#include "record/kdd.h"
#include "base/prng.h"

struct kddsynth {
	struct prng rng;
	int attack;	  /* index of the attack in its burst, or -1 */
	long burst_left;  /* records left in the burst */
	double host_load; /* drifting dst_host_count baseline */
	char text[KDD_NCOLUMNS][32];
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
};

void kddsynth_init(struct kddsynth *g, uint64_t seed);
void kddsynth_next(struct kddsynth *g);

#endif
