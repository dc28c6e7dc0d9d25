/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rate limiter: rate events per second on average, scheduled against the
 * clock, with up to burst events ahead of the schedule at once.  Time is
 * passed in, in nanoseconds of CLOCK_MONOTONIC (clock_now_ns()), so tests
 * can drive it with a fake clock.
 */
#ifndef TOKENBUCKET_H
#define TOKENBUCKET_H

#include <stdint.h>

/* How late the schedule may run and still be made up (100 ms). */
#define TOKENBUCKET_CATCHUP_NS 100000000

struct tokenbucket {
	double rate;  /* events per second */
	double burst; /* events that may go at once, ahead of the schedule */
	int64_t t0;   /* ns: when event 0 of the schedule is due */
	int64_t n;    /* events taken since t0 */
};

void tokenbucket_init(
    struct tokenbucket *tb, double rate, double burst, int64_t now_ns);
int64_t tokenbucket_take(struct tokenbucket *tb, int64_t now_ns);

#endif
