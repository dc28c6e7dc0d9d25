/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The model file container shared by every model kind (forest, lstm,
 * ...): a header naming the container version and the model kind, the
 * payload, and a CRC-32 of all of it.  Files are written atomically
 * (temporary file, fsync, rename), so a reader never sees half a model.
 *
 * Layout (integers little-endian):
 *   0  8 bytes  magic "ADPIPEMF"
 *   8  u32      container version (MODELFILE_VERSION)
 *  12  16 bytes kind, NUL-padded ("forest", "lstm")
 *  28  u64      payload length N
 *  36  N bytes  payload
 *  36+N u32     CRC-32 (zlib) of bytes 0 .. 36+N-1
 */
#ifndef MODELFILE_H
#define MODELFILE_H

#include <stddef.h>

#include "base/ad.h"

#define MODELFILE_VERSION 1
#define MODELFILE_HEADER 36
/* The largest payload read: 4 GiB, far beyond any model written here. */
#define MODELFILE_MAX_PAYLOAD (4ULL << 30)

int modelfile_write(const char *path, const char *kind, const void *payload,
    size_t len, struct ad_err *err);
void *modelfile_read(
    const char *path, const char *kind, size_t *len, struct ad_err *err);
void *modelfile_parse(const void *data, size_t size, const char *name,
    const char *kind, size_t *len, struct ad_err *err);

#endif
