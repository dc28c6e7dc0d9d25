/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Opening a source or sink from what the user typed: the one table of
 * schemes ("kafka://...", "file:..." for a rolling file, and "-" or a
 * path) and the backend each gets.  This module sits above every
 * backend, and no backend includes it.
 *
 * The two functions are named after the objects they create, not after
 * this file: sink_open() pairs with sink_close() and source_open() with
 * source_close(), while the objects (sink.h, source.h) stay below the
 * backends that implement them.
 */
#ifndef ENDPOINT_H
#define ENDPOINT_H

#include "base/ad.h"
#include "io/io.h"
#include "io/sink.h"
#include "io/source.h"

struct source *source_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);
struct sink *sink_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
