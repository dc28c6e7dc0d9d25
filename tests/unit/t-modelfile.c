/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/modelfile: round trip and every kind of damage. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/modelfile.h"
#include "tap.h"

/*
 * modelfile_read(path) in a child killed after 5 s: the child's exit
 * status is the error status (0 when a model was read), 99 when killed.
 */
static int
read_status(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct ad_err e = {0};
		size_t len;
		void *p;

		alarm(5);
		p = modelfile_read(path, "forest", &len, &e);
		if (p == NULL)
			printf("#   %s\n", e.msg);
		_exit(p != NULL ? 0 : e.status);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

/* read_status() of a pipe holding n bytes of d, as /dev/fd/N. */
static int
piped_status(const char *d, size_t n)
{
	char name[32];
	int fds[2], st;

	if (pipe(fds) < 0 || write(fds[1], d, n) != (ssize_t)n)
		return -1;
	close(fds[1]);
	snprintf(name, sizeof(name), "/dev/fd/%d", fds[0]);
	st = read_status(name);
	close(fds[0]);
	return st;
}

int
main(void)
{
	char path[64], payload[1000];
	struct ad_err e;
	size_t len, size;
	char *p, *data;
	FILE *f;
	int all_refused = 1;

	snprintf(path, sizeof(path), "/tmp/t-modelfile.%d", (int)getpid());
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (char)(i * 7);
	ok(modelfile_write(path, "forest", payload, sizeof(payload), &e) == 0,
	    "write");
	p = modelfile_read(path, "forest", &len, &e);
	ok(p != NULL && len == sizeof(payload) && memcmp(p, payload, len) == 0,
	    "read back the same payload");
	free(p);
	ok(modelfile_read(path, "lstm", &len, &e) == NULL &&
		e.status == EX_DATAERR &&
		strstr(e.msg, "a 'forest' model") != NULL,
	    "wrong kind refused: %s", e.msg);

	f = fopen(path, "rb");
	data = malloc(4096);
	size = fread(data, 1, 4096, f);
	fclose(f);
	for (int tenth = 0; tenth < 10; tenth++) {
		size_t cut = size * (size_t)tenth / 10;

		all_refused &= modelfile_parse(data, cut, "m", "forest", &len,
				   &e) == NULL &&
			       e.status == EX_DATAERR;
	}
	ok(all_refused, "truncated at every tenth: refused");
	data[500] ^= 1;
	ok(modelfile_parse(data, size, "m", "forest", &len, &e) == NULL &&
		strstr(e.msg, "checksum") != NULL,
	    "flipped byte: checksum mismatch");
	data[500] ^= 1;
	data[8] = 9;
	ok(modelfile_parse(data, size, "m", "forest", &len, &e) == NULL &&
		strstr(e.msg, "version 9") != NULL,
	    "wrong version refused: %s", e.msg);
	ok(modelfile_parse("hello world, not a model at all", 31, "m", "forest",
	       &len, &e) == NULL &&
		strstr(e.msg, "not an adpipe model") != NULL,
	    "other file refused");
	ok(modelfile_read("/nonexistent/m", "forest", &len, &e) == NULL &&
		e.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT");
	ok(modelfile_write("/nonexistent/dir/m", "forest", payload, 10, &e) <
		    0 &&
		e.status == EX_CANTCREAT,
	    "uncreatable: EX_CANTCREAT");

	/* Devices, FIFOs, directories: bounded, never blocking. */
	ok(read_status("/dev/zero") == EX_DATAERR,
	    "/dev/zero: not a model, at once");
	ok(read_status("/tmp") == EX_NOINPUT, "a directory: EX_NOINPUT");
	{
		char fifo[80];

		snprintf(fifo, sizeof(fifo), "%s.fifo", path);
		ok(mkfifo(fifo, 0600) == 0, "mkfifo");
		ok(read_status(fifo) == EX_DATAERR,
		    "a FIFO without a writer: empty, not a model (no hang)");
		data[8] = 1; /* the version, as written */
		ok(piped_status(data, size) == 0,
		    "a model through a pipe (/dev/fd/N, as <(...)): read");
		data[28 + 5] = 1;
		ok(piped_status(data, MODELFILE_HEADER) == EX_DATAERR,
		    "a header announcing 1 TB: refused before reading it");
		data[28 + 5] = 0;
		unlink(fifo);
	}
	f = fopen(path, "ab");
	fwrite(payload, 1, 100, f);
	fclose(f);
	ok(modelfile_read(path, "forest", &len, &e) == NULL &&
		strstr(e.msg, "padded model (1140 bytes, expected 1040)") !=
		    NULL,
	    "100 bytes of padding: refused with the size: %s", e.msg);
	free(data);
	unlink(path);
	return tap_done();
}
