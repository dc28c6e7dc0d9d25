/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/eval/evaluator: records sent to their mode and the
 * report's figures, each written out by hand.  Series: two keys
 * interleaved (the last-key shortcut must switch), a key without windows
 * rejected and counted, the NAB score from the formula of ad-eval(1) at a
 * fixed and at the searched threshold.  Labelled: six records with a tie
 * across the classes; classes with a cost matrix and a label in no class.
 * A windows file that cannot be opened.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval/evaluator.h"
#include "tap.h"

/* NAB's scaled sigmoid, written out from the man page. */
static double
sig(double y)
{
	return 2 / (1 + exp(5 * y)) - 1;
}

/* A temporary file holding text; the caller unlinks path. */
static void
put(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	fputs(text, fp);
	fclose(fp);
}

static int
add(struct evaluator *ev, const char *key, int64_t t_ms, double score,
    char *why, size_t whylen)
{
	struct evrec r;

	memset(&r, 0, sizeof(r));
	r.key = key;
	r.keylen = strlen(key);
	r.t_ms = t_ms;
	r.score = score;
	why[0] = '\0';
	return evaluator_add(ev, &r, why, whylen);
}

static int
add_label(struct evaluator *ev, const char *truth, const char *cls,
    double score, char *why, size_t whylen)
{
	struct evrec r;

	memset(&r, 0, sizeof(r));
	r.truth = truth;
	r.truthlen = strlen(truth);
	r.cls = cls;
	r.clslen = cls != NULL ? strlen(cls) : 0;
	r.score = score;
	why[0] = '\0';
	return evaluator_add(ev, &r, why, whylen);
}

