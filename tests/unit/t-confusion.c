/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/confusion: counts by name, classes in seed
 * then appearance order, growth past the first block, costs by the
 * matrix's cells, and refusal of a class the cost matrix lacks.
 */
#include <stdlib.h>
#include <string.h>

#include "eval/confusion.h"
#include "tap.h"

int
main(void)
{
	char *seed[] = {"normal", "dos"};
	struct confusion *cf = confusion_new(seed, 2, NULL);
	double cost[] = {0, 1, 2, 3, 0, 5, 7, 11, 0};
	char *names[] = {"x", "y", "z"};
	struct costs c = {3, names, cost, "c.csv", 1};
	char why[300], name[32];
	size_t right = 0;

	ok(confusion_add(cf, "dos", "normal", why, sizeof(why)) == 0 &&
		confusion_add(cf, "probe", "dos", why, sizeof(why)) == 0 &&
		confusion_add(cf, "dos", "dos", why, sizeof(why)) == 0,
	    "three records");
	ok(confusion_nclass(cf) == 3 &&
		strcmp(confusion_name(cf, 0), "normal") == 0 &&
		strcmp(confusion_name(cf, 2), "probe") == 0,
	    "seed classes first, then as they come");
	ok(confusion_count(cf, 1, 0) == 1 && confusion_count(cf, 2, 1) == 1 &&
		confusion_count(cf, 1, 1) == 1 &&
		confusion_count(cf, 0, 0) == 0,
	    "rows actual, columns predicted");
	ok(isnan(confusion_cost(cf)), "no cost matrix: no cost");
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		confusion_add(cf, name, name, why, sizeof(why));
	}
	for (size_t i = 0; i < confusion_nclass(cf); i++)
		right += confusion_count(cf, i, i);
	ok(confusion_nclass(cf) == 43 && right == 41 &&
		confusion_count(cf, 1, 0) == 1 && confusion_records(cf) == 43,
	    "43 classes: counts survive the growth");
	confusion_free(cf);

	cf = confusion_new(NULL, 0, &c);
	ok(confusion_nclass(cf) == 3, "the cost matrix's classes");
	ok(confusion_add(cf, "x", "y", why, sizeof(why)) == 0 &&
		confusion_add(cf, "z", "y", why, sizeof(why)) == 0 &&
		confusion_add(cf, "y", "z", why, sizeof(why)) == 0 &&
		confusion_add(cf, "z", "z", why, sizeof(why)) == 0,
	    "four records");
	ok(confusion_cost(cf) == 1 + 11 + 5 + 0, "cost[actual][predicted]");
	ok(confusion_add(cf, "x", "w", why, sizeof(why)) < 0 &&
		confusion_records(cf) == 4,
	    "a class outside the matrix is refused, not counted");
	is_str(why, "class 'w' is not in the cost matrix 'c.csv'", "says why");
	confusion_free(cf);
	return tap_done();
}
