/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A fault put into ad-detect's detector, for the tests only: linked with
 * -Wl,--wrap=detector_step into build/helpers/ad-detect-fault (never into
 * bin/ or an installed program), it runs the real detector, then breaks
 * its contract on one step as AD_FAULT says:
 *
 *	AD_FAULT="STEP score VALUE"	the score of step STEP becomes VALUE
 *	AD_FAULT="STEP part VALUE"	so does the first component's score
 *
 * STEP counts detector steps from 1, over all keys; VALUE is anything
 * strtod() reads ("1.5", "nan", "inf").  No input makes the real detector
 * do this, so it is how the tests reach exit 70 (EX_SOFTWARE): the check
 * that lib/detect/detrun.c keeps in release builds, and what ad-detect
 * does when it fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detector.h"

void __real_detector_step(
    struct detector *d, int64_t t, double x, struct detector_out *out);
void __wrap_detector_step(
    struct detector *d, int64_t t, double x, struct detector_out *out);

void
__wrap_detector_step(
    struct detector *d, int64_t t, double x, struct detector_out *out)
{
	static unsigned long step;
	const char *fault = getenv("AD_FAULT");
	unsigned long at;
	char what[8];
	double v;

	__real_detector_step(d, t, x, out);
	step++;
	if (fault == NULL || sscanf(fault, "%lu %7s %lf", &at, what, &v) != 3 ||
	    at != step)
		return;
	if (strcmp(what, "score") == 0)
		out->score = v;
	else if (strcmp(what, "part") == 0)
		out->parts[0] = v;
}
