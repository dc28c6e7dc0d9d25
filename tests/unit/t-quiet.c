/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/series/quiet: a detection silences exactly the next
 * `points` scores, by the scale, and the first score after the quiet can
 * detect again; no quiet when points is 0.
 */
#include "series/quiet.h"
#include "tap.h"

int
main(void)
{
	struct quiet_conf c = {3, 0.5, 0.1};
	struct quiet q = {0};
	/* 0.2 is below the level; 0.6 detects, the next three are scaled;
	 * 0.9 detects again and quiets the last two. */
	const double in[] = {0.2, 0.6, 0.9, 0.5, 1.0, 0.9, 0.4, 0.7};
	const double want[] = {0.2, 0.6, 0.09, 0.05, 0.1, 0.9, 0.04, 0.07};
	struct quiet none = {0};

	for (int i = 0; i < 8; i++)
		is_near(quiet_apply(&q, in[i], &c), want[i], 1e-12,
		    "point %d: %g -> %g", i, in[i], want[i]);
	c.points = 0;
	ok(quiet_apply(&none, 1, &c) == 1 && quiet_apply(&none, 0.7, &c) == 0.7,
	    "no quiet: every detection passes");
	ok(none.left == 0, "no quiet: nothing left");
	c = QUIET_CONF_DEFAULT;
	ok(c.points == 100 && c.level == 0.5 && c.scale == 0.1,
	    "defaults: 100 points below 0.5, scaled by 0.1");
	return tap_done();
}
