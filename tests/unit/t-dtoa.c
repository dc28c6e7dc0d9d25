/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/dtoa: every output reads back as the same double, is never longer
 * than %.17g, and stays a JSON real; special values and boundaries.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/dtoa.h"
#include "base/prng.h"
#include "tap.h"

static uint64_t s = 88172645463325252ULL;

static uint64_t
next(void)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static int
check(double v)
{
	char out[DTOA_BUFSIZE], ref[40];
	size_t n = dtoa_json(v, out);

	snprintf(ref, sizeof(ref), "%.17g", v);
	return n == strlen(out) && strtod(out, NULL) == v &&
	       strpbrk(out, ".e") != NULL && n <= strlen(ref) + 3;
}

int
main(void)
{
	char out[DTOA_BUFSIZE];
	size_t bad = 0, shorter = 0;
	double fixed[] = {0.1, 0.5, 1.0, 2.0, 1e21, 1e22, 1e-7, 1e-6,
	    123456789012345678.0, 5e-324, 2.2250738585072014e-308,
	    1.7976931348623157e308, 0.3, 2.0 / 3.0, 315.42, 50.039877381808083,
	    -0.061001030350046198, 9007199254740993.0, 1e15, 1e16, 1e17};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		ok(check(fixed[i]) && check(-fixed[i]), "%.17g round-trips",
		    fixed[i]);
	dtoa_json(0.1, out);
	is_str(out, "0.1", "0.1 is short");
	dtoa_json(-0.0, out);
	is_str(out, "-0.0", "negative zero");
	dtoa_json(100, out);
	is_str(out, "100.0", "integers stay reals");
	dtoa_json(1e22, out);
	is_str(out, "1e+22", "exponent form");
	dtoa_json(NAN, out);
	is_str(out, "null", "NaN is null");
	dtoa_json(1.5e-7, out);
	is_str(out, "1.5e-7", "small exponent");
	for (int i = 0; i < 300000; i++) {
		uint64_t b = next();
		double v;

		if (i % 2) {
			memcpy(&v, &b, sizeof(v));
			if (!isfinite(v))
				continue;
		} else {
			v = (double)(b >> 11) / 9007199254740992.0 *
			    pow(10, (int)(b % 40) - 20);
		}
		if (!check(v)) {
			if (bad++ < 5) {
				dtoa_json(v, out);
				printf("# bad: %.17g -> %s\n", v, out);
			}
		} else {
			char ref[40];

			dtoa_json(v, out);
			for (int p = 1; p <= 17; p++) {
				snprintf(ref, sizeof(ref), "%.*g", p, v);
				if (strtod(ref, NULL) == v) {
					char *e = strpbrk(out, "e");
					size_t dig = 0;

					for (char *c = out; *c && c != e; c++)
						dig += *c >= '1' && *c <= '9';
					shorter += (size_t)p < dig;
					break;
				}
			}
		}
	}
	ok(bad == 0, "300,000 random doubles round-trip (%zu bad)", bad);
	ok(shorter < 300, "nearly always shortest (%zu longer)", shorter);
	return tap_done();
}
