/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * UTF-8 validation as RFC 3629 defines it (shortest form, no surrogates,
 * nothing above U+10FFFF): the one check behind jscan's strings and the
 * KDD CSV reader's fields.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stdbool.h>
#include <stddef.h>

size_t utf8_seq_len(const unsigned char *p, size_t n);
bool utf8_valid(const char *s, size_t n);

#endif
