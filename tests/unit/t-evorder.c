/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/evorder: release at the watermark (max - lateness),
 * the lateness boundary, equal times in arrival order, the max_pending
 * bound, drain, and random disorder: output sorted, nothing lost (every
 * event either released or counted late).
 */
#include <stdlib.h>

#include "alert/evorder.h"
#include "base/prng.h"
#include "tap.h"

static struct evorder_event
ev(int64_t ts, double v)
{
	return (struct evorder_event){.ts = ts, .value = v, .has_value = true};
}

int
main(void)
{
	struct evorder o;
	struct evorder_event e, x;
	struct prng rng;
	int all;

	evorder_init(&o);
	ok(!evorder_pop(&o, 10, 0, false, &e) &&
		!evorder_pop(&o, 10, 0, true, &e),
	    "empty: nothing to pop, even draining");
	ok(!evorder_is_late(&o, -1000000, 10), "nothing seen: nothing late");
	x = ev(100, 1);
	ok(evorder_push(&o, &x, 10), "push 100");
	ok(!evorder_pop(&o, 10, 0, false, &e), "100 waits: watermark 90");
	x = ev(105, 2);
	evorder_push(&o, &x, 10);
	ok(!evorder_pop(&o, 10, 0, false, &e), "clock 105: 100 still waits");
	x = ev(110, 3);
	evorder_push(&o, &x, 10);
	ok(evorder_pop(&o, 10, 0, false, &e) && e.ts == 100 && e.value == 1,
	    "clock 110: 100 is at the watermark, released");
	ok(!evorder_pop(&o, 10, 0, false, &e), "105 waits");
	ok(evorder_is_late(&o, 99, 10) && !evorder_is_late(&o, 100, 10),
	    "99 is late (before the released 100), 100 is not");
	x = ev(100, 4);
	ok(evorder_push(&o, &x, 10) && o.late == 0, "a second 100 is accepted");
	x = ev(99, 5);
	ok(!evorder_push(&o, &x, 10) && o.late == 1, "99 refused, counted");
	x = ev(100, 6);
	evorder_push(&o, &x, 10);
	ok(evorder_pop(&o, 10, 0, false, &e) && e.value == 4 &&
		evorder_pop(&o, 10, 0, false, &e) && e.value == 6,
	    "equal times come out in arrival order");
	x = ev(200, 7);
	evorder_push(&o, &x, 10);
	ok(evorder_is_late(&o, 189, 10) && !evorder_is_late(&o, 190, 10),
	    "clock 200, lateness 10: 189 late, 190 on time");
	ok(evorder_pop(&o, 10, 0, false, &e) && e.ts == 105 &&
		evorder_pop(&o, 10, 0, false, &e) && e.ts == 110 &&
		!evorder_pop(&o, 10, 0, false, &e),
	    "105, 110 released; 200 waits");
	ok(evorder_pop(&o, 10, 0, true, &e) && e.ts == 200 && o.n == 0,
	    "drain releases 200");
	evorder_release(&o);

	/* Lateness 0: in-order events go at once. */
	evorder_init(&o);
	x = ev(5, 0);
	evorder_push(&o, &x, 0);
	ok(evorder_pop(&o, 0, 0, false, &e) && e.ts == 5,
	    "lateness 0: released at once");
	x = ev(4, 0);
	ok(!evorder_push(&o, &x, 0), "lateness 0: any step back is late");
	evorder_release(&o);

	/* max_pending bounds the heap. */
	evorder_init(&o);
	for (int i = 0; i < 5; i++) {
		x = ev(1000 + i, i);
		evorder_push(&o, &x, 1000000);
	}
	ok(evorder_pop(&o, 1000000, 3, false, &e) && e.ts == 1000 &&
		evorder_pop(&o, 1000000, 3, false, &e) && e.ts == 1001 &&
		!evorder_pop(&o, 1000000, 3, false, &e) && o.n == 3,
	    "max_pending 3: the oldest go until 3 wait");
	x = ev(1000, 9);
	ok(!evorder_push(&o, &x, 1000000) && o.late == 1,
	    "an event before one released early is late");
	evorder_release(&o);

	/* Random disorder within and beyond the lateness. */
	prng_init(&rng, 17);
	for (int round = 0; round < 3; round++) {
		size_t maxp = round == 2 ? 20 : 0, got = 0, pushed = 0;
		int64_t lateness = round == 0 ? 600 : 50, last = INT64_MIN;
		uint64_t lastseq = 0;

		evorder_init(&o);
		all = 1;
		for (int i = 0; i < 20000; i++) {
			x = ev(i * 10 + (int64_t)prng_below(&rng, 600), i);
			if (evorder_push(&o, &x, lateness))
				pushed++;
			while (evorder_pop(&o, lateness, maxp, false, &e)) {
				if (e.ts < last ||
				    (e.ts == last && e.seq < lastseq))
					all = 0;
				last = e.ts;
				lastseq = e.seq;
				got++;
			}
			if (maxp && o.n > maxp)
				all = 0;
		}
		while (evorder_pop(&o, lateness, maxp, true, &e)) {
			if (e.ts < last)
				all = 0;
			last = e.ts;
			got++;
		}
		ok(all && got == pushed && got + o.late == 20000 &&
			(round == 0 ? o.late == 0 : o.late > 0),
		    "random disorder %d: sorted, %zu out + %zu late = 20000",
		    round, got, o.late);
		evorder_release(&o);
	}
	return tap_done();
}
