/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The file backend of struct source: stdin ("-") or a path, plain or
 * gzip (detected from the first bytes), read line by line with a bound
 * on the line length.
 */
#ifndef FILESOURCE_H
#define FILESOURCE_H

#include "base/ad.h"
#include "io/io.h"
#include "io/source.h"

struct source *filesource_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
