/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Rolling file sink: file:DIR/name-%Y%m%d.ndjson?roll=128M&gzip=1&flush=5.
 */
#ifndef ROLLFILE_H
#define ROLLFILE_H

#include "ad.h"
#include "io.h"
#include "sink.h"

struct sink *rollfile_open(
    const char *spec, const struct io_conf *conf, struct ad_err *err);

#endif
