/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The file backend of struct sink: stdout ("-") or a path, written
 * through a large buffer of its own with fdwrite_all(), not stdio, so that
 * a stop signal never leaves the program blocked on a reader that takes
 * nothing (glibc's stdio neither retries nor bounds a write after EINTR,
 * and its flush at exit blocks again).  Every write and flush is checked:
 * a full disk or a closed pipe ends in EX_IOERR with the system's reason.
 * lib/io/endpoint picks it for "-" and paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "io/fdwrite.h"
#include "io/filesink.h"

/* Buffered bytes that make a write go out */
#define FILESINK_BUFSIZE (128 * 1024)

struct file_sink {
	int fd;
	const char *name; /* borrowed from struct sink */
	struct buf b;	  /* records not yet written */
	bool is_stdout;
	bool failed; /* a write failed: what is buffered is dropped */
};

static int
file_failed(struct file_sink *fs, struct ad_err *err)
{
	int e = errno ? errno : EIO;

	fs->failed = true;
	buf_reset(&fs->b);
	if (e == EAGAIN && ad_stop)
		ad_err_set(err, EX_IOERR,
		    "write error on '%s': the reader took nothing within "
		    "%d ms of the stop",
		    fs->name, FDWRITE_STOP_GRACE_MS);
	else
		ad_err_set(err, EX_IOERR, "write error on '%s': %s", fs->name,
		    strerror(e));
	return -1;
}

static int
file_drain(struct file_sink *fs, struct ad_err *err)
{
	if (fs->failed) {
		errno = EIO;
		return file_failed(fs, err);
	}
	errno = 0;
	if (fs->b.len > 0 && fdwrite_all(fs->fd, fs->b.data, fs->b.len) < 0)
		return file_failed(fs, err);
	buf_reset(&fs->b);
	return 0;
}

static int
file_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct file_sink *fs = impl;

	(void)key;
	(void)keylen;
	buf_add(&fs->b, buf, len);
	buf_addc(&fs->b, '\n');
	if (fs->b.len >= FILESINK_BUFSIZE)
		return file_drain(fs, err);
	return 0;
}

static int
file_flush(void *impl, struct ad_err *err)
{
	return file_drain(impl, err);
}

static int
file_close(void *impl, struct ad_err *err)
{
	struct file_sink *fs = impl;
	int rc = file_drain(fs, err);

	/* stdout is closed by finish(), which also reports its errors. */
	if (!fs->is_stdout && close(fs->fd) != 0 && rc == 0) {
		errno = errno ? errno : EIO;
		rc = file_failed(fs, err);
	}
	buf_release(&fs->b);
	free(fs);
	return rc;
}

static const struct sink_ops file_ops = {
    .write = file_write,
    .flush = file_flush,
    .close = file_close,
};

/*
 * Open spec: NULL or "-" (stdout) or a path (created or truncated; a
 * FIFO or a device is written into, a FIFO without a reader refused).
 * Returns a new sink (caller closes with sink_close()), or NULL with err
 * set (EX_CANTCREAT when a file cannot be created).
 */
struct sink *
filesink_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	struct file_sink *fs;
	struct sink *snk;

	(void)conf;
	fs = xcalloc(1, sizeof(*fs));
	if (spec == NULL || strcmp(spec, "-") == 0) {
		/* what stdio holds goes first: it was written before */
		fflush(stdout);
		fs->fd = STDOUT_FILENO;
		fs->is_stdout = true;
		spec = "<stdout>";
	} else if ((fs->fd = fdwrite_open(spec, O_WRONLY | O_CREAT | O_TRUNC)) <
		   0) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", spec,
		    strerror(errno));
		free(fs);
		return NULL;
	}
	buf_init(&fs->b);
	snk = sink_new(spec, &file_ops, fs, NULL);
	fs->name = sink_name(snk);
	return snk;
}
