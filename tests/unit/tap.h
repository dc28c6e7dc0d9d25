/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A tiny TAP producer for the lib/ unit tests, after redis' testhelp.h:
 * ok(cond, "name") prints "ok N - name" or "not ok N - name", and
 * tap_done() prints the plan and returns the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                          \
	do {                                                                   \
		int ok_ = (cond) ? 1 : 0;                                      \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);              \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		if (!ok_) {                                                    \
			tap_failed++;                                          \
			printf("#   failed at %s:%d: %s\n", __FILE__,          \
			    __LINE__, #cond);                                  \
		}                                                              \
	} while (0)

#define is_str(got, want, ...)                                                 \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		ok(g_ != NULL && strcmp(g_, w_) == 0, __VA_ARGS__);            \
		if (g_ == NULL || strcmp(g_, w_) != 0)                         \
			printf("#   got '%s'\n#  want '%s'\n",                 \
			    g_ ? g_ : "(null)", w_);                           \
	} while (0)

#define is_near(got, want, tol, ...)                                           \
	do {                                                                   \
		double g_ = (got), w_ = (want);                                \
		ok(fabs(g_ - w_) <= (tol), __VA_ARGS__);                       \
		if (!(fabs(g_ - w_) <= (tol)))                                 \
			printf("#   got %.17g, want %.17g\n", g_, w_);         \
	} while (0)

/* ok() when cond holds, else a TODO skip that names the known bug. */
#define known_bug(cond, bug, ...)                                              \
	do {                                                                   \
		if (cond)                                                      \
			ok(1, __VA_ARGS__);                                    \
		else                                                           \
			printf("ok %d - # SKIP TODO known bug: %s\n", ++tap_n, \
			    bug);                                              \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
