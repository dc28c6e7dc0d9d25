/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Progress bar: "label [#####.....]  42%  12.3s  ETA 17s" redrawn in place
 * with '\r'.  Nothing at all is written when stderr is not a terminal, so
 * logs and cron mail stay clean.
 */
#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/progress.h"

static void
draw(struct progress *p, int64_t now)
{
	double frac = p->total ? (double)p->done / (double)p->total : 0;
	double secs = (double)(now - p->started_ns) * 1e-9;
	char bar[31];
	int fill;

	if (frac > 1)
		frac = 1;
	fill = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% %6.1fs", p->label, bar,
	    (int)(frac * 100), secs);
	if (frac > 0.01 && frac < 1)
		fprintf(stderr, "  ETA %.0fs ", secs / frac - secs);
	else
		fprintf(stderr, "          ");
	fflush(stderr);
	p->drawn_ns = now;
}

/* Start a bar for total units of work, enabled if stderr is a tty. */
void
progress_init(struct progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->started_ns = p->drawn_ns = clock_now_ns();
	p->enabled = isatty(STDERR_FILENO) == 1;
}

/* Record that done units are finished; redraws at most every 100 ms. */
void
progress_update(struct progress *p, uint64_t done)
{
	int64_t now;

	p->done = done;
	if (!p->enabled)
		return;
	now = clock_now_ns();
	if (now - p->drawn_ns >= 100000000)
		draw(p, now);
}

/* Draw the finished bar and end its line. */
void
progress_done(struct progress *p)
{
	if (!p->enabled)
		return;
	p->done = p->total;
	draw(p, clock_now_ns());
	fputc('\n', stderr);
}
