/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/timefmt: the three forms, offsets, round trips. */
#include "tap.h"
#include "base/timefmt.h"

static const char *
roundtrip(const char *text)
{
	static char out[64];
	struct time_form f;
	int64_t ms;
	json_t *v;

	if (timefmt_parse_text(text, &ms, &f) < 0)
		return "(bad)";
	v = timefmt_format(ms, &f);
	snprintf(out, sizeof(out), "%s", json_string_value(v));
	json_decref(v);
	return out;
}

int
main(void)
{
	struct time_form f;
	int64_t ms;
	char why[100];
	json_t *v;
	struct buf b;

	ok(timefmt_parse_text("2026-11-21T10:00:00Z", &ms, &f) == 0 &&
		ms == 1795255200000LL,
	    "ISO UTC");
	ok(timefmt_parse_text("2026-11-21T12:00:00+02:00", &ms, &f) == 0 &&
		ms == 1795255200000LL && f.offset_min == 120,
	    "ISO with offset");
	ok(timefmt_parse_text("1970-01-01T00:00:00.123Z", &ms, &f) == 0 &&
		ms == 123,
	    "fraction");
	ok(timefmt_parse_text("1969-12-31T23:59:59Z", &ms, &f) == 0 &&
		ms == -1000,
	    "before the epoch");
	ok(timefmt_parse_text("2026-13-01T00:00:00Z", &ms, &f) < 0,
	    "bad month");
	ok(timefmt_parse_text("2026-11-21T10:00:00Zjunk", &ms, &f) < 0,
	    "trailing junk");
	is_str(roundtrip("2026-11-21T12:00:00+02:00"),
	    "2026-11-21T12:00:00+02:00", "offset kept");
	is_str(roundtrip("2026-11-21T10:00:00.250Z"),
	    "2026-11-21T10:00:00.250Z", "fraction kept");
	is_str(roundtrip("2024-02-29T23:59:59Z"), "2024-02-29T23:59:59Z",
	    "leap day");

	v = json_integer(1700000000);
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) == 0 &&
		ms == 1700000000000LL && f.kind == TIME_EPOCH_S,
	    "epoch seconds");
	json_decref(v);
	v = timefmt_format(1700000060000LL, &f);
	ok(json_integer_value(v) == 1700000060, "written back as seconds");
	json_decref(v);
	v = json_integer(1700000000000LL);
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) == 0 &&
		ms == 1700000000000LL && f.kind == TIME_EPOCH_MS,
	    "epoch milliseconds");
	json_decref(v);
	v = json_string("yesterday");
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) < 0 &&
		strcmp(why, "'yesterday' is not a time") == 0,
	    "bad text explained");
	json_decref(v);
	v = json_true();
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) < 0, "boolean rejected");

	buf_init(&b);
	timefmt_format_iso_us(&b, 1795255200123456LL);
	is_str(b.data, "\"2026-11-21T10:00:00.123456Z\"", "microsecond UTC");
	buf_reset(&b);
	timefmt_format_iso_us(&b, -1);
	is_str(b.data, "\"1969-12-31T23:59:59.999999Z\"", "just before epoch");
	buf_release(&b);
	return tap_done();
}
