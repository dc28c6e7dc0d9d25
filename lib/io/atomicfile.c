/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Atomic replacement of a file (temporary file, fsync, rename, fsync of
 * the directory), and the cases where a path must not be replaced: see
 * atomicfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomicfile.h"
#include "io/fdwrite.h"

/*
 * The path a chain of symbolic links at path ends in, which need not
 * exist yet (a link made before its first file); a new string.  NULL
 * with errno set (ELOOP) after 40 links.
 */
static char *
resolve(const char *path)
{
	char *cur = xstrdup(path);
	struct stat st;

	for (int hops = 0; lstat(cur, &st) == 0 && S_ISLNK(st.st_mode);
	     hops++) {
		char target[PATH_MAX], *next, *d;
		ssize_t n;

		if (hops == 40 ||
		    (n = readlink(cur, target, sizeof(target) - 1)) < 0) {
			if (hops == 40)
				errno = ELOOP;
			free(cur);
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/') {
			next = xstrdup(target);
		} else {
			d = xstrdup(cur);
			next = xmalloc(strlen(d) + (size_t)n + 2);
			sprintf(next, "%s/%s", dirname(d), target);
			free(d);
		}
		free(cur);
		cur = next;
	}
	return cur;
}

/*
 * Start writing path.  Returns 0 with af->fd open for writing, or -1 with
 * err set (EX_CANTCREAT: the temporary file cannot be created, links
 * loop, a FIFO has no reader, or path is neither a regular
 * file nor a FIFO or a character device).  After 0, call
 * atomicfile_commit() or atomicfile_abort().
 */
int
atomicfile_open(struct atomicfile *af, const char *path, struct ad_err *err)
{
	struct stat st;
	size_t n;

	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if ((af->path = resolve(path)) == NULL) {
		ad_err_set(err, EX_CANTCREAT,
		    "cannot resolve the link '%s': %s", path, strerror(errno));
		return -1;
	}
	if (stat(af->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
			ad_err_set(err, EX_CANTCREAT,
			    "cannot create '%s': not a regular file", path);
			goto fail;
		}
		/* In place; a FIFO without a reader is an error, not a wait. */
		if ((af->fd = fdwrite_open(af->path, O_WRONLY)) < 0) {
			ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s",
			    path, strerror(errno));
			goto fail;
		}
		return 0;
	}
	n = strlen(af->path) + 16;
	af->tmp = xmalloc(n);
	snprintf(af->tmp, n, "%s.tmp.XXXXXX", af->path);
	if ((af->fd = mkstemp(af->tmp)) < 0) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	return 0;
fail:
	atomicfile_abort(af);
	return -1;
}

/*
 * Finish: sync the temporary file, make it 0644 and rename it over the
 * target (then sync the directory), or close the FIFO or device written
 * in place.  Returns 0, or -1 with err set (EX_IOERR; the temporary file
 * is removed).  af is released either way.
 */
int
atomicfile_commit(struct atomicfile *af, struct ad_err *err)
{
	char *dir;
	int dfd, rc = 0;

	if (af->tmp == NULL) {
		if (close(af->fd) < 0) {
			ad_err_set(err, EX_IOERR, "cannot write '%s': %s",
			    af->path, strerror(errno));
			rc = -1;
		}
		af->fd = -1;
		atomicfile_abort(af);
		return rc;
	}
	fchmod(af->fd, 0644);
	rc = fsync(af->fd);
	if (close(af->fd) < 0)
		rc = -1;
	af->fd = -1;
	if (rc < 0 || rename(af->tmp, af->path) < 0) {
		ad_err_set(err, EX_IOERR, "cannot write '%s': %s", af->path,
		    strerror(errno));
		atomicfile_abort(af);
		return -1;
	}
	/* Make the rename itself durable. */
	dir = xstrdup(af->path);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	free(af->tmp);
	af->tmp = NULL;
	atomicfile_abort(af);
	return 0;
}

/* Give up: close, remove the temporary file, free.  NULL-safe fields. */
void
atomicfile_abort(struct atomicfile *af)
{
	if (af->fd >= 0)
		close(af->fd);
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	memset(af, 0, sizeof(*af));
	af->fd = -1;
}

/*
 * Write all n bytes of p to fd, retrying after signals until a stop
 * signal comes (then bounded: lib/io/fdwrite); 0, or -1 (errno).
 */
int
atomicfile_write_all(int fd, const void *p, size_t n)
{
	return fdwrite_all(fd, p, n);
}

/*
 * Replace path with the len bytes of data: atomicfile_open(), write,
 * atomicfile_commit().  Returns 0, or -1 with err set.
 */
int
atomicfile_save(
    const char *path, const void *data, size_t len, struct ad_err *err)
{
	struct atomicfile af;

	if (atomicfile_open(&af, path, err) < 0)
		return -1;
	if (atomicfile_write_all(af.fd, data, len) < 0) {
		ad_err_set(err, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
		atomicfile_abort(&af);
		return -1;
	}
	return atomicfile_commit(&af, err);
}
