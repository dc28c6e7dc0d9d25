/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: duration, size and number option parsing (lib/num)
 * and time parsing and formatting (lib/timefmt).  A parsed ISO time must
 * format back and parse again to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct ad_err err;
	struct time_form form, form2;
	int64_t ms, ms2;
	double d;
	long l;
	size_t sz;

	memcpy(s, data, size);
	s[size] = '\0';
	num_parse_duration_ms("--fuzz", s, &ms, &err);
	num_parse_size("--fuzz", s, &sz, &err);
	num_parse_double("--fuzz", s, -1e300, 1e300, &d, &err);
	num_parse_long("--fuzz", s, -1000, 1000, &l, &err);
	if (timefmt_parse_text(s, &ms, &form) == 0) {
		json_t *v = timefmt_format(ms, &form);

		if (timefmt_parse_text(json_string_value(v), &ms2, &form2) !=
			0 ||
		    ms2 != ms)
			abort();
		json_decref(v);
	}
	free(s);
	return 0;
}
