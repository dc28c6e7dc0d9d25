/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Whole files written atomically: the bytes go to a temporary file in the
 * same directory, which is synced and renamed over the path (and the
 * directory synced), so that a reader sees the old file or the new one,
 * never half of one.  Model files and state files are written this way.
 */
#ifndef ATOMICFILE_H
#define ATOMICFILE_H

#include <stddef.h>

#include "base/ad.h"

/* One piece of the file's content. */
struct atomicfile_part {
	const void *data;
	size_t len;
};

int atomicfile_write(const char *path, const struct atomicfile_part *parts,
    size_t nparts, struct ad_err *err);

#endif
