/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/dedup: exact matching within a bounded window. */
#include <stdio.h>
#include <string.h>

#include "record/dedup.h"
#include "tap.h"

int
main(void)
{
	struct dedup *d = dedup_new(3);
	char big[100];
	char key[32];
	bool all = true;
	size_t b0;

	ok(!dedup_seen(d, "a", 1), "first a is new");
	ok(dedup_seen(d, "a", 1), "second a is a repeat");
	ok(!dedup_seen(d, "b", 1) && !dedup_seen(d, "c", 1), "b, c new");
	ok(dedup_count(d) == 3, "window full");
	ok(!dedup_seen(d, "d", 1), "d new, evicts a");
	ok(!dedup_seen(d, "a", 1), "a forgotten after 3 distinct values");
	ok(dedup_seen(d, "d", 1) && dedup_seen(d, "c", 1), "recent kept");
	ok(dedup_count(d) == 3, "count bounded by the window");
	ok(dedup_evicted(d) == 2, "a then b forgotten: 2 evicted");
	b0 = dedup_bytes(d);
	ok(b0 > 3 * DEDUP_INLINE, "bytes: at least the three slots");
	memset(big, 'x', sizeof(big));
	ok(!dedup_seen(d, big, sizeof(big)), "long value stored");
	ok(dedup_bytes(d) == b0 + sizeof(big),
	    "a long value in place of a short one: its 100 bytes more");
	ok(dedup_seen(d, big, sizeof(big)), "long value matched");
	big[99] = 'y';
	ok(!dedup_seen(d, big, sizeof(big)), "long values compared exactly");
	ok(!dedup_seen(d, "", 0) && dedup_seen(d, "", 0), "empty value");
	ok(dedup_bytes(d) == b0 + 2 * sizeof(big) && dedup_evicted(d) == 5,
	    "two long values held, five evicted");
	dedup_free(d);

	/* Many values through a small window: the index stays consistent. */
	d = dedup_new(1000);
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "k%d", i);

		if (dedup_seen(d, key, (size_t)n))
			all = false;
		if (i >= 1 && !dedup_seen(d, key, (size_t)n))
			all = false;
	}
	ok(all, "100000 distinct values, each a repeat right after");
	all = true;
	for (int i = 99000; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "k%d", i);

		if (!dedup_seen(d, key, (size_t)n))
			all = false;
	}
	ok(all, "the last 1000 are all remembered");
	{
		int n = snprintf(key, sizeof(key), "k%d", 98999);

		ok(!dedup_seen(d, key, (size_t)n), "the 1001st newest is not");
	}
	dedup_free(d);
	dedup_free(NULL);
	return tap_done();
}
