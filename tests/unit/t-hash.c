/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/base/hash: FNV-1a against the published vectors. */
#include "tap.h"
#include "base/hash.h"

int
main(void)
{
	ok(hash_fnv1a("", 0) == 0xcbf29ce484222325ULL, "empty input: offset");
	ok(hash_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL, "fnv1a64(\"a\")");
	ok(hash_fnv1a("foobar", 6) == 0x85944171f73967e8ULL,
	    "fnv1a64(\"foobar\")");
	ok(hash_fnv1a_str("foobar") == hash_fnv1a("foobar", 6),
	    "string form equals byte form");
	ok(hash_fnv1a_str("") == HASH_FNV1A_INIT, "empty string");
	ok(hash_fnv1a_more(hash_fnv1a("foo", 3), "bar", 3) ==
		hash_fnv1a("foobar", 6),
	    "hashing continues across calls");
	ok(hash_fnv1a("a\0b", 3) != hash_fnv1a("a", 1),
	    "NUL bytes count in the byte form");
	ok((uint32_t)hash_fnv1a("a", 1) == 0x8601ec8cU,
	    "32-bit users truncate");
	return tap_done();
}
