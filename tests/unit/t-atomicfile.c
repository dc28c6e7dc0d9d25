/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/atomicfile: the parts make up the file, a
 * rewrite replaces it whole, the mode is 0644, and a failure leaves the
 * old file and no temporary file behind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomicfile.h"
#include "tap.h"
#include "tfiles.h"

/* Entries in dir other than . and .. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d != NULL && (de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		     strcmp(de->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

int
main(void)
{
	char dir[] = "/tmp/t-atomicfile-XXXXXX", path[300], got[256];
	struct atomicfile_part two[2] = {{"hello, ", 7}, {"world\n", 6}};
	struct atomicfile_part one[1] = {{"short\n", 6}};
	struct ad_err e;
	struct stat st;

	ok(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/state", dir);
	ad_err_clear(&e);
	ok(atomicfile_write(path, two, 2, &e) == 0, "write two parts");
	slurp_str(path, got, sizeof(got));
	is_str(got, "hello, world\n", "the parts in order");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "mode 0644");
	ok(atomicfile_write(path, one, 1, &e) == 0, "rewrite");
	slurp_str(path, got, sizeof(got));
	is_str(got, "short\n", "the rewrite replaces the whole file");
	ok(atomicfile_write(path, NULL, 0, &e) == 0 && stat(path, &st) == 0 &&
		st.st_size == 0,
	    "no parts: an empty file");
	ok(entries(dir) == 1, "no temporary file left");

	ok(atomicfile_write("/nonexistent/dir/f", one, 1, &e) < 0 &&
		e.status == EX_CANTCREAT &&
		strstr(e.msg, "'/nonexistent/dir/f'") != NULL,
	    "missing directory: EX_CANTCREAT naming the path: %s", e.msg);

	/* a directory in the way: the rename fails, the temp file goes */
	snprintf(path, sizeof(path), "%s/sub", dir);
	ok(mkdir(path, 0755) == 0, "a directory where the file would go");
	ok(atomicfile_write(path, one, 1, &e) < 0 && e.status == EX_IOERR,
	    "rename over a directory: EX_IOERR: %s", e.msg);
	ok(entries(dir) == 2, "no temporary file left after the failure");
	rmdir(path);
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
