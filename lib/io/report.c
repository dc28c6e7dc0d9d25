/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Writing a --report: the JSON text of the report and a newline, to a
 * file that is created or truncated, or to standard output for "-".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "io/report.h"
#include "io/ndjson.h"

/*
 * Write report (borrowed) as one line of JSON to path ("-": standard
 * output, flushed but left open).  Returns 0, or -1 with err set:
 * EX_CANTCREAT when path cannot be opened, EX_IOERR when writing or
 * closing fails.
 */
int
report_write(const char *path, const json_t *report, struct ad_err *err)
{
	struct buf b;
	FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	bool short_write;
	int rc = 0;

	if (fp == NULL) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	buf_init(&b);
	ndjson_dump(&b, report);
	buf_addc(&b, '\n');
	short_write = fwrite(b.data, 1, b.len, fp) != b.len;
	/* closed whatever happened, so that a full disk leaks no FILE */
	if ((fp != stdout ? fclose(fp) : fflush(fp)) != 0 || short_write) {
		ad_err_set(err, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
		rc = -1;
	}
	buf_release(&b);
	return rc;
}
