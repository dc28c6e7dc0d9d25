/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The one string hash of the library: 64-bit FNV-1a (Fowler, Noll, Vo),
 * for the in-memory hash tables (keymap, jscan's duplicate-key check,
 * schema and featset lookups, forest's row packing).  No hash value is
 * stored in a file or feeds a random choice, so callers may truncate it to
 * 32 bits.  Inline: it runs once for every key of every record.
 */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_INIT 0xcbf29ce484222325ULL
#define HASH_FNV1A_PRIME 0x100000001b3ULL

/*
 * Go on hashing n bytes at p from the state h (HASH_FNV1A_INIT to start,
 * or a value earlier calls returned): hash_fnv1a_more(hash_fnv1a(a, n),
 * b, m) is the hash of a and b concatenated.
 */
static inline uint64_t
hash_fnv1a_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * HASH_FNV1A_PRIME;
	return h;
}

/* 64-bit FNV-1a of the n bytes at p (n == 0: HASH_FNV1A_INIT). */
static inline uint64_t
hash_fnv1a(const void *p, size_t n)
{
	return hash_fnv1a_more(HASH_FNV1A_INIT, p, n);
}

/* 64-bit FNV-1a of the NUL-terminated string s, without the NUL. */
static inline uint64_t
hash_fnv1a_str(const char *s)
{
	uint64_t h = HASH_FNV1A_INIT;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * HASH_FNV1A_PRIME;
	return h;
}

#endif
