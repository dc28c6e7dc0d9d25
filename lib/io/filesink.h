/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The file backend of struct sink: stdout ("-" or NULL) or a path,
 * created or truncated, one record per line.
 */
#ifndef FILESINK_H
#define FILESINK_H

#include "base/ad.h"
#include "io/io.h"
#include "io/sink.h"

struct sink *filesink_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
