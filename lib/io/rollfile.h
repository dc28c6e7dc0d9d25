/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The rolling-file backend of struct sink, for
 * file:DIR/name-%Y%m%d.ndjson?roll=128M&gzip=1&flush=5 (lib/io/endpoint
 * strips the "file:" and hands over the rest).
 */
#ifndef ROLLFILE_H
#define ROLLFILE_H

#include "base/ad.h"
#include "io/io.h"
#include "io/sink.h"

struct sink *rollfile_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
