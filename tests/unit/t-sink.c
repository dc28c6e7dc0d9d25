/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/sink (the object over struct sink_ops) and
 * lib/io/filesink (stdout and paths): records come back byte for byte,
 * "-" writes to stdout and leaves it open, failures carry their status
 * and message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/filesink.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "tap.h"

/* A backend that records what the object asks of it. */
struct fake {
	char got[256];
	size_t len;
	char key[32];
	int flushes, closes;
	int close_rc;
};

static int
fake_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct fake *f = impl;

	(void)err;
	memcpy(f->got + f->len, buf, len);
	f->len += len;
	f->got[f->len++] = '|';
	snprintf(f->key, sizeof(f->key), "%.*s", (int)keylen, key ? key : "");
	return 0;
}

static int
fake_flush(void *impl, struct ad_err *err)
{
	(void)err;
	((struct fake *)impl)->flushes++;
	return 0;
}

static int
fake_close(void *impl, struct ad_err *err)
{
	struct fake *f = impl;

	f->closes++;
	if (f->close_rc < 0)
		ad_err_set(err, EX_IOERR, "fake close failed");
	return f->close_rc;
}

static const struct sink_ops fake_ops = {
    .write = fake_write,
    .flush = fake_flush,
    .close = fake_close,
};

/* The whole file at path, NUL-terminated, in a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return f != NULL ? buf : "(missing)";
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct sink *s;
	struct fake f = {.close_rc = 0};
	char name[64], path[96];
	int saved;

	io_conf_init(&conf, "t");
	ad_err_clear(&e);

	/* The object forwards to its ops and copies its strings. */
	snprintf(name, sizeof(name), "fake");
	s = sink_new(name, &fake_ops, &f, "id");
	name[0] = 'X';
	is_str(sink_name(s), "fake", "sink_new copies the name");
	is_str(sink_key_field(s), "id", "sink_new copies the key field");
	ok(sink_write(s, "a", 1, "k1", 2, &e) == 0 &&
		sink_write(s, "bc", 2, NULL, 0, &e) == 0,
	    "writes go to the backend");
	f.got[f.len] = '\0';
	is_str(f.got, "a|bc|", "the backend saw each record once, in order");
	ok(sink_flush(s, &e) == 0 && f.flushes == 1, "flush is forwarded");
	ok(sink_close(s, &e) == 0 && f.closes == 1, "close is forwarded");
	ok(sink_close(NULL, &e) == 0, "sink_close(NULL) is a no-op");
	f = (struct fake){.close_rc = -1};
	s = sink_new("fake", &fake_ops, &f, NULL);
	ok(sink_key_field(s) == NULL, "no key field is NULL");
	ok(sink_close(s, &e) < 0 && e.status == EX_IOERR && f.closes == 1,
	    "a failing close is reported (and the sink still freed)");

	/* A file: records come back with a newline each. */
	snprintf(path, sizeof(path), "/tmp/t-sink.%d", (int)getpid());
	s = filesink_open(path, &conf, &e);
	ok(s != NULL, "file sink opens");
	is_str(sink_name(s), path, "its name is the path");
	ok(sink_write(s, "{\"a\":1}", 7, NULL, 0, &e) == 0 &&
		sink_write(s, "", 0, NULL, 0, &e) == 0 &&
		sink_write(s, "x\0y", 3, NULL, 0, &e) == 0,
	    "three records written");
	ok(sink_close(s, &e) == 0, "file sink closes");
	{
		FILE *fp = fopen(path, "rb");
		char buf[64];
		size_t n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;

		if (fp)
			fclose(fp);
		ok(n == 13 && memcmp(buf, "{\"a\":1}\n\nx\0y\n", 13) == 0,
		    "file holds the records, NUL bytes included");
	}
	/* Truncated when opened again. */
	s = filesink_open(path, &conf, &e);
	ok(s != NULL && sink_write(s, "z", 1, NULL, 0, &e) == 0 &&
		sink_close(s, &e) == 0,
	    "file sink reopens");
	is_str(slurp(path), "z\n", "an existing file is truncated");
	unlink(path);

	/*
	 * "-" and NULL: stdout, which stays open after sink_close().  TAP
	 * goes to stdout too, so the checks wait until it is restored.
	 */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		struct sink *s2;
		bool opened, named, wrote1, wrote2, still_open;

		dup2(fd, STDOUT_FILENO);
		close(fd);
		s = filesink_open("-", &conf, &e);
		opened = s != NULL;
		named = opened && strcmp(sink_name(s), "<stdout>") == 0;
		wrote1 = opened && sink_write(s, "out1", 4, NULL, 0, &e) == 0 &&
			 sink_close(s, &e) == 0;
		s2 = filesink_open(NULL, &conf, &e);
		wrote2 = s2 != NULL &&
			 sink_write(s2, "out2", 4, NULL, 0, &e) == 0 &&
			 sink_close(s2, &e) == 0;
		still_open = fflush(stdout) == 0;
		dup2(saved, STDOUT_FILENO);
		close(saved);
		ok(opened, "'-' opens");
		ok(named, "'-' is named <stdout>");
		ok(wrote1, "stdout written and its sink closed");
		ok(wrote2, "NULL is stdout too, still open after a close");
		ok(still_open, "stdout still open");
	}
	is_str(slurp(path), "out1\nout2\n", "both records reached stdout");
	unlink(path);

	/* Failures. */
	ad_err_clear(&e);
	s = filesink_open("/nonexistent-dir/x", &conf, &e);
	ok(s == NULL && e.status == EX_CANTCREAT, "missing directory: 73");
	is_str(e.msg,
	    "cannot create '/nonexistent-dir/x': No such file or directory",
	    "with the path and the system's reason");
	if (access("/dev/full", W_OK) == 0) {
		ad_err_clear(&e);
		s = filesink_open("/dev/full", &conf, &e);
		ok(s != NULL && sink_write(s, "a", 1, NULL, 0, &e) == 0,
		    "/dev/full: the write is buffered");
		ok(sink_flush(s, &e) < 0 && e.status == EX_IOERR,
		    "/dev/full: flush fails with 74");
		is_str(e.msg,
		    "write error on '/dev/full': No space left on device",
		    "/dev/full: message");
		ok(sink_close(s, &e) < 0, "/dev/full: close reports it too");
	}
	io_conf_release(&conf);
	return tap_done();
}
