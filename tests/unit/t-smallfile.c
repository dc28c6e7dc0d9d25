/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/smallfile: a side file read whole, bounded, never
 * waited on; and its lines as a source.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "tfiles.h"
#include "io/smallfile.h"

int
main(void)
{
	char dir[] = "/tmp/t-smallfile.XXXXXX", path[512], *text;
	struct ad_err err;
	struct source *src;
	struct line line;
	size_t len = 99;

	if (mkdtemp(dir) == NULL)
		return 1;
	put_file(dir, "a", "x,y\r\n1,2\nlast", path, sizeof(path));
	text = smallfile_read(path, 100, "test file", &len, &err);
	ok(text != NULL && len == 13 &&
		memcmp(text, "x,y\r\n1,2\nlast", 14) == 0,
	    "a file is read whole, NUL-terminated");

	src = smallfile_source("a", text, len);
	ok(source_next(src, &line, &err) == 1 && line.lineno == 1 &&
		line.len == 3 && memcmp(line.buf, "x,y", 3) == 0,
	    "line 1, its CR dropped");
	ok(source_next(src, &line, &err) == 1 && line.lineno == 2 &&
		line.len == 3 && memcmp(line.buf, "1,2", 3) == 0,
	    "line 2");
	ok(source_next(src, &line, &err) == 1 && line.lineno == 3 &&
		line.len == 4 && memcmp(line.buf, "last", 4) == 0,
	    "a last line without a newline");
	ok(source_next(src, &line, &err) == 0, "then the end");
	source_close(src);

	ok(smallfile_read(path, 12, "test file", &len, &err) == NULL &&
		err.status == EX_DATAERR &&
		strstr(err.msg, "over 12 bytes, not a test file") != NULL,
	    "one byte over the bound is refused (%s)", err.msg);
	text = smallfile_read(path, 13, "test file", &len, &err);
	ok(text != NULL && len == 13, "exactly the bound is read");
	free(text);

	ok(smallfile_read("/dev/zero", 1 << 20, "test file", &len, &err) ==
		    NULL &&
		err.status == EX_DATAERR,
	    "/dev/zero is refused, not read for ever");

	ok(smallfile_read(dir, 100, "test file", &len, &err) == NULL &&
		err.status == EX_NOINPUT &&
		strstr(err.msg, "Is a directory") != NULL,
	    "a directory cannot be opened (%s)", err.msg);
	snprintf(path, sizeof(path), "%s/none", dir);
	ok(smallfile_read(path, 100, "test file", &len, &err) == NULL &&
		err.status == EX_NOINPUT,
	    "a missing file cannot be opened");

	snprintf(path, sizeof(path), "%s/fifo", dir);
	mkfifo(path, 0600);
	text = smallfile_read(path, 100, "test file", &len, &err);
	ok(text != NULL && len == 0,
	    "a FIFO nobody writes reads as empty, without waiting");
	free(text);
	unlink(path);

	put_file(dir, "empty", "", path, sizeof(path));
	text = smallfile_read(path, 100, "test file", &len, &err);
	ok(text != NULL && len == 0 && text[0] == '\0', "an empty file");
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
