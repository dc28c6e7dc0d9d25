/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * File and stdin sources.  They are read with read(2), inflated with zlib
 * when they start with the gzip magic, into a buffer that grows up to the
 * line limit; a longer line is returned cut short and flagged, and the rest
 * of it is skipped, so no input can make the reader grow without bound.
 * Not gzread(): it blocks until its buffer is full, and a pipeline must see
 * each line as soon as it arrives.
 *
 * A gzip member's CRC and length are in its trailer, after its data, so
 * no line of a member is handed out before the trailer has been checked
 * (a corrupt member would otherwise pass spliced records downstream before
 * the error).  Its inflated bytes are held, in memory up to
 * FILESOURCE_HOLD_MAX and beyond that in an unlinked temporary file in
 * $TMPDIR, and released when inflate() reaches the member's end; one pass
 * of decompression, the same for files and pipes.  Memory stays bounded
 * (the line limit plus the hold), and a member of any size is read.
 *
 * The "file" backend of struct source_ops; lib/io/endpoint picks it for
 * "-" and paths.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "io/filesource.h"

#define CHUNK (256 * 1024)

struct file_source {
	int fd;
	struct source *self; /* for the idle hook */
	const char *name;    /* borrowed from struct source */
	bool sniffed;	     /* the first bytes were checked for gzip */
	bool gzip;
	z_stream zs;
	unsigned char *in; /* compressed bytes read, not yet inflated */
	bool in_eof;
	bool between; /* a gzip member ended; another may follow */
	size_t held;  /* inflated bytes after buf[end], not yet checked */
	int spill;    /* temporary file of a large member, or -1 */
	off_t spilled, released; /* bytes in it; bytes read back from it */
	char *buf;
	size_t cap, start, end, scanned;
	size_t chunk; /* the least room a read is given */
	size_t max_line;
	size_t lineno;
	bool eof;
	bool stopped;  /* the input ended by a stop signal, not at its end */
	bool skipping; /* discarding the rest of an over-long line */
};

/*
 * read() what is there, up to n bytes.  Before blocking on a pipe or a
 * terminal, run the idle hook, so that a program flushes its output while
 * its input is quiet (records must not sit in a buffer).  Returns the byte
 * count, 0 at end of input (or on a stop signal), -1 with err set.
 */
static ssize_t
read_some(struct file_source *fs, void *p, size_t n, struct ad_err *err)
{
	struct pollfd pfd = {.fd = fs->fd, .events = POLLIN};

	/* Idle before waiting and every second while waiting. */
	if (poll(&pfd, 1, 0) == 0) {
		do {
			if (source_idle(fs->self, err) < 0)
				return -1;
		} while (!ad_stop && poll(&pfd, 1, 1000) == 0);
		if (ad_stop) {
			fs->stopped = true;
			return 0; /* the poll above was cut short by it */
		}
	}
	for (;;) {
		ssize_t r = read(fs->fd, p, n);

		if (r >= 0)
			return r;
		if (errno == EINTR && ad_stop) {
			fs->stopped = true;
			return 0;
		}
		if (errno != EINTR) {
			ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
			    "read error: %s", strerror(errno));
			return -1;
		}
	}
}

/* The directory of temporary files: $TMPDIR, else /tmp. */
static const char *
tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d != NULL && d[0] != '\0' ? d : "/tmp";
}

/*
 * Move the held bytes to the end of the temporary file, creating it (an
 * unlinked file in $TMPDIR) the first time.  Returns 0, or -1 with err
 * set (EX_IOERR).
 */
static int
spill_held(struct file_source *fs, struct ad_err *err)
{
	const char *dir = tmp_dir();
	const char *p = fs->buf + fs->end;
	size_t n = fs->held;

	if (fs->spill < 0) {
		char tmpl[4096];

		fs->spill = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		/* A file system without O_TMPFILE: create, then unlink. */
		if (fs->spill < 0 && (errno == EOPNOTSUPP || errno == EISDIR) &&
		    (size_t)snprintf(tmpl, sizeof(tmpl), "%s/adpipe-gz-XXXXXX",
			dir) < sizeof(tmpl) &&
		    (fs->spill = mkostemp(tmpl, O_CLOEXEC)) >= 0)
			unlink(tmpl);
		if (fs->spill < 0) {
			ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
			    "cannot hold a gzip member over %d MiB until its "
			    "trailer is checked: temporary file in '%s': %s",
			    FILESOURCE_HOLD_MAX >> 20, dir, strerror(errno));
			return -1;
		}
	}
	while (n > 0) {
		ssize_t w = pwrite(fs->spill, p, n, fs->spilled);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
			    "cannot hold a gzip member over %d MiB until its "
			    "trailer is checked: temporary file in '%s': %s",
			    FILESOURCE_HOLD_MAX >> 20, dir,
			    w < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		p += w;
		n -= (size_t)w;
		fs->spilled += w;
	}
	fs->held = 0;
	return 0;
}

