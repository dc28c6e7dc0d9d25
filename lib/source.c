/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Line sources.  Files and stdin go through zlib's gzread(), which reads
 * gzip members and plain bytes alike, into a buffer that grows up to the
 * line limit; a longer line is returned cut short and flagged, and the rest
 * of it is skipped, so no input can make the reader grow without bound.
 * kafka:// specs are handed to lib/kafka.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kafka.h"
#include "source.h"

#define CHUNK (256 * 1024)

struct source {
	char *name;
	const struct source_ops *ops;
	void *impl;
	int (*idle)(void *arg, struct ad_err *err);
	void *idle_arg;
};

struct file_source {
	gzFile gz;
	const char *name; /* borrowed from struct source */
	char *buf;
	size_t cap, start, end, scanned;
	size_t max_line;
	size_t lineno;
	bool eof;
	bool skipping; /* discarding the rest of an over-long line */
};

/*
 * Read more bytes into fs->buf after compacting it.  Returns the number of
 * bytes read, 0 at end of input, -1 on error with err set.
 */
static int
file_fill(struct file_source *fs, struct ad_err *err)
{
	int n;

	if (fs->start > 0) {
		memmove(fs->buf, fs->buf + fs->start, fs->end - fs->start);
		fs->end -= fs->start;
		fs->scanned -= fs->start;
		fs->start = 0;
	}
	if (fs->cap - fs->end < CHUNK / 2) {
		fs->cap = fs->cap * 2;
		fs->buf = xrealloc(fs->buf, fs->cap);
	}
	n = gzread(fs->gz, fs->buf + fs->end, (unsigned)(fs->cap - fs->end));
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(fs->gz, &zerr);

		if (zerr == Z_ERRNO)
			ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
			    "read error: %s", strerror(errno));
		else
			ad_err_at(err, EX_DATAERR, fs->name, fs->lineno + 1,
			    "corrupt compressed data: %s", msg);
		return -1;
	}
	if (n == 0) {
		int zerr;

		gzerror(fs->gz, &zerr);
		if (zerr == Z_BUF_ERROR) {
			ad_err_at(err, EX_DATAERR, fs->name, fs->lineno + 1,
			    "compressed data ends early");
			return -1;
		}
		fs->eof = true;
	}
	fs->end += (size_t)n;
	return n;
}

static int
file_next(void *impl, struct line *line, struct ad_err *err)
{
	struct file_source *fs = impl;

	for (;;) {
		char *nl = memchr(fs->buf + fs->scanned, '\n',
		    fs->end - fs->scanned);
		size_t have;

		if (nl != NULL || (fs->eof && fs->end > fs->start)) {
			size_t stop = nl ? (size_t)(nl - fs->buf) : fs->end;
			bool was_skipping = fs->skipping;

			fs->skipping = false;
			memset(line, 0, sizeof(*line));
			line->buf = fs->buf + fs->start;
			line->len = stop - fs->start;
			fs->start = fs->scanned = nl ? stop + 1 : stop;
			if (was_skipping)
				continue;
			line->lineno = ++fs->lineno;
			if (line->len > 0 && line->buf[line->len - 1] == '\r')
				line->len--;
			if (line->len > fs->max_line) {
				line->len = fs->max_line;
				line->too_long = true;
			}
			return 1;
		}
		if (fs->eof)
			return 0;
		have = fs->end - fs->start;
		if (have > fs->max_line && !fs->skipping) {
			/* Hand out the start, then drop the rest unread. */
			memset(line, 0, sizeof(*line));
			line->buf = fs->buf + fs->start;
			line->len = fs->max_line;
			line->lineno = ++fs->lineno;
			line->too_long = true;
			fs->skipping = true;
			fs->start = fs->scanned = fs->end;
			return 1;
		}
		if (fs->skipping)
			fs->start = fs->scanned = fs->end;
		else
			fs->scanned = fs->end;
		if (file_fill(fs, err) < 0)
			return -1;
	}
}

static int
file_commit(void *impl, struct ad_err *err)
{
	(void)impl;
	(void)err;
	return 0;
}

static void
file_free(void *impl)
{
	struct file_source *fs = impl;

	if (fs == NULL)
		return;
	if (fs->gz != NULL)
		gzclose_r(fs->gz);
	free(fs->buf);
	free(fs);
}

static const struct source_ops file_ops = {
	.next = file_next,
	.commit = file_commit,
	.free = file_free,
};

/*
 * Wrap an implementation as a source named name (copied).  The new source
 * owns impl and frees it with ops->free.  Caller frees with source_free().
 */
struct source *
source_new(const char *name, const struct source_ops *ops, void *impl)
{
	struct source *src = xcalloc(1, sizeof(*src));

	src->name = xstrdup(name);
	src->ops = ops;
	src->impl = impl;
	return src;
}

/*
 * Open spec: "-" (stdin), a kafka:// URI, or a path (gzip or plain).
 * Returns a new source (caller frees with source_free()), or NULL with err
 * set: EX_NOINPUT when the file cannot be opened, or the Kafka error.
 */
struct source *
source_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	struct file_source *fs;
	struct source *src;
	int fd;

	if (kafka_is_uri(spec))
		return kafka_source_open(spec, conf, err);
	if (strcmp(spec, "-") == 0) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(spec, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", spec,
		    strerror(errno));
		return NULL;
	}
	fs = xcalloc(1, sizeof(*fs));
	fs->gz = gzdopen(fd, "rb");
	if (fs->gz == NULL) {
		close(fd);
		free(fs);
		ad_err_set(err, EX_OSERR, "cannot read '%s': out of memory",
		    spec);
		return NULL;
	}
	gzbuffer(fs->gz, CHUNK);
	fs->cap = CHUNK;
	fs->buf = xmalloc(fs->cap);
	fs->max_line = conf->max_line ? conf->max_line : IO_MAX_LINE_DEFAULT;
	src = source_new(strcmp(spec, "-") == 0 ? "<stdin>" : spec, &file_ops,
	    fs);
	fs->name = src->name;
	return src;
}

/*
 * Get the next line.  Returns 1 with *line filled (borrowed until the next
 * call), 0 at the end of input, -1 with err set on a read error.
 */
int
source_next(struct source *src, struct line *line, struct ad_err *err)
{
	return src->ops->next(src->impl, line, err);
}

/*
 * Commit every line handed out so far as processed (Kafka offsets; a no-op
 * for files).  Call only after everything derived from them is written.
 * Returns 0 or -1 with err set.
 */
int
source_commit(struct source *src, struct ad_err *err)
{
	return src->ops->commit(src->impl, err);
}

/* The name used in messages: the path, "<stdin>" or the URI.  Borrowed. */
const char *
source_name(const struct source *src)
{
	return src->name;
}

/*
 * Register idle (may be NULL) to run whenever src is about to wait for
 * input it does not have yet (a Kafka consumer with nothing fetched) or
 * is about to give up partitions in a rebalance: the moment to flush
 * what was derived from the lines read so far and commit them.
 */
void
source_set_idle(struct source *src, int (*idle)(void *arg, struct ad_err *err),
    void *arg)
{
	src->idle = idle;
	src->idle_arg = arg;
}

/*
 * Called by a source implementation before it waits: runs the hook set
 * with source_set_idle().  Returns 0, or the hook's -1 with err set.
 */
int
source_idle(struct source *src, struct ad_err *err)
{
	return src->idle != NULL ? src->idle(src->idle_arg, err) : 0;
}

/* Close and free src; NULL is a no-op. */
void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	src->ops->free(src->impl);
	free(src->name);
	free(src);
}
