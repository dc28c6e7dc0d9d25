/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/record/idkey: one key text for an id, either path. */
#include "tap.h"
#include "record/idkey.h"

/* Key text of the "id" member of line by both paths; 1 when they agree. */
static int
both(const char *line, const char *want)
{
	struct jscan js;
	struct buf a, b;
	json_t *rec = json_loads(line, 0, NULL);
	const struct jscan_member *m;
	int same;

	jscan_init(&js);
	js.nested_ok = true;
	buf_init(&a);
	buf_init(&b);
	idkey_text(&a, json_object_get(rec, "id"));
	same = jscan_object(&js, line, strlen(line)) == JSCAN_OK &&
	       (m = jscan_find(&js, "id", 2)) != NULL;
	if (same && !idkey_scanned(&b, m)) {
		json_t *v =
		    json_loadb(m->val, m->vallen, JSON_DECODE_ANY, NULL);

		idkey_text(&b, v);
		json_decref(v);
	}
	same = same && strcmp(a.data, want) == 0 && strcmp(b.data, want) == 0;
	if (!same)
		printf("#   '%s' / '%s', want '%s'\n", a.data, b.data, want);
	buf_release(&a);
	buf_release(&b);
	jscan_release(&js);
	json_decref(rec);
	return same;
}

int
main(void)
{
	struct buf b;

	ok(both("{\"id\":\"cpu.host1\"}", "cpu.host1"), "a string as is");
	ok(both("{\"id\":\"a\\\"b\\u00e9\"}", "a\"b\xc3\xa9"),
	    "escapes decoded (scanned path declines, then parses)");
	ok(both("{\"id\":\"\"}", ""), "the empty string");
	ok(both("{\"id\":42}", "42") && both("{\"id\":-7}", "-7"), "integers");
	ok(both("{\"id\":-0}", "0"), "-0 as jansson reads it");
	ok(both("{\"id\":1.50}", "1.5") && both("{\"id\":1E2}", "100.0"),
	    "reals in their shortest form, not as written");
	ok(both("{\"id\":0.00001}", "0.00001"), "small reals");
	ok(both("{\"id\":true}", "true") && both("{\"id\":null}", "null"),
	    "literals");
	ok(both("{\"id\":[1, 2]}", "[1,2]"), "an array as compact JSON");
	buf_init(&b);
	idkey_text(&b, NULL);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0',
	    "NULL: nothing, still terminated");
	buf_release(&b);
	return tap_done();
}
