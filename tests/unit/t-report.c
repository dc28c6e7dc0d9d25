/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/cli/report: the --report file writer. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "io/report.h"

int
main(void)
{
	char path[] = "/tmp/t-report-XXXXXX", line[256];
	json_t *rep = json_pack("{s:s,s:i,s:f,s:[f]}", "mode", "supervised",
	    "rows", 400, "auc", 0.1, "loss", 1e-5);
	struct ad_err e;
	FILE *fp;
	int fd = mkstemp(path);

	ok(fd >= 0, "temporary file");
	close(fd);
	ad_err_clear(&e);
	ok(report_write(path, rep, &e) == 0, "written");
	fp = fopen(path, "r");
	ok(fp != NULL && fgets(line, sizeof(line), fp) != NULL, "read back");
	is_str(line,
	    "{\"mode\":\"supervised\",\"rows\":400,\"auc\":0.1,"
	    "\"loss\":[0.00001]}\n",
	    "one line, keys in order, shortest doubles");
	ok(fp != NULL && fgets(line, sizeof(line), fp) == NULL, "and no more");
	if (fp != NULL)
		fclose(fp);
	unlink(path);

	ad_err_clear(&e);
	ok(report_write("/nonexistent-dir/r.json", rep, &e) < 0 &&
		e.status == EX_CANTCREAT &&
		strncmp(e.msg,
		    "cannot create '/nonexistent-dir/r.json': ", 41) == 0,
	    "cannot create: 73");
	ad_err_clear(&e);
	ok(report_write("/dev/full", rep, &e) < 0 && e.status == EX_IOERR &&
		strcmp(e.msg, "cannot write '/dev/full': No space left on "
			      "device") == 0,
	    "full disk: 74");
	json_decref(rep);
	return tap_done();
}
