/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Fast shortest round-trip formatting of doubles for JSON output.
 */
#ifndef DTOA_H
#define DTOA_H

#include <stddef.h>

#define DTOA_BUFSIZE 32

size_t dtoa_json(double v, char *out);

#endif
