/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/timefmt: the three forms, offsets, round trips. */
#include <string.h>

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

/*
 * timefmt_parse_text_day() over a stream: each text gives what
 * timefmt_parse_text() gives it alone, whatever came before.
 */
static void
test_day(void)
{
	static const char *const texts[] = {"2014-04-01 00:00:00",
	    "2014-04-01 00:05:00", "2014-04-01T23:59:59.5Z",
	    "2014-04-01 24:00:00", "2014-04-01", "2014-04-01 ",
	    "2014-04-01 00:10:00+02:00", "2014-04-02 00:00:00",
	    "2014-04-31 00:00:00", "2014-04-02x00:00:00", "2014-04-02 00:00",
	    "2016-02-29 12:00:00", "2015-02-29 12:00:00", "2014-04-02 00:00:00",
	    "9999-12-31T23:00-05:00", "2014-04-01 00:00:00"};
	struct timefmt_day day = {0};
	size_t n = sizeof(texts) / sizeof(*texts), agree = 0;
	int64_t last = 0;

	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < n; i++) {
			struct time_form f1, f2;
			int64_t m1 = -1, m2 = -1;
			int r1 = timefmt_parse_text(texts[i], &m1, &f1);
			int r2 = timefmt_parse_text_day(
			    &day, texts[i], strlen(texts[i]), &m2, &f2);

			agree += r1 == r2 &&
				 (r1 < 0 || (m1 == m2 && f1.zulu == f2.zulu &&
						f1.frac == f2.frac));
			if (r2 == 0)
				last = m2;
		}
	ok(agree == 2 * n, "day: %zu of %zu texts as read alone", agree, 2 * n);
	ok(last == 1396310400000LL, "day: the last one, 2014-04-01 00:00:00");
	ok(timefmt_parse_text_day(&day, "2014-04-01 00:05:00", 19, &last,
	       &(struct time_form){0}) == 0 &&
		last == 1396310700000LL,
	    "day: a time of the kept day, hand-computed");
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
	/* Days that do not exist, leap seconds, the ends of the range. */
	ok(timefmt_parse_text("2026-02-31T00:00:00Z", &ms, &f) < 0,
	    "2026-02-31 rejected");
	ok(timefmt_parse_text("2026-02-29T00:00:00Z", &ms, &f) < 0,
	    "2026-02-29 rejected (not a leap year)");
	ok(timefmt_parse_text("2024-02-29T00:00:00Z", &ms, &f) == 0 &&
		ms == 1709164800000,
	    "2024-02-29 taken");
	ok(timefmt_parse_text("2000-02-29T00:00:00Z", &ms, &f) == 0,
	    "2000-02-29 taken (400 rule)");
	ok(timefmt_parse_text("1900-02-29T00:00:00Z", &ms, &f) < 0,
	    "1900-02-29 rejected (100 rule)");
	ok(timefmt_parse_text("2026-04-31T00:00:00Z", &ms, &f) < 0,
	    "2026-04-31 rejected");
	ok(timefmt_parse_text("2026-12-31T23:59:60Z", &ms, &f) < 0,
	    "23:59:60 rejected, not shifted into the next day");
	ok(timefmt_parse_text("9999-12-31T23:59:59.999Z", &ms, &f) == 0 &&
		ms == TIMEFMT_MAX_MS,
	    "9999-12-31T23:59:59.999Z is the last time");
	ok(timefmt_parse_text("9999-12-31T23:00:00-05:00", &ms, &f) < 0,
	    "an offset past the year 9999: rejected");
	ok(timefmt_parse_text("0000-01-01T00:00:00Z", &ms, &f) == 0 &&
		ms == TIMEFMT_MIN_MS,
	    "0000-01-01 is the first time");
	ok(timefmt_epoch(253402300799, &ms, &f) == 0 && ms == 253402300799000 &&
		f.kind == TIME_EPOCH_S,
	    "epoch seconds of 9999-12-31T23:59:59Z: seconds");
	ok(timefmt_epoch(253402300800, &ms, &f) == 0 && f.kind == TIME_EPOCH_MS,
	    "253402300800: milliseconds");
	ok(timefmt_epoch(TIMEFMT_MAX_MS + 1, &ms, &f) < 0,
	    "one ms past the year 9999: out of range");
	ok(timefmt_epoch(INT64_MAX, &ms, &f) < 0 &&
		timefmt_epoch(INT64_MIN, &ms, &f) < 0,
	    "INT64_MAX and INT64_MIN: out of range");
	v = json_integer(INT64_MAX);
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) < 0 &&
		strcmp(why, "time out of range (the years 0000 to 9999)") == 0,
	    "the reason: %s", why);
	json_decref(v);
	v = json_real(-1e15);
	ok(timefmt_parse(v, &ms, &f, why, sizeof(why)) < 0,
	    "-1e15 ms (year -29719): out of range");
	json_decref(v);
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
	test_day();
	return tap_done();
}
