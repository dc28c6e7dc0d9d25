/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Writing a --report: the JSON text of the report and a newline, to a
 * file replaced whole (lib/io/atomicfile: a FIFO or a device is written
 * into), or to standard output for "-".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "io/atomicfile.h"
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
	int rc = 0;

	buf_init(&b);
	ndjson_dump(&b, report);
	buf_addc(&b, '\n');
	if (strcmp(path, "-") != 0) {
		rc = atomicfile_save(path, b.data, b.len, err);
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		   fflush(stdout) != 0) {
		ad_err_set(err, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
		rc = -1;
	}
	buf_release(&b);
	return rc;
}
