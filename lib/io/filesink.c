/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The file backend of struct sink: stdout ("-") or a path, written
 * through stdio with a large buffer; every write and flush is checked so
 * that a full disk or a closed pipe ends in EX_IOERR with the system's
 * reason.  lib/io/endpoint picks it for "-" and paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/filesink.h"

struct file_sink {
	FILE *fp;
	const char *name; /* borrowed from struct sink */
	char *iobuf;	  /* NULL for stdout, which keeps its own */
	bool is_stdout;
};

/* stdout outlives its sink (finish() closes it), and so must its buffer. */
static char stdout_buf[BUFSIZ * 16];
static bool stdout_buffered;

static int
file_failed(struct file_sink *fs, struct ad_err *err)
{
	ad_err_set(err, EX_IOERR, "write error on '%s': %s", fs->name,
	    strerror(errno ? errno : EIO));
	return -1;
}

static int
file_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct file_sink *fs = impl;

	(void)key;
	(void)keylen;
	errno = 0;
	if (fwrite(buf, 1, len, fs->fp) != len || putc('\n', fs->fp) == EOF)
		return file_failed(fs, err);
	return 0;
}

static int
file_flush(void *impl, struct ad_err *err)
{
	struct file_sink *fs = impl;

	errno = 0;
	if (fflush(fs->fp) != 0 || ferror(fs->fp))
		return file_failed(fs, err);
	return 0;
}

static int
file_close(void *impl, struct ad_err *err)
{
	struct file_sink *fs = impl;
	int rc = file_flush(fs, err);

	/* stdout is closed by finish(), which also reports its errors. */
	if (!fs->is_stdout && fclose(fs->fp) != 0 && rc == 0)
		rc = file_failed(fs, err);
	free(fs->iobuf);
	free(fs);
	return rc;
}

static const struct sink_ops file_ops = {
    .write = file_write,
    .flush = file_flush,
    .close = file_close,
};

/*
 * Open spec: NULL or "-" (stdout) or a path (created or truncated).
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
		fs->fp = stdout;
		fs->is_stdout = true;
		spec = "<stdout>";
		if (!stdout_buffered)
			setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
		stdout_buffered = true;
	} else if ((fs->fp = fopen(spec, "w")) == NULL) {
		ad_err_set(err, EX_CANTCREAT, "cannot create '%s': %s", spec,
		    strerror(errno));
		free(fs);
		return NULL;
	} else {
		fs->iobuf = xmalloc(BUFSIZ * 16);
		setvbuf(fs->fp, fs->iobuf, _IOFBF, BUFSIZ * 16);
	}
	snk = sink_new(spec, &file_ops, fs, NULL);
	fs->name = sink_name(snk);
	return snk;
}
