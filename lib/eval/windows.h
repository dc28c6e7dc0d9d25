/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Anomaly windows in NAB's combined_windows.json format: one JSON object
 * whose members name a series (NAB's "<category>/<file>.csv", matched
 * against a record's key) and hold an array of windows, each a
 * [start, end] pair of times (ISO text as NAB writes it,
 * "2014-04-10 07:15:00.000000", taken as UTC; or epoch s / ms numbers).
 * A series may have no windows ([]).  The parser is this format's own,
 * so that every complaint names the line it is about: bad JSON, a window
 * that ends before it starts, windows out of order, a key given twice.
 */
#ifndef WINDOWS_H
#define WINDOWS_H

#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"

struct window {
	int64_t from, to; /* ms since the epoch, from <= to */
	size_t line;	  /* where the window starts in the file */
};

struct windows_key {
	char *key; /* NUL-terminated (\u0000 is refused) */
	size_t keylen;
	struct window *w; /* in time order, not overlapping */
	size_t n;
	size_t line;
};

struct windows {
	struct windows_key *keys; /* sorted by key bytes */
	size_t n;
	size_t nwindows; /* over all keys */
};

int windows_parse(struct windows *ws, const char *text, size_t len,
    const char *source, struct ad_err *err);
int windows_load(struct windows *ws, const char *path, struct ad_err *err);
long windows_find(const struct windows *ws, const char *key, size_t keylen);
void windows_release(struct windows *ws);

#endif