/*
 * Read back the next bytes of a checked member from the temporary file
 * into fs->buf.  Returns the byte count (> 0), or -1 with err set.
 */
static ssize_t
unspill(struct file_source *fs, struct ad_err *err)
{
	size_t want = fs->cap - fs->end;
	ssize_t r;

	if ((off_t)want > fs->spilled - fs->released)
		want = (size_t)(fs->spilled - fs->released);
	do
		r = pread(fs->spill, fs->buf + fs->end, want, fs->released);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
		    "cannot read back a gzip member from its temporary file "
		    "in '%s': %s",
		    tmp_dir(), r < 0 ? strerror(errno) : "it is shorter");
		return -1;
	}
	fs->released += r;
	if (fs->released == fs->spilled) {
		/* All of it read back: the file is reused empty. */
		fs->spilled = fs->released = 0;
		if (ftruncate(fs->spill, 0) < 0) {
			ad_err_at(err, EX_IOERR, fs->name, fs->lineno + 1,
			    "cannot empty the temporary file in '%s': %s",
			    tmp_dir(), strerror(errno));
			return -1;
		}
	}
	return r;
}

/*
 * Make room after the held bytes: grow the buffer while the hold is small,
 * move the hold to the temporary file when it would pass its bound.
 * Returns 0, or -1 with err set.
 */
static int
hold_room(struct file_source *fs, struct ad_err *err)
{
	if (fs->cap - (fs->end + fs->held) >= CHUNK / 2)
		return 0;
	if (fs->held + CHUNK > FILESOURCE_HOLD_MAX)
		return spill_held(fs, err);
	fs->cap *= 2;
	fs->buf = xrealloc(fs->buf, fs->cap);
	return 0;
}

/*
 * Make the next checked bytes available in fs->buf after fs->end: read
 * back a spilled member, or inflate the next member whole (held after
 * fs->end or spilled) and release it once inflate() has checked its
 * trailer.  Returns the bytes released, 0 at the end, -1 with err set.
 * Concatenated gzip members are read as one stream, as gzip -d does.
 */
static ssize_t
inflate_some(struct file_source *fs, struct ad_err *err)
{
	if (fs->released < fs->spilled)
		return unspill(fs, err);
	for (;;) {
		size_t room;
		ssize_t r;
		int z;

		if (fs->zs.avail_in == 0 && !fs->in_eof) {
			if ((r = read_some(fs, fs->in, CHUNK, err)) < 0)
				return -1;
			fs->in_eof = r == 0;
			fs->zs.next_in = fs->in;
			fs->zs.avail_in = (uInt)r;
		}
		if (fs->zs.avail_in == 0 && fs->in_eof) {
			if (fs->between || fs->stopped)
				return 0;
			ad_err_at(err, EX_DATAERR, fs->name, fs->lineno + 1,
			    "compressed data ends early");
			return -1;
		}
		if (hold_room(fs, err) < 0)
			return -1;
		room = fs->cap - (fs->end + fs->held);
		fs->zs.next_out = (unsigned char *)fs->buf + fs->end + fs->held;
		fs->zs.avail_out = (uInt)room;
		fs->between = false;
		z = inflate(&fs->zs, Z_NO_FLUSH);
		fs->held += room - fs->zs.avail_out;
		if (z != Z_STREAM_END && z != Z_OK && z != Z_BUF_ERROR) {
			ad_err_at(err, EX_DATAERR, fs->name, fs->lineno + 1,
			    "corrupt compressed data: %s",
			    fs->zs.msg ? fs->zs.msg : "inflate failed");
			return -1;
		}
		if (z != Z_STREAM_END)
			continue;
		/* The trailer's CRC and length checked out: release. */
		inflateReset(&fs->zs);
		fs->between = true;
		if (fs->spilled > 0) {
			if (spill_held(fs, err) < 0)
				return -1;
			return unspill(fs, err);
		}
		if (fs->held > 0) {
			r = (ssize_t)fs->held;
			fs->held = 0;
			return r;
		}
	}
}

/*
 * Read more bytes into fs->buf after compacting it.  The first bytes tell
 * gzip (1f 8b) from plain text.  Returns the number of bytes read, 0 at
 * end of input, -1 on error with err set.
 */
