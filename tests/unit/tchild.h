/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Code that may exit, run in a child process with its stdout and stderr
 * in files, for the option-parsing unit tests.
 */
#ifndef TCHILD_H
#define TCHILD_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tfiles.h"

/*
 * The paths that exit leave opt_parse()'s getopt tables allocated, which
 * LeakSanitizer reports (exit 23) now and then: not counted in children.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#else
#define LSAN_OFF() ((void)0)
#endif

/*
 * Run fn(arg) in a child, stdout and stderr in files under dir; a fn
 * that returns prints "returned N" and exits 99.  The child's exit
 * status (128 + signal if killed), its stdout into out (outn bytes) and
 * its stderr into err (errn bytes).
 */
static inline int
run_child(const char *dir, int (*fn)(void *), void *arg, char *out, size_t outn,
    char *err, size_t errn)
{
	char op[300], ep[300];
	pid_t pid;
	int st;

	snprintf(op, sizeof(op), "%s/stdout", dir);
	snprintf(ep, sizeof(ep), "%s/stderr", dir);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		int fo = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		LSAN_OFF();
		dup2(fo, 1);
		dup2(fe, 2);
		close(fo);
		close(fe);
		printf("returned %d\n", fn(arg));
		fflush(stdout);
		_exit(99);
	}
	waitpid(pid, &st, 0);
	slurp_str(op, out, outn);
	slurp_str(ep, err, errn);
	unlink(op);
	unlink(ep);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
