/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/fdwrite: all of a buffer larger than a pipe
 * reaches a reader; a closed pipe is EPIPE; after a stop, a reader that
 * reads still gets everything, and one that takes nothing ends the write
 * (EAGAIN) after the grace period, not never; a signal that interrupts a
 * write before the stop is retried.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ad.h"
#include "base/clock.h"
#include "io/fdwrite.h"
#include "tap.h"

#define BIG (1024 * 1024) /* 16 times a pipe's default buffer */

struct drain {
	int fd;
	size_t got;
	bool same;
	const char *want;
};

/* Read fd to its end, slowly at first, comparing with want. */
static void *
drain(void *arg)
{
	struct drain *d = arg;
	char b[8192];
	ssize_t n;

	d->same = true;
	usleep(50000);
	while ((n = read(d->fd, b, sizeof(b))) > 0) {
		if (memcmp(b, d->want + d->got, (size_t)n) != 0)
			d->same = false;
		d->got += (size_t)n;
	}
	return NULL;
}

/* fdwrite_all() of n bytes of data into a pipe a thread reads. */
static int
through_pipe(const char *data, size_t n, struct drain *d)
{
	pthread_t t;
	int p[2], rc;

	if (pipe(p) < 0)
		return -2;
	d->fd = p[0];
	d->got = 0;
	d->want = data;
	pthread_create(&t, NULL, drain, d);
	rc = fdwrite_all(p[1], data, n);
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	return rc;
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* Send SIGALRM to the thread arg after 20 ms. */
static void *
poke(void *arg)
{
	usleep(20000);
	pthread_kill(*(pthread_t *)arg, SIGALRM);
	return NULL;
}

int
main(void)
{
	char *data = malloc(BIG);
	struct drain d;
	struct sigaction sa;
	pthread_t self, poker;
	int p[2], rc, e;
	int64_t t0, ms;

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART, like ad_signals_init() */
	sigaction(SIGALRM, &sa, NULL);
	for (size_t i = 0; i < BIG; i++)
		data[i] = (char)('a' + i * 7 % 26);

	ok(through_pipe(data, BIG, &d) == 0 && d.got == BIG && d.same,
	    "1 MB through a pipe, whole and in order");

	/* A signal (not a stop) while blocked: the write goes on. */
	self = pthread_self();
	pthread_create(&poker, NULL, poke, &self);
	ok(through_pipe(data, BIG, &d) == 0 && d.got == BIG && d.same,
	    "interrupted by a signal before a stop: retried, whole");
	pthread_join(poker, NULL);

	if (pipe(p) < 0)
		return 1;
	close(p[0]);
	rc = fdwrite_all(p[1], "x", 1);
	e = errno;
	close(p[1]);
	ok(rc == -1 && e == EPIPE, "a pipe without a reader: EPIPE");

	ad_stop = SIGTERM;
	ok(through_pipe(data, BIG, &d) == 0 && d.got == BIG && d.same,
	    "after a stop, a reader that reads still gets everything");

	/* A reader that takes nothing: the pipe fills, then the wait ends. */
	if (pipe(p) < 0)
		return 1;
	t0 = clock_now_ms();
	rc = fdwrite_all(p[1], data, BIG);
	e = errno;
	ms = clock_now_ms() - t0;
	ok(rc == -1 && e == EAGAIN, "after a stop, a reader taking nothing: "
				    "EAGAIN");
	ok(ms <= FDWRITE_STOP_GRACE_MS + 300, "within the grace (%lld ms)",
	    (long long)ms);
	close(p[0]);
	close(p[1]);
	free(data);
	return tap_done();
}
