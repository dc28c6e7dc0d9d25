/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Token bucket rate limiter: at most rate events per second on average,
 * with bursts of up to burst events.  Time is passed in, in nanoseconds
 * of CLOCK_MONOTONIC (clock_now_ns()), so tests can drive it with a fake clock.
 */
#ifndef TOKENBUCKET_H
#define TOKENBUCKET_H

#include <stdint.h>

struct tokenbucket {
	double rate;   /* tokens per second */
	double burst;  /* bucket size */
	double tokens; /* tokens available at 'last' */
	int64_t last;  /* ns */
};

void tokenbucket_init(
    struct tokenbucket *tb, double rate, double burst, int64_t now_ns);
int64_t tokenbucket_take(struct tokenbucket *tb, int64_t now_ns);

#endif
