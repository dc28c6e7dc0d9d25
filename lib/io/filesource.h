/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The file backend of struct source: stdin ("-") or a path, plain or
 * gzip (detected from the first bytes), read line by line with a bound
 * on the line length.  A gzip member's lines come once its trailer has
 * been checked; its inflated bytes are held in memory up to
 * FILESOURCE_HOLD_MAX bytes, beyond that in a temporary file in $TMPDIR.
 */
#ifndef FILESOURCE_H
#define FILESOURCE_H

#include "base/ad.h"
#include "io/io.h"
#include "io/source.h"

#define FILESOURCE_HOLD_MAX (8 << 20)

struct source *filesource_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
