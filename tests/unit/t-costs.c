/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/record/costs: the KDD Cup 99 matrix read and put in
 * a model's class order, rows in any order with spaces, CRLF and blank
 * lines, each malformed file rejected with its file:line (missing class,
 * negative or non-numeric cost, rows of the wrong width, a row class not
 * in the header, a class twice, an empty file, no file), and the
 * least-expected-cost rule on probabilities whose answer is worked out by
 * hand in the comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/costs.h"
#include "tap.h"
#include "tfiles.h"

static const char kdd[] = "actual\\predicted,normal,probe,dos,u2r,r2l\n"
			  "normal,0,1,2,2,2\n"
			  "probe,1,0,2,2,2\n"
			  "dos,2,1,0,2,2\n"
			  "u2r,3,2,2,0,2\n"
			  "r2l,4,2,2,2,0\n";

static char dir[] = "/tmp/t-costs-XXXXXX";

/* Load text as a cost file; on failure, the message "file:line: msg". */
static int
load(const char *text, struct costs *c, char *msg, size_t n)
{
	char path[300];
	struct ad_err err;
	int rc;

	put_file(dir, "c.csv", text, path, sizeof(path));
	ad_err_clear(&err);
	rc = costs_load(c, path, &err);
	if (rc < 0)
		snprintf(msg, n, "%s:%zu: %s (%d)", err.file + strlen(dir) + 1,
		    err.line, err.msg, err.status);
	else
		snprintf(msg, n, "ok");
	unlink(path);
	return rc;
}

static void
bad(const char *text, const char *want, const char *what)
{
	struct costs c;
	char msg[700];

	ok(load(text, &c, msg, sizeof(msg)) < 0, "%s: rejected", what);
	is_str(msg, want, "%s: message", what);
}

static void
test_kdd(void)
{
	struct costs c;
	char msg[700];
	/* A model's classes in training_attack_types order. */
	char *model[] = {"normal", "dos", "u2r", "r2l", "probe"};
	double m[25];
	struct ad_err err;

	ok(load(kdd, &c, msg, sizeof(msg)) == 0, "kdd matrix loads");
	ok(c.n == 5 && strcmp(c.classes[0], "normal") == 0 &&
		strcmp(c.classes[4], "r2l") == 0,
	    "header order kept");
	ok(c.cost[4 * 5 + 0] == 4 && c.cost[3 * 5 + 0] == 3 &&
		c.cost[2 * 5 + 1] == 1 && c.cost[0 * 5 + 1] == 1,
	    "cost[actual][predicted]");
	ok(costs_index(&c, "u2r") == 3 && costs_index(&c, "smurf") == -1,
	    "costs_index");
	ok(costs_order(&c, model, 5, m, &err) == 0, "ordered for the model");
	/* r2l (model 3) taken for normal (model 0) costs 4; dos as probe 1 */
	ok(m[3 * 5 + 0] == 4 && m[1 * 5 + 4] == 1 && m[4 * 5 + 1] == 2 &&
		m[2 * 5 + 0] == 3 && m[0 * 5 + 4] == 1 && m[3 * 5 + 3] == 0,
	    "entries follow the names");
	model[2] = "u2l";
	ok(costs_order(&c, model, 5, m, &err) < 0 && err.status == EX_DATAERR &&
		err.line == 1 &&
		strstr(err.msg, "class 'u2l' is missing") != NULL,
	    "a model class the matrix lacks: %s", err.msg);
	/* A model with fewer classes takes the part it needs. */
	ok(costs_order(&c, (char *[]){"r2l", "normal"}, 2, m, &err) == 0 &&
		m[0] == 0 && m[1] == 4 && m[2] == 2 && m[3] == 0,
	    "a sub-matrix");
	costs_release(&c);
	costs_release(&c);
	ok(c.n == 0 && c.classes == NULL, "released twice");
}

static void
test_lenient(void)
{
	struct costs c;
	char msg[700];

	ok(load("x , b , a\r\n\r\n a , 0 , 2.5e0 \r\nb,1,0\r\n\n", &c, msg,
	       sizeof(msg)) == 0,
	    "spaces, CRLF, blank lines, rows reordered: %s", msg);
	ok(c.n == 2 && strcmp(c.classes[0], "b") == 0 &&
		c.cost[1 * 2 + 0] == 0 && c.cost[1 * 2 + 1] == 2.5 &&
		c.cost[0 * 2 + 0] == 1 && c.cost[0 * 2 + 1] == 0,
	    "values land in header order");
	costs_release(&c);
	ok(load(",only\nonly,7\n", &c, msg, sizeof(msg)) == 0 && c.n == 1 &&
		c.cost[0] == 7,
	    "one class, empty corner, non-zero diagonal");
	costs_release(&c);
}

