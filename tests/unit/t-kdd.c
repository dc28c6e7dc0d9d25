/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/kdd, lib/kddsynth and lib/prng. */
#include <jansson.h>

#include "record/kdd.h"
#include "record/kddsynth.h"
#include "base/prng.h"
#include "tap.h"
#include "base/jscan.h"

int
main(void)
{
	static const char *row[KDD_NCOLUMNS] = {"0", "tcp", "http", "SF", "181",
	    "5450", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0",
	    "0", "0", "0", "0", "8", "8", "0.00", "0.00", "0.00", "0.00",
	    "1.00", "0.00", "0.00", "9", "9", "1.00", "0.00", "0.11", "0.00",
	    "0.00", "0.00", "0.00", "0.00", "normal."};
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
	struct buf b;
	char why[200];
	json_t *v;
	struct prng r1, r2;
	char u[37];
	struct kddsynth g1, g2;
	int same = 1, labels_ok = 1;

	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		field[i] = (char *)row[i];
		len[i] = strlen(row[i]);
	}
	ok(strcmp(kdd_columns[0].name, "duration") == 0 &&
		strcmp(kdd_columns[41].name, "label") == 0 &&
		kdd_column_index("dst_host_srv_rerror_rate") == 40,
	    "42 columns named after kddcup.names");
	buf_init(&b);
	buf_addc(&b, '{');
	ok(kdd_row_to_json(&b, field, len, KDD_NCOLUMNS, why, sizeof(why)) == 0,
	    "first row of the 10%% file encodes");
	buf_addc(&b, '}');
	v = json_loads(b.data, 0, NULL);
	ok(v != NULL && json_object_size(v) == 42, "valid JSON with 42 fields");
	ok(json_is_integer(json_object_get(v, "src_bytes")) &&
		json_is_real(json_object_get(v, "same_srv_rate")) &&
		json_is_string(json_object_get(v, "service")),
	    "integers, reals and strings typed");
	ok(strstr(b.data, "\"same_srv_rate\":1.00") != NULL,
	    "rates kept as written");
	json_decref(v);

	field[4] = "12a";
	len[4] = 3;
	buf_reset(&b);
	ok(kdd_row_to_json(&b, field, len, KDD_NCOLUMNS, why, sizeof(why)) < 0,
	    "non-number in a numeric column rejected");
	is_str(why, "field 5 'src_bytes': expected an integer, got '12a'",
	    "reason names the field");
	field[4] = "1.5";
	ok(kdd_row_to_json(&b, field, len, KDD_NCOLUMNS, why, sizeof(why)) < 0,
	    "real in an integer column rejected");
	ok(kdd_row_to_json(&b, field, len, 41, why, sizeof(why)) < 0 &&
		strcmp(why, "expected 42 fields, got 41") == 0,
	    "wrong field count rejected");
	ok(jscan_is_number("-0.5e3", 6, false) &&
		!jscan_is_number("01", 2, false) &&
		!jscan_is_number(".5", 2, false) &&
		!jscan_is_number("1.", 2, false) &&
		!jscan_is_number("inf", 3, false),
	    "JSON number grammar");

	prng_init(&r1, 7);
	prng_init(&r2, 7);
	for (int i = 0; i < 1000; i++)
		same &= prng_next(&r1) == prng_next(&r2);
	ok(same, "same seed, same stream");
	prng_uuid4(&r1, u);
	ok(strlen(u) == 36 && u[14] == '4' && strchr("89ab", u[19]) != NULL,
	    "uuid v4 shape: %s", u);
	{
		double sum = 0;
		int counts[10] = {0}, flat = 1;

		for (int i = 0; i < 100000; i++) {
			sum += prng_normal(&r1);
			counts[prng_below(&r1, 10)]++;
		}
		for (int i = 0; i < 10; i++)
			flat &= counts[i] > 9500 && counts[i] < 10500;
		ok(fabs(sum / 100000) < 0.02, "normal mean near 0");
		ok(flat, "prng_below uniform");
	}

	kddsynth_init(&g1, 3);
	kddsynth_init(&g2, 3);
	for (int i = 0; i < 20000; i++) {
		kddsynth_next(&g1);
		kddsynth_next(&g2);
		for (int f = 0; f < KDD_NCOLUMNS; f++)
			same &= strcmp(g1.field[f], g2.field[f]) == 0;
		buf_reset(&b);
		labels_ok &= kdd_row_to_json(&b, g1.field, g1.len, KDD_NCOLUMNS,
				 why, sizeof(why)) == 0;
	}
	ok(same, "synthetic traffic deterministic by seed");
	ok(labels_ok, "every synthetic row is a valid KDD row");
	buf_release(&b);
	return tap_done();
}
