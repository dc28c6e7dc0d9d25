/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Well-formed UTF-8 (RFC 3629, table 3-7 of the Unicode standard): a lead
 * byte C2..F4 followed by the right number of continuation bytes, the
 * code point in the shortest form, not a surrogate and at most U+10FFFF.
 */
#include "base/utf8.h"

/*
 * Length (1 to 4) of the UTF-8 sequence at p, of which n > 0 bytes may be
 * read, when it is well formed; 0 when it is not or is cut short.  Any
 * byte below 0x80, NUL included, is a sequence of one.
 */
size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

/* Whether the n bytes at s are well-formed UTF-8 without a NUL byte. */
bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t len;

		if (p[i] == 0 || (len = utf8_seq_len(p + i, n - i)) == 0)
			return false;
		i += len;
	}
	return true;
}
