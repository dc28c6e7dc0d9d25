/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Token bucket.  Tokens accrue from the real time elapsed, not from the
 * number of sleeps, so oversleeping (a 10 us nap that lasts 60 us) is paid
 * back by the next takes and the long-run rate stays exact.  The caller
 * reads the clock (clock_now_ns()) and sleeps to the deadline returned
 * (clock_sleep_until_ns()), so tests can drive it with a fake clock.
 */
#include "base/tokenbucket.h"

/* Start full: up to burst events may pass at once. */
void
tokenbucket_init(
    struct tokenbucket *tb, double rate, double burst, int64_t now_ns)
{
	tb->rate = rate;
	tb->burst = burst < 1 ? 1 : burst;
	tb->tokens = tb->burst;
	tb->last = now_ns;
}

/*
 * Take one token at now_ns.  Returns 0 when it was available, or the
 * deadline (ns) at which it will be; the token is then already taken, and
 * the caller sleeps until the deadline before going on.
 */
int64_t
tokenbucket_take(struct tokenbucket *tb, int64_t now_ns)
{
	if (now_ns > tb->last) {
		tb->tokens += (double)(now_ns - tb->last) * 1e-9 * tb->rate;
		if (tb->tokens > tb->burst)
			tb->tokens = tb->burst;
		tb->last = now_ns;
	}
	tb->tokens -= 1;
	if (tb->tokens >= 0)
		return 0;
	return now_ns + (int64_t)(-tb->tokens / tb->rate * 1e9) + 1;
}
