/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/windows: NAB's format read (times, escapes,
 * empty lists, any key order), lookups, and each fault named at its line.
 */
#include <stdlib.h>
#include <string.h>

#include "eval/windows.h"
#include "tap.h"

/* Parse text; on failure "line: message" into why. */
static int
parse(struct windows *ws, const char *text, char *why, size_t n)
{
	struct ad_err e;
	int rc;

	ad_err_clear(&e);
	rc = windows_parse(ws, text, strlen(text), "w.json", &e);
	if (rc < 0)
		snprintf(why, n, "%zu: %s (%d)", e.line, e.msg, e.status);
	return rc;
}

static void
bad(const char *text, const char *want, const char *name)
{
	struct windows ws;
	char why[600] = "";

	ok(parse(&ws, text, why, sizeof(why)) < 0, "%s: refused", name);
	is_str(why, want, "%s: message", name);
	ok(ws.n == 0 && ws.keys == NULL, "%s: nothing kept", name);
	windows_release(&ws);
}

int
main(void)
{
	struct windows ws;
	char why[600] = "";
	long k;

	ok(parse(&ws,
	       "{\n \"b/x.csv\": [\n  [\n   \"2014-04-10 07:15:00.000000\",\n"
	       "   \"2014-04-11 16:45:00.000000\"\n  ],\n"
	       "  [\"2014-04-12T00:00:00Z\", \"2014-04-12 00:00:00\"]\n ],\n"
	       " \"a/\\u00e9\\/y.csv\": [],\n"
	       " \"c.csv\": [[1397000000, 1397000060000]]\n}\n",
	       why, sizeof(why)) == 0,
	    "NAB's layout parses");
	ok(ws.n == 3 && ws.nwindows == 3, "3 keys, 3 windows");
	is_str(
	    ws.keys[0].key, "a/\xc3\xa9/y.csv", "escapes undone, keys sorted");
	k = windows_find(&ws, "b/x.csv", 7);
	ok(k == 1 && ws.keys[k].n == 2, "lookup finds b/x.csv");
	ok(ws.keys[1].w[0].from == 1397114100000LL &&
		ws.keys[1].w[0].to == 1397234700000LL,
	    "ISO times without zone are UTC, fraction read");
	ok(ws.keys[1].w[0].line == 3 && ws.keys[1].w[1].line == 7,
	    "each window knows its line");
	ok(ws.keys[1].w[1].from == ws.keys[1].w[1].to,
	    "a one-instant window is allowed");
	ok(ws.keys[2].w[0].from == 1397000000000LL &&
		ws.keys[2].w[0].to == 1397000060000LL,
	    "epoch seconds and milliseconds");
	ok(windows_find(&ws, "b/x.cs", 6) == -1 &&
		windows_find(&ws, "zzz", 3) == -1,
	    "unknown keys are not found");
	windows_release(&ws);

	ok(parse(&ws, "{}", why, sizeof(why)) == 0 && ws.n == 0,
	    "an empty object is no keys");
	windows_release(&ws);

	bad("",
	    "1: expected '{': a windows file is one JSON object (end of "
	    "file) (65)",
	    "empty file");
	bad("[]", "1: expected '{': a windows file is one JSON object (65)",
	    "an array");
	bad("{\"a\": [[\"2020-01-01 00:10\", \"2020-01-01 00:05\"]]}",
	    "1: 'a': window ends before it starts (65)", "backwards");
	bad("{\n\"a\": [[\"2020-01-01 00:10\",\n\"2020-01-01 00:20\"],\n"
	    "[\"2020-01-01 00:20\", \"2020-01-01 00:30\"]]}",
	    "4: 'a': windows overlap or are not in time order (65)",
	    "touching windows");
	bad("{\"a\": [[\"2020-01-01 00:10\"]]}",
	    "1: expected ',' (a window: [start, end]) (65)", "one time");
	bad("{\"a\": [[\"2020-01-01 00:10\", \"2020-01-01 00:20\", 3]]}",
	    "1: expected ']' (a window has two times) (65)", "three times");
	bad("{\"a\": [[true, 1]]}",
	    "1: expected a time (a string or a number) (65)", "a boolean");
	bad("{\"a\": [[\"noon\", 1]]}", "1: 'noon' is not a time (65)",
	    "a word");
	bad("{\"a\": [[1e400, 1]]}", "1: '1e400' is not a time (65)",
	    "a huge number");
	bad("{\"a\": [],\n\n\"a\": []}", "3: key 'a' given twice (65)",
	    "a key twice");
	bad("{\"a\": []} x", "1: text after the JSON object (65)",
	    "trailing text");
	bad("{\"a\": [], }", "1: expected a string (65)", "trailing comma");
	bad("{\"a\n\": []}", "1: control character in a string (65)",
	    "newline in a key");
	bad("{\"\\ud800\": []}", "1: lone surrogate (65)", "lone surrogate");
	bad("{\"\\u0000\": []}", "1: \\u0000 in a string (65)", "NUL");
	bad("{\"\xff\": []}", "1: invalid UTF-8 (65)", "bad UTF-8");
	bad("{\"a\": [[\"2020-01-01 00:10\", ",
	    "1: expected a time (a string "
	    "or a number) (end of file) (65)",
	    "cut short");

	{
		struct ad_err e;

		ad_err_clear(&e);
		ok(windows_load(&ws, "/nonexistent/w.json", &e) < 0 &&
			e.status == EX_NOINPUT,
		    "a missing file is EX_NOINPUT");
		windows_release(&ws);
	}
	return tap_done();
}
