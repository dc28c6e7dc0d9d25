/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The reader of bench/rate.sh: counts the lines arriving on stdin within
 * SECS seconds, starting one second after the first bytes (past an
 * initial burst), timed by CLOCK_MONOTONIC at each read(2); prints the
 * rate and its error against WANT, then stops reading.
 *	rate-reader SECS WANT
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 20];
	double secs, want, t1 = -1, got;
	long long n = 0;
	ssize_t k;

	if (argc != 3)
		return 64;
	secs = atof(argv[1]);
	want = atof(argv[2]);
	while ((k = read(0, buf, sizeof(buf))) > 0) {
		double t = now();

		if (t1 < 0)
			t1 = t + 1;
		if (t >= t1 + secs)
			break;
		if (t >= t1)
			for (char *p = buf;
			     (p = memchr(p, '\n', (size_t)(buf + k - p))) !=
			     NULL;
			     p++)
				n++;
	}
	got = (double)n / secs;
	printf("%.1f records/s (%+.2f%%)\n", got, (got - want) / want * 100);
	return 0;
}
