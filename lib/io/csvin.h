/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * CSV rows from a line source, through libcsv, one row at a time with the
 * line number where it starts.  Quoted fields may span lines.
 */
#ifndef CSVIN_H
#define CSVIN_H

#include "base/ad.h"
#include "io/source.h"

struct csv_row {
	size_t nfields;
	char **field; /* NUL-terminated, borrowed until the next row */
	size_t *len;
	size_t lineno;	 /* first line of the row, from 1 */
	const char *raw; /* the row's last line as read, for dead letters */
	size_t rawlen;
};

struct csvin;

struct csvin *csvin_new(struct source *src);
int csvin_next(struct csvin *in, struct csv_row *row, struct ad_err *err);
void csvin_free(struct csvin *in);

#endif
