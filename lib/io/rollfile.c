/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rolling file sink, the part of the old system Flume did:
 *
 *	file:DIR/name-%Y%m%d-%H.ndjson?roll=128M&gzip=1&flush=5
 *
 * The path is a strftime(3) pattern expanded in UTC.  Records go to the
 * final name plus ".tmp", created exclusively; the file is flushed at least
 * every flush= seconds (default 5) while records come in, and on each
 * sink_flush(), so readers of the .tmp file see recent data.  When roll=
 * bytes of records have been written (counted before compression), or
 * when the expanded pattern changes, the file is flushed, fsync'ed, closed
 * and renamed to its final name, which is atomic: a crash leaves at most
 * a .tmp file, never a half-written final one.
 *
 * Final names never overwrite: with roll= every file gets a sequence
 * number before its extension ("name-20240101-10.0000.ndjson", then
 * .0001, ...), and without it a name that already exists gets one too.
 * gzip=1 writes gzip and adds ".gz" unless the pattern ends in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "base/num.h"
#include "base/clock.h"
#include "base/query.h"
#include "io/rollfile.h"

struct rollfile {
	char *pattern;
	size_t roll; /* 0: no size limit */
	bool gzip;
	int64_t flush_ms;
	char expanded[4096]; /* the pattern for the current period */
	time_t expanded_at;
	unsigned seq; /* next sequence number in this period */
	char *final;  /* final name of the open file, or NULL */
	char *tmp;
	FILE *fp;
	gzFile gz;
	size_t bytes; /* record bytes in the open file */
	int64_t flushed_ms;
	int failed; /* sticky exit status of the first failure */
	char failmsg[512];
};

static int
fail(struct rollfile *rf, struct ad_err *err, int status, const char *what,
    const char *path)
{
	if (rf->failed == 0) {
		rf->failed = status;
		snprintf(rf->failmsg, sizeof(rf->failmsg), "%s '%s': %s", what,
		    path, strerror(errno ? errno : EIO));
	}
	ad_err_set(err, rf->failed, "%s", rf->failmsg);
	return -1;
}

/* Expand the pattern for time t into buf; false if it did not fit. */
static bool
expand(const struct rollfile *rf, time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* The pattern is the user's strftime(3) format, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return strftime(buf, size, rf->pattern, &tm) > 0;
#pragma GCC diagnostic pop
}