static void
test_bad(void)
{
	struct costs c;

	bad("a\\p,normal,probe,dos\nnormal,0,1,2\nprobe,1,0,2\n",
	    "c.csv:3: not square: 2 rows for 3 classes, none for 'dos' (65)",
	    "missing row");
	bad("a\\p,normal,probe\nnormal,0,1\nprobe,-1,0\n",
	    "c.csv:3: cost of 'probe' predicted as 'normal': '-1' is "
	    "negative (65)",
	    "negative cost");
	bad("a\\p,normal,probe\nnormal,0,x1\nprobe,1,0\n",
	    "c.csv:2: cost of 'normal' predicted as 'probe': 'x1' is not a "
	    "finite number (65)",
	    "not a number");
	bad("a\\p,normal,probe\nnormal,0,inf\nprobe,1,0\n",
	    "c.csv:2: cost of 'normal' predicted as 'probe': 'inf' is not a "
	    "finite number (65)",
	    "infinite");
	bad("a\\p,normal,probe\nnormal,0,\nprobe,1,0\n",
	    "c.csv:2: cost of 'normal' predicted as 'probe': '' is not a "
	    "finite number (65)",
	    "empty cost");
	bad("a\\p,normal,probe\nnormal,0,1,2\nprobe,1,0\n",
	    "c.csv:2: not square: expected 3 fields, got 4 (65)",
	    "a row too wide");
	bad("a\\p,normal,probe\n\nnormal,0,1\nprobe,1\n",
	    "c.csv:4: not square: expected 3 fields, got 2 (65)",
	    "a row too narrow");
	bad("a\\p,normal,probe\nnormal,0,1\ndos,1,0\n",
	    "c.csv:3: class 'dos' is not in the header (65)",
	    "row class not predicted");
	bad("a\\p,normal,probe\nnormal,0,1\nnormal,1,0\n",
	    "c.csv:3: class 'normal' has a row already at line 2 (65)",
	    "row twice");
	bad("a\\p,normal,normal\nnormal,0,1\n",
	    "c.csv:1: class 'normal' named twice (65)", "header class twice");
	bad("a\\p,normal, \nnormal,0,1\n",
	    "c.csv:1: empty class name in field 3 (65)", "empty class name");
	bad("actual\n", "c.csv:1: header names no classes (65)",
	    "header alone");
	bad("", "c.csv:1: no cost matrix (65)", "empty file");
	bad("a,\"b\nc,0\n", "c.csv:1: unterminated quoted field (65)",
	    "bad CSV");
	{
		struct ad_err err;

		ok(costs_load(&c, "/nonexistent/costs.csv", &err) < 0 &&
			err.status == EX_NOINPUT && c.classes == NULL,
		    "no file: %s", err.msg);
	}
}

static void
test_choose(void)
{
	double zo[9] = {0, 1, 1, 1, 0, 1, 1, 1, 0};
	double e[5];
	struct costs c;
	char msg[700];

	/* Zero-one loss: the most probable class. */
	ok(costs_choose(zo, 3, (double[]){0.2, 0.5, 0.3}, e) == 1,
	    "0-1 loss picks the argmax");
	is_near(e[0], 0.8, 1e-15, "expected cost of class 0 = 1 - p0");
	ok(costs_choose(zo, 3, (double[]){0.4, 0.2, 0.4}, NULL) == 0,
	    "a tie goes to the first");
	load(kdd, &c, msg, sizeof(msg));
	/*
	 * KDD matrix, p(normal, probe, dos, u2r, r2l) = .5 0 0 .2 .3:
	 * predicting normal costs .2*3 + .3*4 = 1.8, probe .5 + .4 + .6 =
	 * 1.5, dos 1 + .4 + .6 = 2.0, u2r 1 + .6 = 1.6, r2l 1 + .4 = 1.4.
	 * The most probable class is normal; the cheapest is r2l.
	 */
	ok(costs_choose(c.cost, 5, (double[]){.5, 0, 0, .2, .3}, e) == 4,
	    "r2l beats the more probable normal");
	is_near(e[0], 1.8, 1e-12, "normal 1.8");
	is_near(e[1], 1.5, 1e-12, "probe 1.5");
	is_near(e[2], 2.0, 1e-12, "dos 2.0");
	is_near(e[3], 1.6, 1e-12, "u2r 1.6");
	is_near(e[4], 1.4, 1e-12, "r2l 1.4");
	/*
	 * p = .7 0 0 0 .3: normal 1.2, probe .7 + .6 = 1.3, dos 2, u2r 2,
	 * r2l 1.4: normal.
	 */
	ok(costs_choose(c.cost, 5, (double[]){.7, 0, 0, 0, .3}, e) == 0,
	    "normal when it is probable enough");
	/*
	 * p = .1 .45 .45 0 0: normal .45 + .9 = 1.35, probe .1 + .45 =
	 * .55, dos .2 + .9 = 1.1: probe, though dos ties it in probability.
	 */
	ok(costs_choose(c.cost, 5, (double[]){.1, .45, .45, 0, 0}, e) == 1,
	    "probe: dos mistaken for probe is cheap");
	is_near(e[1], 0.55, 1e-12, "probe .55");
	costs_release(&c);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_kdd();
	test_lenient();
	test_bad();
	test_choose();
	rmdir(dir);
	return tap_done();
}
