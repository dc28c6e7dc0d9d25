/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/reject: the "prog: source:line: reason" message on
 * stderr, counting, the dead-letter file (raw lines, appended across
 * runs, embedded NUL and newline kept), strict mode, and failures:
 * a path that cannot be created, a full disk (/dev/full).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/reject.h"
#include "tap.h"
#include "tfiles.h"

static size_t
slurp(const char *path, char *out, size_t n)
{
	FILE *fp = fopen(path, "r");
	size_t got = fp ? fread(out, 1, n, fp) : 0;

	if (fp)
		fclose(fp);
	return got;
}

int
main(void)
{
	struct reject rj;
	struct ad_err err;
	char msg[1024], data[256], dir[] = "/tmp/t-reject-XXXXXX";
	char path[300];
	size_t n;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/dead.ndjson", dir);

	/* No dead-letter file: message and count only. */
	ok(reject_init(&rj, NULL, false, vwarn_at, &err) == 0 && rj.count == 0,
	    "init without a file");
	stderr_capture("/tmp/t-reject-err-XXXXXX");
	ok(reject_line(&rj, "in.ndjson", 3, "{bad", 4, "bad JSON at %d", 1) ==
		0,
	    "not strict: go on");
	reject_line(&rj, "-", 0, "", 0, "%s", "empty");
	stderr_release(msg, sizeof(msg));
	is_str(msg,
	    "t-reject: in.ndjson:3: bad JSON at 1\nt-reject: -:0: empty\n",
	    "prog: source:line: reason, one line each");
	ok(rj.count == 2 && reject_flush(&rj, &err) == 0,
	    "counted 2, flush without a file is fine");
	reject_release(&rj);

	/* Dead-letter file: raw lines, appended. */
	ok(reject_init(&rj, path, false, vwarn_at, &err) == 0,
	    "init with a file");
	stderr_capture("/tmp/t-reject-err-XXXXXX");
	reject_line(&rj, "a", 1, "{\"x\":1", 6, "r1");
	reject_line(&rj, "a", 2, "nul\0in", 6, "r2");
	reject_line(&rj, "a", 3, "trailing  ", 10, "r3");
	stderr_release(msg, sizeof(msg));
	ok(reject_flush(&rj, &err) == 0, "flush");
	n = slurp(path, data, sizeof(data));
	ok(n == 7 + 7 + 11 &&
		memcmp(data, "{\"x\":1\nnul\0in\ntrailing  \n", 25) == 0,
	    "raw bytes, NUL and blanks kept, one line each");
	reject_release(&rj);
	reject_init(&rj, path, false, vwarn_at, &err);
	stderr_capture("/tmp/t-reject-err-XXXXXX");
	reject_line(&rj, "b", 9, "again", 5, "r4");
	stderr_release(msg, sizeof(msg));
	reject_release(&rj);
	n = slurp(path, data, sizeof(data));
	ok(n == 25 + 6 && memcmp(data + 25, "again\n", 6) == 0,
	    "a second run appends");

	/* Strict: stop at the first. */
	reject_init(&rj, NULL, true, vwarn_at, &err);
	stderr_capture("/tmp/t-reject-err-XXXXXX");
	ok(reject_line(&rj, "s", 1, "x", 1, "stop") == -1 && rj.count == 1 &&
		!rj.failed,
	    "strict: -1 at the first, counted, not a failure");
	stderr_release(msg, sizeof(msg));
	reject_release(&rj);

	/* Failures. */
	snprintf(path, sizeof(path), "%s/no/such/dir/f", dir);
	ad_err_clear(&err);
	ok(reject_init(&rj, path, false, vwarn_at, &err) == -1 &&
		err.status == EX_CANTCREAT &&
		strstr(err.msg, "cannot create") != NULL,
	    "uncreatable path: EX_CANTCREAT (%s)", err.msg);
	if (access("/dev/full", W_OK) == 0) {
		char big[8192];

		memset(big, 'x', sizeof(big));
		reject_init(&rj, "/dev/full", false, vwarn_at, &err);
		stderr_capture("/tmp/t-reject-err-XXXXXX");
		reject_line(&rj, "f", 1, big, sizeof(big), "full");
		ok(reject_flush(&rj, &err) == -1 && err.status == EX_IOERR,
		    "/dev/full: flush fails with EX_IOERR (%s)", err.msg);
		ok(reject_line(&rj, "f", 2, "y", 1, "more") == -1 || rj.failed,
		    "after the failure: marked failed");
		ok(rj.count == 2, "still counted");
		reject_release(&rj);
		stderr_release(msg, sizeof(msg));
		ok(strstr(msg, "write error on '/dev/full'") != NULL,
		    "write error reported on stderr");
	} else {
		for (int i = 0; i < 4; i++)
			ok(1, "# SKIP no /dev/full");
	}
	snprintf(path, sizeof(path), "%s/dead.ndjson", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
