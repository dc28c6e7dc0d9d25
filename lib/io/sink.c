/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Line sinks.  Plain files and stdout are written through stdio with a
 * large buffer; every write and flush is checked so that a full disk or a
 * closed pipe ends in EX_IOERR with the system's reason.  Rolling files
 * and Kafka topics live in their own modules and plug in through
 * struct sink_ops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/kafka.h"
#include "io/rollfile.h"
#include "io/sink.h"

struct sink {
	char *name;
	char *key_field;
	const struct sink_ops *ops;
	void *impl;
};

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
 * Wrap an implementation as a sink named name (copied), keyed by
 * key_field (copied, may be NULL).  The sink owns impl and releases it
 * with ops->close.  Caller closes with sink_close().
 */
struct sink *
sink_new(const char *name, const struct sink_ops *ops, void *impl,
    const char *key_field)
{
	struct sink *snk = xcalloc(1, sizeof(*snk));

	snk->name = xstrdup(name);
	snk->key_field = key_field ? xstrdup(key_field) : NULL;
	snk->ops = ops;
	snk->impl = impl;
	return snk;
}

/*
 * Open spec: NULL or "-" (stdout), "kafka://..." (a topic),
 * "file:PATTERN?..." (a rolling file) or a path (created or truncated).
 * Returns a new sink (caller closes with sink_close()), or NULL with err
 * set (EX_CANTCREAT when a file cannot be created).
 */
struct sink *
sink_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	struct file_sink *fs;
	struct sink *snk;

	if (spec != NULL && kafka_is_uri(spec))
		return kafka_sink_open(spec, conf, err);
	if (spec != NULL && strncmp(spec, "file:", 5) == 0)
		return rollfile_open(spec + 5, conf, err);
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
	fs->name = snk->name;
	return snk;
}

/*
 * Write one record (buf without its newline).  Returns 0, or -1 with err
 * set (EX_IOERR for files; Kafka errors as lib/kafka maps them).
 */
int
sink_write(struct sink *snk, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	return snk->ops->write(snk->impl, buf, len, key, keylen, err);
}

/*
 * Make everything written so far durable downstream: stdio flushed, or
 * every Kafka delivery report received.  Returns 0 or -1 with err set.
 */
int
sink_flush(struct sink *snk, struct ad_err *err)
{
	return snk->ops->flush(snk->impl, err);
}

/*
 * Flush, close and free snk; NULL is a no-op.  Returns 0 or -1 with err
 * set; snk is freed either way.
 */
int
sink_close(struct sink *snk, struct ad_err *err)
{
	int rc;

	if (snk == NULL)
		return 0;
	rc = snk->ops->close(snk->impl, err);
	free(snk->name);
	free(snk->key_field);
	free(snk);
	return rc;
}

/* The sink's name for messages.  Borrowed. */
const char *
sink_name(const struct sink *snk)
{
	return snk->name;
}

/* The field whose value keys each record (Kafka key=FIELD), or NULL. */
const char *
sink_key_field(const struct sink *snk)
{
	return snk->key_field;
}
