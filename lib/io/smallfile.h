/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Small side files that an option names (-F properties, --classes,
 * --costs, --windows), read whole before the records.  Unlike an input
 * operand, such a file is never waited on or read without end: the open
 * does not wait for a FIFO's writer (one with none reads as empty), a
 * directory is "cannot open", and more than a bound (/dev/zero) is
 * refused.
 */
#ifndef SMALLFILE_H
#define SMALLFILE_H

#include <stddef.h>

#include "base/ad.h"
#include "io/source.h"

#define SMALLFILE_MAX ((size_t)64 << 20) /* windows of many keys */

/*
 * The bytes of the file at path, NUL-terminated (caller frees), with *len
 * set; or NULL with err set: EX_NOINPUT when it cannot be opened or is a
 * directory, EX_IOERR when reading fails, EX_DATAERR when it holds more
 * than max bytes ("'path': over max bytes, not a <what>").
 */
char *smallfile_read(const char *path, size_t max, const char *what,
    size_t *len, struct ad_err *err);

/*
 * The lines of text (len bytes, taken: the source frees it) as a source
 * named name, for a parser that reads sources (csvin).
 */
struct source *smallfile_source(const char *name, char *text, size_t len);

#endif