/* Create every missing directory above path, as mkdir -p does. */
static int
make_parents(const char *path)
{
	char *dir = xstrdup(path);
	int rc = 0;

	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Pick a final name for the next file and create its .tmp file. */
static int
open_file(struct rollfile *rf, struct ad_err *err)
{
	const char *base = strrchr(rf->expanded, '/');
	const char *dot = strrchr(base ? base + 1 : rf->expanded, '.');
	size_t stem = dot && dot != (base ? base + 1 : rf->expanded)
			  ? (size_t)(dot - rf->expanded)
			  : strlen(rf->expanded);
	const char *gz =
	    rf->gzip && (strlen(rf->expanded) < 3 ||
			    strcmp(rf->expanded + strlen(rf->expanded) - 3,
				".gz") != 0)
		? ".gz"
		: "";
	size_t cap = strlen(rf->expanded) + 32;
	int fd;

	rf->final = xmalloc(cap);
	rf->tmp = xmalloc(cap + 4);
	for (;;) {
		if (rf->roll == 0 && rf->seq == 0)
			snprintf(rf->final, cap, "%s%s", rf->expanded, gz);
		else
			snprintf(rf->final, cap, "%.*s.%04u%s%s", (int)stem,
			    rf->expanded, rf->seq, rf->expanded + stem, gz);
		snprintf(rf->tmp, cap + 4, "%s.tmp", rf->final);
		rf->seq++;
		if (!exists(rf->final) && !exists(rf->tmp))
			break;
	}
	errno = 0;
	if (make_parents(rf->tmp) < 0 ||
	    (fd = open(
		 rf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
		return fail(rf, err, EX_CANTCREAT, "cannot create", rf->tmp);
	if (rf->gzip) {
		if ((rf->gz = gzdopen(fd, "wb")) != NULL)
			gzbuffer(rf->gz, 128 * 1024);
	} else {
		rf->fp = fdopen(fd, "w");
	}
	if (rf->gz == NULL && rf->fp == NULL) {
		close(fd);
		return fail(rf, err, EX_CANTCREAT, "cannot create", rf->tmp);
	}
	rf->bytes = 0;
	rf->flushed_ms = clock_now_ms();
	return 0;
}

static int
flush_file(struct rollfile *rf, struct ad_err *err)
{
	errno = 0;
	if (rf->fp != NULL && (fflush(rf->fp) != 0 || ferror(rf->fp)))
		return fail(rf, err, EX_IOERR, "write error on", rf->tmp);
	if (rf->gz != NULL && gzflush(rf->gz, Z_SYNC_FLUSH) != Z_OK)
		return fail(rf, err, EX_IOERR, "write error on", rf->tmp);
	rf->flushed_ms = clock_now_ms();
	return 0;
}

/* Make the open file durable, close it, and give it its final name. */
static int
close_file(struct rollfile *rf, struct ad_err *err)
{
	int rc = 0;

	if (rf->final == NULL)
		return 0;
	if (flush_file(rf, err) < 0)
		rc = -1;
	errno = 0;
	if (rf->fp != NULL) {
		if (rc == 0 && fsync(fileno(rf->fp)) < 0)
			rc = fail(rf, err, EX_IOERR, "cannot sync", rf->tmp);
		if (fclose(rf->fp) != 0 && rc == 0)
			rc = fail(rf, err, EX_IOERR, "write error on", rf->tmp);
	} else {
		/* gzclose_w() writes the trailer; sync after it. */
		if (gzclose_w(rf->gz) != Z_OK && rc == 0)
			rc = fail(rf, err, EX_IOERR, "write error on", rf->tmp);
		if (rc == 0) {
			int fd = open(rf->tmp, O_RDONLY | O_CLOEXEC);

			if (fd < 0 || fsync(fd) < 0)
				rc = fail(
				    rf, err, EX_IOERR, "cannot sync", rf->tmp);
			if (fd >= 0)
				close(fd);
		}
	}
	rf->fp = NULL;
	rf->gz = NULL;
	/* A failed file keeps its .tmp name: it may be incomplete. */
	if (rc == 0 && rename(rf->tmp, rf->final) < 0)
		rc = fail(rf, err, EX_IOERR, "cannot rename", rf->tmp);
	free(rf->final);
	free(rf->tmp);
	rf->final = rf->tmp = NULL;
	return rc;
}

static int
rf_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct rollfile *rf = impl;
	time_t now = time(NULL);

	(void)key;
	(void)keylen;
	if (rf->failed) {
		ad_err_set(err, rf->failed, "%s", rf->failmsg);
		return -1;
	}
	if (now != rf->expanded_at) {
		char next[sizeof(rf->expanded)];

		rf->expanded_at = now;
		if (expand(rf, now, next, sizeof(next)) &&
		    strcmp(next, rf->expanded) != 0) {
			if (close_file(rf, err) < 0)
				return -1;
			memcpy(rf->expanded, next, sizeof(next));
			rf->seq = 0;
		}
	}
	if (rf->final != NULL && rf->roll > 0 && rf->bytes > 0 &&
	    rf->bytes + len + 1 > rf->roll && close_file(rf, err) < 0)
		return -1;
	if (rf->final == NULL && open_file(rf, err) < 0)
		return -1;
	errno = 0;
	if (rf->fp != NULL) {
		if (fwrite(buf, 1, len, rf->fp) != len ||
		    putc('\n', rf->fp) == EOF)
			return fail(
			    rf, err, EX_IOERR, "write error on", rf->tmp);
	} else if ((len > 0 && gzwrite(rf->gz, buf, (unsigned)len) == 0) ||
		   gzputc(rf->gz, '\n') < 0) {
		return fail(rf, err, EX_IOERR, "write error on", rf->tmp);
	}
	rf->bytes += len + 1;
	if (clock_now_ms() - rf->flushed_ms >= rf->flush_ms)
		return flush_file(rf, err);
	return 0;
}

static int
rf_flush(void *impl, struct ad_err *err)
{
	struct rollfile *rf = impl;

	if (rf->failed) {
		ad_err_set(err, rf->failed, "%s", rf->failmsg);
		return -1;
	}
	return rf->final != NULL ? flush_file(rf, err) : 0;
}

static int
rf_close(void *impl, struct ad_err *err)
{
	struct rollfile *rf = impl;
	int rc = 0;

	if (rf->failed) {
		ad_err_set(err, rf->failed, "%s", rf->failmsg);
		rc = -1;
	}
	if (close_file(rf, err) < 0)
		rc = -1;
	free(rf->pattern);
	free(rf);
	return rc;
}

static const struct sink_ops rollfile_ops = {
    .write = rf_write,
    .flush = rf_flush,
    .close = rf_close,
};

static int
parse_param(struct rollfile *rf, const char *spec, const struct query_param *qp,
    struct ad_err *err)
{
	char *p = xstrndup(qp->name, qp->namelen);
	char *v = xstrndup(qp->value, qp->valuelen);
	int rc = -1;

	if (strcmp(p, "roll") == 0)
		rc = num_parse_size("roll=", v, &rf->roll, err);
	else if (strcmp(p, "flush") == 0)
		rc = num_parse_duration_ms("flush=", v, &rf->flush_ms, err);
	else if (strcmp(p, "gzip") != 0)
		ad_err_set(err, EX_USAGE, "'file:%s': unknown parameter '%s'",
		    spec, p);
	else if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
		ad_err_set(
		    err, EX_USAGE, "'file:%s': gzip= must be 0 or 1", spec);
	else {
		rf->gzip = *v == '1';
		rc = 0;
	}
	free(p);
	free(v);
	return rc;
}

/*
 * Open a rolling file sink for spec (the text after "file:").  Nothing is
 * created until the first record.  Returns a new sink (caller closes with
 * sink_close(), which renames the last file), or NULL with err set
 * (EX_USAGE for a bad parameter or pattern).
 */
struct sink *
rollfile_open(const char *spec, const struct io_conf *conf, struct ad_err *err)
{
	struct rollfile *rf = xcalloc(1, sizeof(*rf));
	const char *params = NULL;
	struct query_param qp;
	char *q;

	(void)conf;
	rf->pattern = xstrdup(spec);
	rf->flush_ms = 5000;
	if ((q = strchr(rf->pattern, '?')) != NULL) {
		*q = '\0';
		params = q + 1;
	}
	while (query_next(&params, &qp))
		if (parse_param(rf, spec, &qp, err) < 0)
			goto fail;
	rf->expanded_at = time(NULL);
	if (rf->pattern[0] == '\0' ||
	    rf->pattern[strlen(rf->pattern) - 1] == '/' ||
	    !expand(rf, rf->expanded_at, rf->expanded, sizeof(rf->expanded))) {
		ad_err_set(err, EX_USAGE, "'file:%s': no file name", spec);
		goto fail;
	}
	return sink_new(rf->pattern, &rollfile_ops, rf, NULL);
fail:
	free(rf->pattern);
	free(rf);
	return NULL;
}
