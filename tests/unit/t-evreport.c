/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/evreport: the names of the series report, null
 * for numbers that do not exist, and the indented text meaning the same
 * as the compact one (strings with braces, commas and escapes included).
 */
#include <stdlib.h>
#include <string.h>

#include "eval/evreport.h"
#include "io/ndjson.h"
#include "tap.h"

int
main(void)
{
	struct windows ws;
	struct window *w = malloc(sizeof(*w));
	struct nab *nb;
	json_t *rep, *back, *odd;
	struct buf a, b;

	memset(&ws, 0, sizeof(ws));
	*w = (struct window){5, 9, 1};
	ws.keys = calloc(1, sizeof(*ws.keys));
	ws.keys[0] = (struct windows_key){strdup("k"), 1, w, 1, 1};
	ws.n = 1;
	nb = nab_new(&ws);
	for (int i = 0; i < 20; i++)
		nab_add(nb, 0, i, i == 6 ? 1 : 0);
	nab_finish(nb);
	rep = evreport_nab(nb, &ws, true, 0);
	ok(json_is_real(json_object_get(
	       json_object_get(json_object_get(rep, "nab"), "standard"),
	       "score")),
	    "nab.standard.score");
	ok(json_object_get(json_object_get(rep, "nab"), "reward_low_FP_rate") &&
		json_object_get(
		    json_object_get(rep, "nab"), "reward_low_FN_rate"),
	    "the three profiles");
	ok(json_integer_value(json_object_get(
	       json_object_get(json_object_get(rep, "keys"), "k"), "found")) ==
		1,
	    "keys.k.found");
	ok(json_is_null(evreport_real(NAN)) &&
		json_is_null(evreport_real(INFINITY)),
	    "NaN and infinity are null");

	odd = json_pack("{s:s, s:[], s:{}, s:[i,{s:s}], s:[s,i]}", "a",
	    "{x:[1,2]}\"\\", "e", "o", "n", 1, "q", "\"},", "f", "a,]\\\"b", 2);
	json_object_set_new(rep, "odd", odd);
	buf_init(&a);
	buf_init(&b);
	evreport_text(&a, rep, false);
	evreport_text(&b, rep, true);
	ok(memchr(a.data, '\n', a.len) == a.data + a.len - 1,
	    "compact: one line");
	back = json_loadb(b.data, b.len, 0, NULL);
	ok(back != NULL && json_equal(back, rep), "indented: the same JSON");
	ok(strstr(b.data, "\n  \"nab\": {\n    \"standard\": {") != NULL,
	    "indented two spaces a level");
	ok(strstr(b.data, "\"e\": []") != NULL, "empty array kept short");
	json_decref(back);
	json_decref(rep);
	buf_release(&a);
	buf_release(&b);
	nab_free(nb);
	windows_release(&ws);
	return tap_done();
}
