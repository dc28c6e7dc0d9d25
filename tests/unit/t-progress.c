/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/progress: nothing at all written when stderr is not
 * a terminal; on a pseudo-terminal, the bar's fill, percentage and ETA,
 * the 100 ms redraw limit, progress_done() ending the line at 100%, and
 * done beyond total or a total of 0.
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/progress.h"
#include "tap.h"

static int master = -1, saved = -1;

/* What the terminal received so far (up to n - 1 bytes). */
static void
drain(char *out, size_t n)
{
	size_t got = 0;
	struct pollfd pfd = {master, POLLIN, 0};

	fflush(stderr);
	while (got < n - 1 && poll(&pfd, 1, 50) > 0) {
		ssize_t r = read(master, out + got, n - 1 - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out[got] = '\0';
}

static void
nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

int
main(void)
{
	struct progress p;
	char path[] = "/tmp/t-progress-XXXXXX", out[4096];
	int fd = mkstemp(path), slave;
	off_t size;

	/* stderr a file: nothing. */
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	progress_init(&p, "train", 10);
	progress_update(&p, 5);
	nap_ms(120);
	progress_update(&p, 9);
	progress_done(&p);
	fflush(stderr);
	size = lseek(fd, 0, SEEK_END);
	dup2(saved, 2);
	ok(!p.enabled && size == 0,
	    "not a terminal: disabled, nothing written");
	ok(p.done == 9, "done still recorded when disabled");
	close(fd);
	unlink(path);

	/* stderr a pseudo-terminal. */
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		for (int i = 0; i < 6; i++)
			ok(1, "# SKIP no pseudo-terminal");
		return tap_done();
	}
	fflush(stderr);
	dup2(slave, 2);
	progress_init(&p, "cv", 100);
	ok(p.enabled, "a terminal: enabled");
	progress_update(&p, 10);
	drain(out, sizeof(out));
	ok(out[0] == '\0', "an update within 100 ms draws nothing");
	nap_ms(150);
	progress_update(&p, 50);
	drain(out, sizeof(out));
	ok(strstr(out, "\rcv [###############...............]  50%") != NULL &&
		strstr(out, "s  ETA ") != NULL,
	    "after 150 ms: half the bar, 50%%, an ETA");
	nap_ms(150);
	progress_update(&p, 250);
	drain(out, sizeof(out));
	ok(strstr(out, "[##############################] 100%") != NULL &&
		strstr(out, "ETA") == NULL,
	    "done beyond total: capped at 100%%, no ETA");
	progress_done(&p);
	drain(out, sizeof(out));
	ok(strstr(out, "\rcv [##############################] 100%") != NULL &&
		(strstr(out, "\n") != NULL),
	    "progress_done: full bar, line ended");
	progress_init(&p, "zero", 0);
	progress_done(&p);
	drain(out, sizeof(out));
	ok(strstr(out, "zero [..............................]   0%") != NULL,
	    "total 0: an empty bar at 0%%, no division by zero");
	fflush(stderr);
	dup2(saved, 2);
	close(slave);
	close(master);
	return tap_done();
}
