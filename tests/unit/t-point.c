/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/point: id, time and value fields of NDJSON lines on
 * both the fast (compact) and the jansson path, times as epoch seconds,
 * epoch milliseconds and ISO 8601, the record text kept without its '}',
 * and the rejections (missing, mistyped, null gap) with their reasons.
 */
#include <string.h>

#include "series/point.h"
#include "tap.h"

/*
 * A check that exposes a known, reported bug: "ok N # SKIP TODO ..." while
 * the bug is there (so that make check stays green), a plain ok after.
 */
static struct point_parser pp;
static struct point p;
static char why[256];

static int
parse(const char *line)
{
	why[0] = '\0';
	return point_parse(&pp, line, strlen(line), &p, why, sizeof(why));
}

static int
text_is(const char *want)
{
	return p.textlen == strlen(want) &&
	       memcmp(p.text, want, p.textlen) == 0;
}

int
main(void)
{
	struct point_conf c = {.id_field = "id",
	    .time_field = "ts",
	    .fields = {"value"},
	    .nfields = 1,
	    .need_time = true};
	struct point_conf two = {.id_field = NULL,
	    .time_field = "t",
	    .fields = {"temp", "hum"},
	    .nfields = 2,
	    .need_time = false};

	point_parser_init(&pp, &c);

	/* Fast path, epoch ms. */
	ok(parse(
	       "{\"id\":\"cpu.host1\",\"ts\":1700000000000,\"value\":0.42}") ==
		1,
	    "compact point is good");
	ok(p.has_id && strcmp(p.key, "cpu.host1") == 0 && p.keylen == 9,
	    "key is the id string's characters");
	ok(p.has_time && p.t_ms == 1700000000000 &&
		p.form.kind == TIME_EPOCH_MS,
	    "13-digit integer: epoch ms");
	ok(p.has_field[0] && p.v[0] == 0.42 && !p.is_null[0], "value 0.42");
	ok(text_is("{\"id\":\"cpu.host1\",\"ts\":1700000000000,\"value\":0.42"),
	    "text is the line without its '}'");
	ok(!p.empty && !point_is_gap(&p), "not empty, not a gap");

	/* Epoch seconds, and the ms/s boundary after the year 9999. */
	ok(parse("{\"id\":\"a\",\"ts\":1700000000,\"value\":1}") == 1 &&
		p.t_ms == 1700000000000 && p.form.kind == TIME_EPOCH_S,
	    "10-digit integer: epoch s, times 1000");
	ok(parse("{\"id\":\"a\",\"ts\":99999999999,\"value\":1}") == 1 &&
		p.t_ms == 99999999999000 && p.form.kind == TIME_EPOCH_S,
	    "99999999999 is still seconds");
	ok(parse("{\"id\":\"a\",\"ts\":253402300799,\"value\":1}") == 1 &&
		p.t_ms == 253402300799000 && p.form.kind == TIME_EPOCH_S,
	    "253402300799 (9999-12-31T23:59:59Z) is seconds");
	ok(parse("{\"id\":\"a\",\"ts\":253402300800,\"value\":1}") == 1 &&
		p.t_ms == 253402300800 && p.form.kind == TIME_EPOCH_MS,
	    "253402300800 is milliseconds");
	ok(parse("{\"id\":\"a\",\"ts\":9223372036854775807,\"value\":1}") ==
		    0 &&
		strstr(why, "time out of range") != NULL,
	    "INT64_MAX ms: out of range (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":0,\"value\":1}") == 1 && p.t_ms == 0,
	    "time 0");
	ok(parse("{\"id\":\"a\",\"ts\":-5,\"value\":1}") == 1 &&
		p.t_ms == -5000,
	    "negative epoch seconds");
	ok(parse("{\"id\":\"a\",\"ts\":1700000000.25,\"value\":1}") == 1 &&
		p.t_ms == 1700000000250 && p.form.kind == TIME_EPOCH_S &&
		p.form.real,
	    "real epoch seconds keep their milliseconds");

	/* ISO 8601. */
	ok(parse(
	       "{\"id\":\"a\",\"ts\":\"2023-11-14T22:13:20Z\",\"value\":1}") ==
		    1 &&
		p.t_ms == 1700000000000 && p.form.kind == TIME_ISO &&
		p.form.zulu,
	    "ISO 8601 UTC: 2023-11-14T22:13:20Z = 1700000000 s");
	ok(parse("{\"id\":\"a\",\"ts\":\"2023-11-15T00:13:20.250+02:00\","
		 "\"value\":1}") == 1 &&
		p.t_ms == 1700000000250 && p.form.offset_min == 120 &&
		p.form.frac == 3,
	    "ISO 8601 with +02:00 and milliseconds");
	ok(parse("{\"id\":\"a\",\"ts\":\"2023-11-14T17:13:20-05:00\","
		 "\"value\":1}") == 1 &&
		p.t_ms == 1700000000000 && p.form.offset_min == -300,
	    "ISO 8601 with -05:00");

	/* The jansson path (a blank) gives the same point. */
	ok(parse(
	       "{\"id\": \"cpu.host1\", \"ts\": 1700000000, \"value\": 2.5}") ==
		    1 &&
		strcmp(p.key, "cpu.host1") == 0 && p.t_ms == 1700000000000 &&
		p.form.kind == TIME_EPOCH_S && p.v[0] == 2.5,
	    "with blanks: same key, time and value");
	ok(text_is("{\"id\":\"cpu.host1\",\"ts\":1700000000,\"value\":2.5"),
	    "with blanks: text re-dumped compactly, order kept");
	ok(parse("{\"id\": \"a\", \"ts\": \"2023-11-14T22:13:20Z\", "
		 "\"value\": 1}") == 1 &&
		p.t_ms == 1700000000000 && p.form.kind == TIME_ISO,
	    "with blanks: ISO time");
	ok(parse("{\"id\":\"caf\xc3\xa9\",\"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "caf\xc3\xa9") == 0 && p.t_ms == 1000,
	    "non-ASCII id via jansson");
	ok(parse("{\"id\":\"a\\\"b\",\"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "a\"b") == 0,
	    "escaped id is unescaped");
	ok(parse("{\"id\":\"\\u00e9\",\"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "\xc3\xa9") == 0,
	    "\\u escape in the id decoded to UTF-8");

	/* Non-string ids: the JSON text is the key. */
	ok(parse("{\"id\":42,\"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "42") == 0 && p.has_id,
	    "integer id: key '42'");
	known_bug(parse("{\"id\":1.50,\"ts\":1,\"value\":3}") == 1 &&
		      strcmp(p.key, "1.5") == 0,
	    "compact line keeps key '1.50', with a blank it is '1.5'",
	    "real id 1.50: key '1.5' as on the jansson path (got '%s')", p.key);
	ok(parse("{\"id\": 1.50, \"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "1.5") == 0,
	    "real id 1.50 via jansson: key '1.5' (got '%s')", p.key);
	ok(parse("{\"id\":true,\"ts\":1,\"value\":3}") == 1 &&
		strcmp(p.key, "true") == 0,
	    "boolean id: key 'true'");
	ok(parse("{\"id\":null,\"ts\":1,\"value\":3}") == 1 && !p.has_id &&
		strcmp(p.key, "") == 0,
	    "null id: no id");
	ok(parse("{\"ts\":1,\"value\":3}") == 1 && !p.has_id &&
		strcmp(p.key, "") == 0,
	    "missing id: one series, key ''");

	/* Rejections, with reasons. */
	ok(parse("{\"id\":\"a\",\"value\":1}") == 0 &&
		strcmp(p.key, "a") == 0 &&
		strcmp(why, "missing time field 'ts'") == 0,
	    "missing time: 0, key known, reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1}") == 0 &&
		strcmp(why, "missing field 'value'") == 0,
	    "missing value: reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":\"0.5\"}") == 0 &&
		strcmp(why, "field 'value' is a string, not a number") == 0 &&
		!point_is_gap(&p),
	    "string value: reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":false}") == 0 &&
		strcmp(why, "field 'value' is a boolean, not a number") == 0,
	    "boolean value: reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":[1]}") == 0 &&
		strcmp(why, "field 'value' is an object or array, not a "
			    "number") == 0,
	    "array value: reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":null}") == 0 &&
		strcmp(why, "field 'value' is null, not a number (a gap or "
			    "NaN)") == 0 &&
		point_is_gap(&p) && p.is_null[0] && p.has_field[0] &&
		p.t_ms == 1000 && strcmp(p.key, "a") == 0,
	    "null value: a gap, with key and time known (%s)", why);
	ok(parse("{\"id\": \"a\", \"ts\": 1, \"value\": null}") == 0 &&
		point_is_gap(&p),
	    "null value on the jansson path: a gap");
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":1e999}") == -1 &&
		strstr(why, "overflow") != NULL,
	    "1e999 overflows: rejected as bad JSON (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":\"yesterday\",\"value\":1}") == 0 &&
		strcmp(why, "'yesterday' is not a time") == 0,
	    "bad time text: reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":true,\"value\":1}") == 0 &&
		strstr(why, "expected a time") != NULL,
	    "boolean time: reason (%s)", why);
	ok(parse(
	       "{\"id\":\"a\",\"ts\":\"2023-13-01T00:00:00Z\",\"value\":1}") ==
		0,
	    "month 13 is not a time");
	ok(parse("not json") == -1 && why[0] != '\0',
	    "not JSON: -1 with a reason (%s)", why);
	ok(parse("[1,2]") == -1 && why[0] != '\0',
	    "an array: -1 with a reason (%s)", why);
	ok(parse("{\"id\":\"a\",\"ts\":1,\"value\":1") == -1,
	    "truncated object: -1");
	ok(parse("") == -1, "empty line: -1");

	/* Empty object, value fields beyond the first, no time required. */
	point_parser_release(&pp);
	point_parser_init(&pp, &two);
	ok(parse("{\"temp\":21.5,\"hum\":40}") == 1 && !p.has_time &&
		!p.has_id && p.v[0] == 21.5 && p.v[1] == 40,
	    "two fields, no time needed, no id field");
	ok(parse("{\"temp\":21.5}") == 0 &&
		strcmp(why, "missing field 'hum'") == 0,
	    "second field missing: reason (%s)", why);
	ok(parse("{\"temp\":1,\"hum\":null}") == 0 && point_is_gap(&p) &&
		p.is_null[1] && !p.is_null[0],
	    "null in the second field: a gap there");
	ok(parse("{\"t\":\"2026-01-01T00:00:00Z\",\"temp\":-1e-3,\"hum\":0}") ==
		    1 &&
		p.has_time && p.t_ms == 1767225600000 && p.v[0] == -0.001,
	    "2026-01-01T00:00:00Z = 1767225600000 ms");
	point_parser_release(&pp);
	two.nfields = 0;
	point_parser_init(&pp, &two);
	ok(parse("{}") == 1 && p.empty && p.textlen == 1 && p.text[0] == '{',
	    "{} with no fields: good, empty, text '{'");
	ok(parse("{ }") == 1 && p.empty && p.textlen == 1,
	    "{ } via jansson: also empty");
	point_parser_release(&pp);
	return tap_done();
}
