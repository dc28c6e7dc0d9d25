/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Opening a --state file to load it: the file a program saves its keys
 * to (lib/io/atomicfile) and reads back at its next start.  A missing
 * file is no state, and so is one that is not a regular file (a device
 * or a FIFO, which the program writes into): reading /dev/zero would
 * never end and a FIFO would wait for a writer.  A directory is refused.
 */
#ifndef STATEFILE_H
#define STATEFILE_H

#include <stdio.h>

#include "base/ad.h"

FILE *statefile_open(const char *path, struct ad_err *err);

#endif
