/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * CLOCK_MONOTONIC readings in nanoseconds, milliseconds or seconds, and a
 * sleep to an absolute deadline on the same clock.  The origin is
 * arbitrary (boot time on Linux): only differences mean anything.
 */
#include <time.h>

#include "base/clock.h"

/* CLOCK_MONOTONIC in nanoseconds.  Cannot fail on a POSIX system. */
int64_t
clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CLOCK_MONOTONIC in milliseconds, rounded down. */
int64_t
clock_now_ms(void)
{
	return clock_now_ns() / 1000000;
}

/*
 * The same clock in milliseconds as of the last timer tick (a few ms
 * behind at most), where Linux has CLOCK_MONOTONIC_COARSE: for the
 * interval checks made once per record, at a fifth of the cost of a
 * full reading on a virtual machine.
 */
int64_t
clock_coarse_ms(void)
{
#ifdef CLOCK_MONOTONIC_COARSE
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
	return clock_now_ms();
}

/* CLOCK_MONOTONIC in seconds, for timings printed to people. */
double
clock_now_s(void)
{
	return (double)clock_now_ns() * 1e-9;
}

/*
 * Sleep until the CLOCK_MONOTONIC deadline (ns, as clock_now_ns() counts);
 * returns at once
 * when it has passed.  A signal ends the sleep early so
 * that a stop request is seen at once.
 */
void
clock_sleep_until_ns(int64_t deadline_ns)
{
	struct timespec ts;

	ts.tv_sec = deadline_ns / 1000000000;
	ts.tv_nsec = deadline_ns % 1000000000;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}
