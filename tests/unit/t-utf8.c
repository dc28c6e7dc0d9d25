/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/base/utf8: RFC 3629 boundaries. */
#include "tap.h"
#include "base/utf8.h"

#define V(s) utf8_valid(s, sizeof(s) - 1)
#define LEN(s) utf8_seq_len((const unsigned char *)(s), sizeof(s) - 1)

int
main(void)
{
	ok(V("") && V("plain ascii"), "empty and ASCII");
	ok(V("caf\xc3\xa9") && V("\xe2\x82\xac") && V("\xf0\x9f\x98\x80"),
	    "two, three and four bytes");
	ok(LEN("\xc3\xa9") == 2 && LEN("\xe2\x82\xac") == 3 &&
		LEN("\xf4\x8f\xbf\xbf") == 4 && LEN("a") == 1,
	    "sequence lengths");
	ok(!V("a\0b"), "a NUL byte is not valid text");
	ok(LEN("\0") == 1, "but is a sequence of one");
	ok(!V("\xc0\xaf") && !V("\xe0\x80\xaf") && !V("\xf0\x80\x80\xaf"),
	    "overlong forms");
	ok(!V("\xed\xa0\x80") && !V("\xed\xbf\xbf") && V("\xed\x9f\xbf"),
	    "surrogates, and the code point before them");
	ok(!V("\xf4\x90\x80\x80") && !V("\xf5\x80\x80\x80"), "beyond U+10FFFF");
	ok(!V("\xc3") && !V("\xe2\x82") && LEN("\xe2\x82") == 0, "cut short");
	ok(!V("\x80") && !V("\xc3\x28"), "stray and missing continuations");
	return tap_done();
}
