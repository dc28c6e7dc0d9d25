/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Large arrays that grow: small ones from malloc(), from BIGALLOC_MIN
 * (256 KiB) on from mmap() in multiples of BIGALLOC_HUGE (2 MiB) on 2 MiB
 * boundaries, advised as transparent huge pages and grown with mremap(),
 * which moves page tables, not bytes.  On a virtual machine a page fault
 * costs microseconds, so an array of a few megabytes filled in 4 KiB
 * pages costs more in faults than in the work that fills it; in 2 MiB
 * pages it takes a fault per 2 MiB, and zeroing 2 MiB costs about what
 * 64 faults do, hence the 256 KiB.  The caller keeps the size (in bytes)
 * it asked for and passes it back.  Under AddressSanitizer every array
 * comes from malloc(), so that it is checked.
 */
#ifndef BIGALLOC_H
#define BIGALLOC_H

#include <stddef.h>

#define BIGALLOC_MIN ((size_t)256 << 10)
#define BIGALLOC_HUGE ((size_t)2 << 20)

void *bigalloc_resize(void *p, size_t old, size_t size);
void *bigalloc_array(void *p, size_t oldn, size_t n, size_t elsize);
void bigalloc_free(void *p, size_t size);

#endif
