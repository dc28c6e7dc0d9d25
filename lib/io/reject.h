/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rejected input: the one policy for bad records (DESIGN.md).  Each is
 * reported through the caller's warn hook (the program prints it as
 * "prog: source:line: reason"), counted, and copied as read to the
 * dead-letter file (--reject) so that nothing is lost; with strict the
 * caller stops at the first.  This module prints nothing itself.
 */
#ifndef REJECT_H
#define REJECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/ad.h"
#include "base/buf.h"

struct reject {
	int fd; /* dead-letter file, or -1 */
	char *path;
	bool strict;
	size_t count;
	bool failed;  /* writing the dead-letter file failed */
	int errnum;   /* why, when it failed */
	struct buf b; /* lines not written yet */
	/* io_conf's warn hook: each reason and write error; NULL: silent */
	void (*warn)(
	    const char *file, size_t line, const char *fmt, va_list ap);
};

int reject_init(struct reject *rj, const char *path, bool strict,
    void (*warn)(const char *file, size_t line, const char *fmt, va_list ap),
    struct ad_err *err);
int reject_line(struct reject *rj, const char *source, size_t lineno,
    const char *raw, size_t rawlen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int reject_vline(struct reject *rj, const char *source, size_t lineno,
    const char *raw, size_t rawlen, const char *fmt, va_list ap);
int reject_flush(struct reject *rj, struct ad_err *err);
void reject_release(struct reject *rj);

#endif
