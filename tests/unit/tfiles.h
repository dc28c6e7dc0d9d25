/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Temporary files for the unit tests: text written to a file, a file
 * read back as a string, and stderr sent to a file and read back.
 */
#ifndef TFILES_H
#define TFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* text into the file at path (created or truncated). */
static inline void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* text into dir/name, whose path goes to path (n bytes). */
static inline void
put_file(
    const char *dir, const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", dir, name);
	write_file(path, text);
}

/* The file at path into buf as a string (at most n - 1 bytes); "" if none. */
static inline void
slurp_str(const char *path, char *buf, size_t n)
{
	FILE *fp = fopen(path, "r");
	size_t got = 0;

	if (fp != NULL) {
		got = fread(buf, 1, n - 1, fp);
		fclose(fp);
	}
	buf[got] = '\0';
}

static int tf_saved = -1;
static char tf_errpath[300];

/* Send stderr to a new file made from the mkstemp() template tmpl. */
static inline void
stderr_capture(const char *tmpl)
{
	int fd;

	snprintf(tf_errpath, sizeof(tf_errpath), "%s", tmpl);
	fd = mkstemp(tf_errpath);
	fflush(stderr);
	tf_saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Restore stderr; what was captured into out (n bytes, a string). */
static inline void
stderr_release(char *out, size_t n)
{
	fflush(stderr);
	dup2(tf_saved, 2);
	close(tf_saved);
	slurp_str(tf_errpath, out, n);
	unlink(tf_errpath);
}

#endif
