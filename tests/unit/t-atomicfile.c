/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/atomicfile: a regular file replaced whole, a link
 * followed and kept, a FIFO and a device written into and left what they
 * are, a directory refused, an abort leaving nothing behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/atomicfile.h"
#include "tap.h"

static char dir[] = "/tmp/t-atomicfile-XXXXXX";

static int
put(const char *path, const char *text, struct ad_err *e)
{
	struct atomicfile af;

	if (atomicfile_open(&af, path, e) < 0)
		return -1;
	if (write(af.fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		atomicfile_abort(&af);
		return -2;
	}
	return atomicfile_commit(&af, e);
}

static const char *
slurp(const char *path)
{
	static char b[100];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return "(none)";
	n = fread(b, 1, sizeof(b) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* Entries in dir (temporary files left behind show up here). */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

int
main(void)
{
	char f[300], l[300], p[300];
	struct ad_err e;
	struct atomicfile af;
	struct stat st;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(f, sizeof(f), "%s/file", dir);
	snprintf(l, sizeof(l), "%s/link", dir);
	snprintf(p, sizeof(p), "%s/fifo", dir);

	ok(put(f, "one", &e) == 0 && strcmp(slurp(f), "one") == 0,
	    "a new file");
	ok(put(f, "two", &e) == 0 && strcmp(slurp(f), "two") == 0,
	    "replaced whole");
	ok(stat(f, &st) == 0 && (st.st_mode & 0777) == 0644, "mode 0644");
	ok(entries() == 1, "no temporary file left");

	ok(symlink("file", l) == 0, "symlink");
	ok(put(l, "three", &e) == 0 && strcmp(slurp(f), "three") == 0,
	    "through a link: the file it names is replaced");
	ok(lstat(l, &st) == 0 && S_ISLNK(st.st_mode), "and the link stays");
	unlink(l);
	ok(symlink("new", l) == 0, "a link to a file not there yet");
	snprintf(f, sizeof(f), "%s/new", dir);
	ok(put(l, "new", &e) == 0 && strcmp(slurp(f), "new") == 0,
	    "through it: the file is created");
	ok(lstat(l, &st) == 0 && S_ISLNK(st.st_mode), "and the link stays");
	unlink(f);
	snprintf(f, sizeof(f), "%s/file", dir);
	unlink(l);
	ok(symlink("link", l) == 0, "a link to itself");
	ok(put(l, "x", &e) == -1 && e.status == EX_CANTCREAT,
	    "a loop of links: EX_CANTCREAT (%s)", e.msg);

	ok(put(dir, "x", &e) == -1 && e.status == EX_CANTCREAT &&
		strstr(e.msg, "not a regular file") != NULL,
	    "a directory: EX_CANTCREAT (%s)", e.msg);

	ok(put("/dev/null", "x", &e) == 0 && stat("/dev/null", &st) == 0 &&
		S_ISCHR(st.st_mode),
	    "/dev/null: written into, still a device");
	ok(put("/dev/full", "x", &e) == -2 && stat("/dev/full", &st) == 0 &&
		S_ISCHR(st.st_mode),
	    "/dev/full: the write fails, still a device");

	ok(mkfifo(p, 0600) == 0, "mkfifo");
	ok(put(p, "x", &e) == -1 && e.status == EX_CANTCREAT,
	    "a FIFO without a reader: EX_CANTCREAT at once (%s)", e.msg);
	{
		int fds[2], st2;
		pid_t pid;
		char b[16] = {0};

		if (pipe(fds) != 0)
			return 1;
		if ((pid = fork()) == 0) { /* the reader */
			int fd = open(p, O_RDONLY);
			ssize_t n = read(fd, b, sizeof(b) - 1);

			if (write(fds[1], b, n > 0 ? (size_t)n : 0) < 0)
				_exit(1);
			_exit(0);
		}
		/* wait for the reader to open its end */
		for (int i = 0; i < 200; i++) {
			if (atomicfile_open(&af, p, &e) == 0)
				break;
			usleep(10000);
		}
		ok(af.fd >= 0 && af.tmp == NULL &&
			write(af.fd, "four", 4) == 4 &&
			atomicfile_commit(&af, &e) == 0,
		    "a FIFO with a reader: written in place");
		close(fds[1]);
		waitpid(pid, &st2, 0);
		ok(read(fds[0], b, sizeof(b) - 1) == 4 &&
			strcmp(b, "four") == 0,
		    "the reader got it");
		close(fds[0]);
	}
	ok(lstat(p, &st) == 0 && S_ISFIFO(st.st_mode), "still a FIFO");

	ok(atomicfile_open(&af, f, &e) == 0, "open to abort");
	atomicfile_abort(&af);
	ok(strcmp(slurp(f), "three") == 0 && entries() == 3,
	    "abort: the old file, no temporary one");

	unlink(f);
	unlink(l);
	unlink(p);
	rmdir(dir);
	return tap_done();
}
