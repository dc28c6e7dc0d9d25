/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Atomic whole-file writes (see atomicfile.h): mkstemp() beside the
 * target, write, fsync, mode 0644, rename, fsync of the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomicfile.h"

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Write the parts, one after another, as the whole content of path,
 * atomically.  Returns 0, or -1 with err set (EX_CANTCREAT when the
 * temporary file cannot be made, EX_IOERR when a write, sync or rename
 * fails, e.g. on a full disk); no temporary file is left behind on
 * failure, and path keeps its old content.
 */
int
atomicfile_write(const char *path, const struct atomicfile_part *parts,
    size_t nparts, struct ad_err *err)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + 16), *dircopy;
	int fd, dfd;

	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < nparts; i++)
		if (write_all(fd, parts[i].data, parts[i].len) < 0)
			goto fail;
	if (fsync(fd) < 0)
		goto fail;
	fchmod(fd, 0644);
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	/* Make the rename itself durable. */
	dircopy = xstrdup(path);
	if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dircopy);
	free(tmp);
	return 0;
fail:
	ad_err_set(
	    err, EX_IOERR, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}