static int
file_fill(struct file_source *fs, struct ad_err *err)
{
	ssize_t n;

	if (fs->start > 0) {
		memmove(fs->buf, fs->buf + fs->start, fs->end - fs->start);
		fs->end -= fs->start;
		fs->scanned -= fs->start;
		fs->start = 0;
	}
	if (fs->cap - fs->end < fs->chunk / 2) {
		fs->cap = fs->cap * 2;
		fs->buf = xrealloc(fs->buf, fs->cap);
	}
	if (!fs->sniffed) {
		/*
		 * Read at least two bytes (or to the end) to see the magic,
		 * into the line buffer (empty yet): the buffer of compressed
		 * bytes is made only for gzip.
		 */
		unsigned char *p = (unsigned char *)fs->buf + fs->end;
		size_t got = 0;

		while (got < 2) {
			if ((n = read_some(fs, p + got, fs->cap - fs->end - got,
				 err)) < 0)
				return -1;
			if (n == 0)
				break;
			got += (size_t)n;
		}
		fs->sniffed = true;
		fs->gzip = got >= 2 && p[0] == 0x1f && p[1] == 0x8b;
		if (fs->gzip) {
			fs->in = xmalloc(CHUNK);
			memcpy(fs->in, p, got);
			fs->zs.next_in = fs->in;
			fs->zs.avail_in = (uInt)got;
			fs->in_eof = got == 0;
		} else {
			fs->end += got;
			fs->eof = got == 0;
			return (int)got;
		}
	}
	if (fs->gzip)
		n = inflate_some(fs, err);
	else
		n = read_some(fs, fs->buf + fs->end, fs->cap - fs->end, err);
	if (n < 0)
		return -1;
	if (n == 0)
		fs->eof = true;
	fs->end += (size_t)n;
	return (int)n;
}

static int
file_next(void *impl, struct line *line, struct ad_err *err)
{
	struct file_source *fs = impl;

	for (;;) {
		char *nl =
		    memchr(fs->buf + fs->scanned, '\n', fs->end - fs->scanned);
		size_t have;

		/*
		 * The last line without a newline is a line at the end of the
		 * input, but only the start of one when a stop cut it: that
		 * stays unread with the rest.
		 */
		if (nl != NULL ||
		    (fs->eof && !fs->stopped && fs->end > fs->start)) {
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
	inflateEnd(&fs->zs);
	close(fs->fd);
	if (fs->spill >= 0)
		close(fs->spill);
	free(fs->in);
	free(fs->buf);
	free(fs);
}

static const struct source_ops file_ops = {
    .next = file_next,
    .commit = file_commit,
    .close = file_free,
};

/*
 * Open spec: "-" (stdin) or a path, plain or gzip.  Returns a new source
 * (caller closes it with source_close()), or NULL with err set: EX_NOINPUT
 * when the file cannot be opened, EX_OSERR when zlib has no memory.
 */
struct source *
filesource_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	struct file_source *fs;
	struct source *src;
	struct stat st;
	int fd, stat_ok;

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
	/* A directory opens but every read fails (EISDIR): not an input. */
	stat_ok = fstat(fd, &st) == 0;
	if (stat_ok && S_ISDIR(st.st_mode)) {
		close(fd);
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", spec,
		    strerror(EISDIR));
		return NULL;
	}
	fs = xcalloc(1, sizeof(*fs));
	fs->fd = fd;
	/*
	 * Reads of CHUNK bytes, but a small file gets a buffer of its size
	 * (and 1 to see the end): a program reading many small files, or
	 * a fuzzer, does not make and fault in 256 KiB for each.
	 */
	fs->chunk = CHUNK;
	if (stat_ok && S_ISREG(st.st_mode) && st.st_size < CHUNK)
		fs->chunk = st.st_size < 4095 ? 4096 : (size_t)st.st_size + 1;
	fs->spill = -1;
	/* 15 + 32: zlib or gzip headers, detected. */
	if (inflateInit2(&fs->zs, 15 + 32) != Z_OK) {
		close(fd);
		free(fs);
		ad_err_set(
		    err, EX_OSERR, "cannot read '%s': out of memory", spec);
		return NULL;
	}
	fs->cap = fs->chunk;
	fs->buf = xmalloc(fs->cap);
	fs->max_line = conf->max_line ? conf->max_line : IO_MAX_LINE_DEFAULT;
	src = source_new(
	    strcmp(spec, "-") == 0 ? "<stdin>" : spec, &file_ops, fs);
	fs->name = source_name(src);
	fs->self = src;
	return src;
}
