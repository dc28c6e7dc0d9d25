/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A token bucket kept as a schedule (the virtual-scheduling form of
 * GCRA): event n is due at t0 + n / rate and may go up to burst - 1
 * intervals before that.  The caller reads the clock (clock_now_ns()) and
 * sleeps to the deadline returned (clock_sleep_until_ns()).
 *
 * Why a schedule and not a count of tokens capped at the burst: a sleep
 * lasts longer than asked (60 us for a 5 us nap is common), and a bucket
 * of one token throws that time away at every wake-up, so at 20,000/s
 * with --burst 1 only 15,000/s came out.  Against the schedule, events
 * that are late go at once until it is caught up, so oversleeping costs
 * nothing in the long run, whatever the burst: at high rates events leave
 * in small groups (one sleep's worth), the average exact.  Lateness of
 * more than TOKENBUCKET_CATCHUP_NS (the caller stalled: a blocked pipe, an
 * idle source) is forgiven instead of being made up in a flood.
 */
#include "base/tokenbucket.h"

/* Start full: up to burst events may pass at once. */
void
tokenbucket_init(
    struct tokenbucket *tb, double rate, double burst, int64_t now_ns)
{
	tb->rate = rate;
	tb->burst = burst < 1 ? 1 : burst;
	tb->t0 = now_ns;
	tb->n = 0;
}

/*
 * Take one event at now_ns.  Returns 0 when it may go now, or the
 * deadline (ns) at which it may; the event is then already counted, and
 * the caller sleeps until the deadline before going on.
 */
int64_t
tokenbucket_take(struct tokenbucket *tb, int64_t now_ns)
{
	double per = 1e9 / tb->rate; /* ns between two events */
	int64_t due = tb->t0 + (int64_t)((double)tb->n * per);
	double early = (tb->burst - 1) * per; /* ns ahead of schedule */
	int64_t allowed;

	if (now_ns - due > TOKENBUCKET_CATCHUP_NS) {
		/* Too far behind: make up only the last 100 ms. */
		tb->t0 = due = now_ns - TOKENBUCKET_CATCHUP_NS;
		tb->n = 0;
	}
	tb->n++;
	allowed = due - (int64_t)(early < 1e18 ? early : 1e18);
	if (now_ns >= allowed)
		return 0;
	return allowed;
}
