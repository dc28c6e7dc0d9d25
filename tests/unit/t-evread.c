/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/evread: the scanner path and the jansson path read
 * the same events; missing and mistyped fields are refused with reasons.
 */
#include <stdio.h>
#include <string.h>

#include "alert/evread.h"
#include "tap.h"

static struct evread rd;
static struct evorder_event ev;
static char key[64], why[300];

static int
rd_line(const char *s)
{
	why[0] = '\0';
	return evread_line(
	    &rd, s, strlen(s), &ev, key, sizeof(key), why, sizeof(why));
}

int
main(void)
{
	struct evread_conf c = {.time = "ts",
	    .id = "id",
	    .when = "anomaly",
	    .field = "value",
	    .need_flag = true,
	    .need_value = true};
	struct evorder_event fast;

	evread_init(&rd, &c);
	ok(rd_line("{\"id\":\"cpu\",\"ts\":1700000000,\"anomaly\":true,"
		   "\"value\":0.5}") == 0,
	    "flat record");
	fast = ev;
	is_str(key, "cpu", "key");
	ok(ev.ts == 1700000000000LL && ev.form.kind == TIME_EPOCH_S,
	    "epoch seconds");
	ok(ev.flag && ev.has_value && ev.value == 0.5, "flag and value");
	/* a nested member sends the line through jansson */
	ok(rd_line("{\"id\":\"cpu\",\"ts\":1700000000,\"anomaly\":true,"
		   "\"value\":0.5,\"tags\":{\"a\":[1,2]}}") == 0,
	    "nested record");
	ok(ev.ts == fast.ts && ev.flag == fast.flag && ev.value == fast.value &&
		strcmp(key, "cpu") == 0,
	    "both paths read the same event");
	ok(rd_line("{\"id\":\"a\\\"b\",\"ts\":\"2026-11-21T10:00:00.5+01:00\","
		   "\"anomaly\":0,\"value\":-3}") == 0,
	    "escaped id, ISO time with offset");
	is_str(key, "a\"b", "escaped key unescaped");
	ok(ev.ts == 1795251600500LL && ev.form.kind == TIME_ISO &&
		ev.form.offset_min == 60 && ev.form.frac == 1,
	    "ISO time and its form");
	ok(!ev.flag && ev.value == -3, "numeric flag 0 is false");
	ok(rd_line("{\"id\":7,\"ts\":1700000000000,\"anomaly\":false,"
		   "\"value\":1e3}") == 0 &&
		strcmp(key, "7") == 0 && ev.form.kind == TIME_EPOCH_MS &&
		ev.value == 1000,
	    "integer id, epoch ms, exponent");
	ok(rd_line("{\"ts\":1,\"anomaly\":true,\"value\":1}") == 0 &&
		key[0] == '\0',
	    "no id: the empty key");
	ok(rd_line("{\"id\":\"a\",\"anomaly\":true,\"value\":1}") < 0,
	    "no time");
	is_str(why, "missing field 'ts'", "no time: reason");
	ok(rd_line("{\"id\":\"a\",\"ts\":1,\"anomaly\":\"x\",\"value\":1}") < 0,
	    "string flag");
	is_str(why, "field 'anomaly' is not a boolean", "string flag: reason");
	ok(rd_line("{\"id\":\"a\",\"ts\":1,\"anomaly\":true,\"value\":null}") <
		0,
	    "null value");
	is_str(why, "field 'value' is not a number", "null value: reason");
	ok(rd_line("{\"id\":[1],\"ts\":1,\"anomaly\":true,\"value\":1}") < 0,
	    "array id");
	is_str(why, "field 'id' is not a string or an integer",
	    "array id: reason");
	ok(rd_line("{\"id\":\"a\",\"ts\":-9223372036854775808,"
		   "\"anomaly\":true,\"value\":1}") < 0,
	    "time far out of range");
	is_str(why, "field 'ts': time out of range (the years 0000 to 9999)",
	    "out of range: reason");
	ok(rd_line("{\"id\":\"a\",\"ts\":253402300799999,"
		   "\"anomaly\":true,\"value\":1}") == 0,
	    "the last ms of 9999 is accepted");
	ok(rd_line("[1,2]") < 0, "not an object");
	ok(why[0] != '\0', "not an object: a reason (%s)", why);
	ok(rd_line("{\"id\":\"a\",\"ts\":1,\"value\":1,") < 0,
	    "truncated line");
	ok(rd_line("{\"id\":\"0123456789012345678901234567890123456789012345678"
		   "901234567890123456789\",\"ts\":1,\"anomaly\":true,"
		   "\"value\":1}") < 0,
	    "key longer than the buffer refused");
	evread_release(&rd);
	c.need_flag = c.need_value = false;
	c.id_required = true;
	evread_init(&rd, &c);
	ok(rd_line("{\"id\":\"a\",\"ts\":1}") == 0 && !ev.has_value && !ev.flag,
	    "flag and value optional when no rule needs them");
	ok(rd_line("{\"ts\":1}") < 0, "required id missing");
	is_str(why, "missing field 'id'", "required id: reason");
	evread_release(&rd);
	return tap_done();
}