static double
num(json_t *o, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(o, a);

	if (b != NULL)
		v = json_object_get(v, b);
	if (c != NULL)
		v = json_object_get(v, c);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * Key a: 20 rows a minute apart from 2020-01-01 00:00 (t = 1577836800 s),
 * one window over rows 10..14, a detection at row 12.  Key b: 10 rows,
 * no window, a detection at row 5.  Key c: not in the windows file.
 */
static json_t *
series(const char *path, double threshold, int *rejected, char *why0)
{
	const int64_t t0 = 1577836800000;
	struct evaluator_conf c = {.windows = path, .threshold = threshold};
	struct evaluator ev;
	struct ad_err e;
	char why[300];
	json_t *rep;

	*rejected = 0;
	ad_err_clear(&e);
	if (evaluator_init(&ev, &c, &e) < 0) {
		evaluator_release(&ev);
		return NULL;
	}
	for (int i = 0; i < 20; i++) {
		if (add(&ev, "a", t0 + i * 60000, i == 12, why, sizeof(why)) <
		    0)
			++*rejected;
		if (i < 10 &&
		    add(&ev, "b", t0 + i * 60000, i == 5, why, sizeof(why)) < 0)
			++*rejected;
		if (i == 3 && add(&ev, "c", t0, 1, why, sizeof(why)) < 0) {
			++*rejected;
			strcpy(why0, why);
		}
	}
	rep = evaluator_report(&ev);
	evaluator_release(&ev);
	return rep;
}

static void
test_series(void)
{
	char path[] = "/tmp/t-evaluator-XXXXXX", want[400], why[300] = "";
	/* row 12 of a: W = 5, hi = 14; row 5 of b: before any window */
	double raw = sig(-3.0 / 5) / sig(-1) - 0.11;
	int rejected;
	json_t *rep, *ka, *kb;

	put(path, "{\"a\": [[\"2020-01-01 00:10:00\", \"2020-01-01 "
		  "00:14:00\"]],\n \"b\": []}\n");
	rep = series(path, 0.5, &rejected, why);
	ok(rep != NULL, "series: a report");
	snprintf(want, sizeof(want), "key 'c' has no entry in '%s'", path);
	ok(rejected == 1, "series: one record rejected (got %d)", rejected);
	is_str(why, want, "series: the reason names the key and the file");
	ok(num(rep, "unlabelled", "c", NULL) == 1, "series: unlabelled.c 1");
	ok(num(rep, "records", NULL, NULL) == 30, "series: 30 records");
	ok(num(rep, "nab", "standard", "tp") == 1 &&
		num(rep, "nab", "standard", "fp") == 1 &&
		num(rep, "nab", "standard", "fn") == 0,
	    "series: tp 1, fp 1, fn 0");
	is_near(num(rep, "nab", "standard", "raw"), raw, 1e-12,
	    "series: standard raw");
	is_near(num(rep, "nab", "standard", "score"), 100 * (raw + 1) / 2, 1e-9,
	    "series: standard score, null -1, perfect 1");
	is_near(num(rep, "nab", "reward_low_FN_rate", "score"),
	    100 * (raw + 2) / 3, 1e-9, "series: reward_low_FN_rate score");
	ka = json_object_get(json_object_get(rep, "keys"), "a");
	kb = json_object_get(json_object_get(rep, "keys"), "b");
	ok(num(ka, "rows", NULL, NULL) == 20 &&
		num(ka, "probation", NULL, NULL) == 3 &&
		num(ka, "windows", NULL, NULL) == 1 &&
		num(ka, "found", NULL, NULL) == 1 &&
		num(ka, "fp", NULL, NULL) == 0 &&
		num(ka, "delay_rows", NULL, NULL) == 2 &&
		num(ka, "delay_s", NULL, NULL) == 120,
	    "series: key a: 20 rows, probation 3, found 1, delay 2 rows, "
	    "120 s");
	ok(num(kb, "rows", NULL, NULL) == 10 &&
		num(kb, "probation", NULL, NULL) == 1 &&
		num(kb, "windows", NULL, NULL) == 0 &&
		num(kb, "fp", NULL, NULL) == 1 &&
		json_is_null(json_object_get(kb, "delay_rows")),
	    "series: key b: 10 rows, probation 1, fp 1, no delay");
	json_decref(rep);

	/* searched: 1 (as above) beats 1.1 (score 0) and 0 (every row) */
	rep = series(path, NAN, &rejected, why);
	ok(num(rep, "nab", "standard", "threshold") == 1,
	    "searched: threshold 1");
	is_near(num(rep, "nab", "standard", "score"), 100 * (raw + 1) / 2, 1e-9,
	    "searched: the same score");
	json_decref(rep);
	unlink(path);
}

static void
test_binary(void)
{
	static const struct {
		const char *label;
		double score;
	} six[] = {{"attack.", 0.9}, {"normal.", 0.8}, {"attack.", 0.8},
	    {"normal.", 0.5}, {"attack.", 0.3}, {"normal.", 0.1}};
	struct evaluator_conf c = {
	    .labelled = true, .negative = "normal.", .threshold = 0.5};
	struct evaluator ev;
	struct ad_err e;
	char why[300];
	json_t *rep;
	int bad = 0;

	ad_err_clear(&e);
	ok(evaluator_init(&ev, &c, &e) == 0 && ev.bin != NULL &&
		ev.nab == NULL && ev.cf == NULL,
	    "labelled: binary only");
	for (size_t i = 0; i < 6; i++)
		bad += add_label(&ev, six[i].label, NULL, six[i].score, why,
			   sizeof(why)) < 0;
	ok(bad == 0, "labelled: six records taken");
	rep = evaluator_report(&ev);
	/* pairs (attack, normal) ordered right, ties half: 6.5 of 9 */
	is_near(num(rep, "auc", NULL, NULL), 6.5 / 9, 1e-15, "labelled: auc");
	is_near(num(rep, "pr_auc", NULL, NULL), 1.0 / 3 + 2.0 / 9 + 1.0 / 5,
	    1e-15, "labelled: pr_auc");
	ok(num(rep, "at_threshold", "tp", NULL) == 2 &&
		num(rep, "at_threshold", "fp", NULL) == 2 &&
		num(rep, "at_threshold", "fn", NULL) == 1 &&
		num(rep, "at_threshold", "tn", NULL) == 1,
	    "labelled: at 0.5 tp 2 fp 2 fn 1 tn 1");
	ok(num(rep, "best_f1", "threshold", NULL) == 0.3 &&
		num(rep, "best_f1", "f1", NULL) == 0.75,
	    "labelled: best F1 0.75 at 0.3");
	json_decref(rep);
	evaluator_release(&ev);

	/* --positive: the same records, the other way of naming them */
	c.negative = NULL;
	c.positive = "normal.";
	evaluator_init(&ev, &c, &e);
	for (size_t i = 0; i < 6; i++)
		add_label(
		    &ev, six[i].label, NULL, six[i].score, why, sizeof(why));
	rep = evaluator_report(&ev);
	is_near(num(rep, "auc", NULL, NULL), 2.5 / 9, 1e-15,
	    "--positive normal.: auc 1 - 6.5 / 9");
	json_decref(rep);
	evaluator_release(&ev);
}

static void
test_classes(void)
{
	char lpath[] = "/tmp/t-evaluator-XXXXXX",
	     cpath[] = "/tmp/t-evaluator-XXXXXX", want[400], why[300];
	struct evaluator_conf c = {.labelled = true, .classes = true};
	struct evaluator ev;
	struct ad_err e;
	json_t *rep;

	put(lpath, "normal normal\nsmurf dos\nneptune dos\n");
	put(cpath, "actual\\predicted,normal,dos\nnormal,0,1\ndos,3,0\n");
	c.classes_file = lpath;
	c.costs_file = cpath;
	ad_err_clear(&e);
	ok(evaluator_init(&ev, &c, &e) == 0 && ev.cf != NULL && ev.bin == NULL,
	    "classes: confusion only");
	/* (actual, predicted): (normal, normal) (dos, dos) (dos, normal) 3
	 * (normal, dos) 1 (dos, normal) 3: cost 7 over 5 */
	ok(add_label(&ev, "normal.", "normal", 0, why, sizeof(why)) == 0 &&
		add_label(&ev, "smurf.", "dos", 0, why, sizeof(why)) == 0 &&
		add_label(&ev, "neptune.", "normal", 0, why, sizeof(why)) ==
		    0 &&
		add_label(&ev, "normal.", "dos", 0, why, sizeof(why)) == 0 &&
		add_label(&ev, "smurf.", "normal", 0, why, sizeof(why)) == 0,
	    "classes: five records taken");
	ok(add_label(&ev, "teardrop.", "dos", 0, why, sizeof(why)) < 0,
	    "classes: a label in no class is rejected");
	snprintf(want, sizeof(want), "label 'teardrop.' is in no class of '%s'",
	    lpath);
	is_str(why, want, "classes: the reason names the label and the file");
	ok(add_label(&ev, "smurf.", "worm", 0, why, sizeof(why)) < 0 &&
		strstr(why, "'worm'") != NULL,
	    "classes: a class not in the matrix is rejected (%s)", why);
	rep = evaluator_report(&ev);
	is_near(num(rep, "cost", "total", NULL), 7, 0, "classes: cost 7");
	is_near(num(rep, "cost", "per_record", NULL), 7.0 / 5, 1e-15,
	    "classes: 7 / 5 per record");
	{
		char *m =
		    json_dumps(json_object_get(
				   json_object_get(rep, "confusion"), "matrix"),
			JSON_COMPACT);

		is_str(m, "[[1,1],[2,1]]", "classes: the matrix");
		free(m);
	}
	ok(json_object_get(rep, "auc") == NULL, "classes: no auc");
	json_decref(rep);
	evaluator_release(&ev);
	unlink(lpath);
	unlink(cpath);
}

int
main(void)
{
	struct evaluator_conf c = {.windows = "/nonexistent/windows.json"};
	struct evaluator ev;
	struct ad_err e;

	test_series();
	test_binary();
	test_classes();
	ad_err_clear(&e);
	ok(evaluator_init(&ev, &c, &e) < 0 && e.status == 66 &&
		strstr(e.msg, "windows.json") != NULL,
	    "a windows file that cannot be opened: 66 (%s)", e.msg);
	evaluator_release(&ev);
	evaluator_release(&ev);
	ok(1, "release twice is harmless");
	return tap_done();
}
