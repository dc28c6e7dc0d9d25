/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/evrec: the fields of flat records (fast path)
 * and of nested or spaced ones (jansson), with the same results, and the
 * reasons for records that cannot be used.
 */
#include <string.h>

#include "eval/evrec.h"
#include "tap.h"

static int
parse(struct evrec_parser *pp, const char *line, struct evrec *r, char *why)
{
	return evrec_parse(pp, line, strlen(line), r, why, 300);
}

int
main(void)
{
	struct evrec_conf c = {"id", "ts", "score", "label", "class"};
	struct evrec_parser pp;
	struct evrec r;
	char why[300];
	const char *lines[] = {
	    "{\"id\":\"a/b.csv\",\"ts\":\"2014-04-10 07:15:00\",\"score\":0.25,"
	    "\"label\":\"smurf.\",\"class\":\"dos\"}",
	    "{ \"id\": \"a/b.csv\", \"ts\": \"2014-04-10T07:15:00Z\", "
	    "\"score\": 2.5e-1, \"label\": \"smurf.\", \"class\": \"dos\", "
	    "\"x\": [1] }",
	    "{\"id\":\"a\\/b.csv\",\"ts\":1397114100,\"score\":0.25,"
	    "\"label\":\"smurf.\",\"class\":\"dos\"}",
	};

	evrec_parser_init(&pp, &c);
	for (int i = 0; i < 3; i++) {
		ok(parse(&pp, lines[i], &r, why) == 0, "line %d parses", i);
		ok(r.keylen == 7 && strcmp(r.key, "a/b.csv") == 0 &&
			r.t_ms == 1397114100000LL && r.score == 0.25 &&
			strcmp(r.truth, "smurf.") == 0 &&
			strcmp(r.cls, "dos") == 0,
		    "line %d: the same fields", i);
	}
	ok(parse(&pp,
	       "{\"id\":7,\"ts\":1397114100000,\"score\":1,\"label\":true,"
	       "\"class\":1.50}",
	       &r, why) == 0 &&
		strcmp(r.key, "7") == 0 && r.t_ms == 1397114100000LL &&
		strcmp(r.truth, "true") == 0 && strcmp(r.cls, "1.5") == 0,
	    "non-string values by the id rule; epoch ms");
	ok(parse(&pp, "{\"id\":\"a\",\"ts\":1,\"label\":0,\"class\":0}", &r,
	       why) < 0,
	    "no score");
	is_str(why, "missing field 'score'", "says which");
	ok(parse(&pp,
	       "{\"id\":\"a\",\"ts\":1,\"score\":null,\"label\":0,\"class\":0}",
	       &r, why) < 0,
	    "null score");
	is_str(why, "field 'score' is null, not a number", "says why");
	ok(parse(&pp,
	       "{\"id\":\"a\",\"ts\":\"then\",\"score\":1,\"label\":0,"
	       "\"class\":0}",
	       &r, why) < 0,
	    "bad time");
	is_str(why, "'then' is not a time", "says why");
	ok(parse(&pp,
	       "{\"id\":[1],\"ts\":1,\"score\":1,\"label\":0,\"class\":0}", &r,
	       why) < 0,
	    "array id");
	is_str(why, "field 'id' is an object or array", "says why");
	ok(parse(&pp, "[1]", &r, why) < 0, "not an object");
	ok(parse(&pp, "{\"id\":\"a\",\"ts\":1,\"score\":1e999}", &r, why) < 0,
	    "overflowing score refused");
	evrec_parser_release(&pp);
	return tap_done();
}
