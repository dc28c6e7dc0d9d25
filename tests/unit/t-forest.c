/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for the forest modules: featset, dataset binning,
 * forest training and prediction (numeric and categorical splits, depth
 * limit, missing values), isolation forest, contrast data, AUC, the model
 * file round trip and its corruption checks, the --info line, and
 * Welford z-scores.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forest/contrast.h"
#include "forest/cv.h"
#include "forest/dataset.h"
#include "forest/featset.h"
#include "forest/forest.h"
#include "forest/forestfile.h"
#include "forest/iforest.h"
#include "base/jscan.h"
#include "forest/rftrain.h"
#include "ftrain.h"
#include "tap.h"
#include "detect/zscore.h"

static double
score_line(const struct forestfile *m, const char *line, double *contrib)
{
	struct jscan js;
	long col[64];
	double x[64], p;

	jscan_init(&js);
	jscan_object(&js, line, strlen(line));
	for (size_t j = 0; j < js.n; j++)
		col[j] = FEATSET_COL_UNKNOWN;
	featset_row_scan(m->fs, js.m, col, js.n, x);
	p = forest_predict(m->forest, x, NULL, contrib);
	jscan_release(&js);
	return p;
}

static void
test_separable(void)
{
	const char *lines[200];
	char buf[200][96];
	struct forestfile *m;
	double c[8];

	for (int i = 0; i < 200; i++) {
		snprintf(buf[i], sizeof(buf[i]),
		    "{\"x\":%d,\"noise\":%d,\"label\":\"%s\"}", i, (i * 7) % 13,
		    i >= 100 ? "a" : "n");
		lines[i] = buf[i];
	}
	m = train_lines(lines, 200, FORESTFILE_SUPERVISED, 10, 20, 0);
	ok(score_line(m, "{\"x\":150,\"noise\":3}", NULL) > 0.9,
	    "separable: high x is an attack");
	ok(score_line(m, "{\"x\":20,\"noise\":3}", NULL) < 0.1,
	    "separable: low x is normal");
	ok(score_line(m, "{\"x\":100.5,\"noise\":3}", NULL) > 0.5,
	    "separable: threshold between 99 and 100");
	{
		double s = score_line(m, "{\"x\":150,\"noise\":3}", c), sum = 0;
		double root = 0;

		for (size_t i = 0; i < m->fs->n; i++)
			sum += c[i];
		for (size_t t = 0; t < m->forest->ntrees; t++)
			root += m->forest->pval[m->forest->proot[t]];
		root /= (double)m->forest->ntrees;
		is_near(root + sum, s, 1e-5,
		    "explain: bias + contributions = score");
		ok(fabs(c[0]) > fabs(c[1]),
		    "explain: x matters more than noise");
	}
	/* missing x: no crash, a probability */
	{
		double s = score_line(m, "{\"noise\":3}", NULL);

		ok(s >= 0 && s <= 1, "missing feature: a score in [0,1]");
		s = score_line(m, "{\"x\":\"oops\",\"noise\":3}", NULL);
		ok(s >= 0 && s <= 1, "mistyped feature: a score in [0,1]");
	}
	ok(forest_depth(m->forest) <= 20, "depth within the limit");
	forestfile_free(m);
	/* depth 1: stumps */
	m = train_lines(lines, 200, FORESTFILE_SUPERVISED, 5, 1, 0);
	ok(forest_depth(m->forest) == 1, "max depth 1 gives stumps");
	forestfile_free(m);
}

static void
test_categorical(void)
{
	/* classes by category set {b, d} vs {a, c}: no order of first
	 * appearance separates them, a subset split does */
	const char *cats = "abcd";
	const char *lines[400];
	char buf[400][80];
	struct forestfile *m;

	for (int i = 0; i < 400; i++) {
		char c = cats[i % 4];

		snprintf(buf[i], sizeof(buf[i]),
		    "{\"proto\":\"%c\",\"label\":\"%s\"}", c,
		    c == 'b' || c == 'd' ? "a" : "n");
		lines[i] = buf[i];
	}
	m = train_lines(lines, 400, FORESTFILE_SUPERVISED, 5, 1, 0);
	ok(m->fs->f[0].kind == FEATURE_CATEGORICAL,
	    "string field is categorical");
	ok(score_line(m, "{\"proto\":\"b\"}", NULL) > 0.99 &&
		score_line(m, "{\"proto\":\"d\"}", NULL) > 0.99,
	    "one categorical split sends b and d one way");
	ok(score_line(m, "{\"proto\":\"a\"}", NULL) < 0.01 &&
		score_line(m, "{\"proto\":\"c\"}", NULL) < 0.01,
	    "and a and c the other");
	{
		double s = score_line(m, "{\"proto\":\"zzz\"}", NULL);

		ok(s >= 0 && s <= 1, "unknown category: a score, no crash");
	}
	forestfile_free(m);
}

static void
test_nan_training(void)
{
	const char *lines[100];
	char buf[100][80];
	struct forestfile *m;

	for (int i = 0; i < 100; i++) {
		if (i % 3 == 0)
			snprintf(buf[i], sizeof(buf[i]),
			    "{\"x\":null,\"label\":\"%s\"}",
			    i >= 50 ? "a" : "n");
		else
			snprintf(buf[i], sizeof(buf[i]),
			    "{\"x\":%d,\"label\":\"%s\"}", i,
			    i >= 50 ? "a" : "n");
		lines[i] = buf[i];
	}
	m = train_lines(lines, 100, FORESTFILE_SUPERVISED, 5, 10, 0);
	ok(score_line(m, "{\"x\":80}", NULL) > 0.8 &&
		score_line(m, "{\"x\":10}", NULL) < 0.2,
	    "training with missing values still separates");
	forestfile_free(m);
}

static void
test_iforest(void)
{
	const char *lines[300];
	char buf[300][80];
	struct forestfile *m;
	double inl, outl, c[4];

	for (int i = 0; i < 300; i++) {
		snprintf(buf[i], sizeof(buf[i]), "{\"x\":%d,\"y\":%d}",
		    i == 0 ? 5000 : 100 + i % 17, 50 + (i * 5) % 11);
		lines[i] = buf[i];
	}
	m = train_lines(lines, 300, FORESTFILE_ISOLATION, 100, 0, 0);
	inl = score_line(m, "{\"x\":108,\"y\":55}", NULL);
	outl = score_line(m, "{\"x\":5000,\"y\":55}", c);
	ok(outl > inl, "iforest: an outlier scores higher (%.3f > %.3f)", outl,
	    inl);
	ok(outl > 0.6 && inl < 0.55, "iforest: scores on the usual scale");
	ok(c[0] > c[1], "iforest explain: x moves the score most");
	ok(m->forest->psi == 256, "iforest: psi 256");
	forestfile_free(m);
}

static void
test_model_file(void)
{
	const char *lines[] = {"{\"x\":1,\"p\":\"tcp\",\"label\":\"n\"}",
	    "{\"x\":2,\"p\":\"udp\",\"label\":\"n\"}",
	    "{\"x\":9,\"p\":\"tcp\",\"label\":\"a\"}",
	    "{\"x\":8,\"p\":\"icmp\",\"label\":\"a\"}"};
	struct forestfile *m = train_lines(
			      lines, 4, FORESTFILE_SUPERVISED, 3, 5, 0),
			  *r;
	char path[] = "/tmp/t-forest-XXXXXX";
	struct ad_err e;
	int fd = mkstemp(path);
	FILE *fp;
	long size;
	char *data;

	close(fd);
	ad_err_clear(&e);
	ok(forestfile_write(path, m, &e) == 0, "model saved");
	r = forestfile_read(path, &e);
	ok(r != NULL, "model loaded");
	if (r != NULL) {
		ok(r->fs->n == 2 && r->fs->f[1].ncat == 3 &&
			r->forest->ntrees == 3,
		    "round trip keeps schema and trees");
		is_near(score_line(r, "{\"x\":9,\"p\":\"tcp\"}", NULL),
		    score_line(m, "{\"x\":9,\"p\":\"tcp\"}", NULL), 0,
		    "round trip: same score");
		forestfile_free(r);
	}
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	data = malloc((size_t)size);
	ok(fread(data, 1, (size_t)size, fp) == (size_t)size, "read back");
	fclose(fp);
	/* truncated */
	fp = fopen(path, "wb");
	fwrite(data, 1, (size_t)size - 10, fp);
	fclose(fp);
	ad_err_clear(&e);
	ok(forestfile_read(path, &e) == NULL && e.status == 65,
	    "truncated model refused with 65: %s", e.msg);
	/* one flipped byte in the payload */
	data[60] ^= 0x40;
	fp = fopen(path, "wb");
	fwrite(data, 1, (size_t)size, fp);
	fclose(fp);
	ad_err_clear(&e);
	ok(forestfile_read(path, &e) == NULL && e.status == 65,
	    "corrupt model refused with 65: %s", e.msg);
	/* a consistent checksum over a bad payload is caught by decoding */
	data[60] ^= 0x40;
	ad_err_clear(&e);
	ok(forestfile_parse(data + 36, (size_t)size - 40 - 5, "x", &e) ==
		    NULL &&
		e.status == 65,
	    "short payload refused");
	ad_err_clear(&e);
	data[36] = 9; /* payload version */
	ok(forestfile_parse(data + 36, (size_t)size - 40, "x", &e) == NULL &&
		strstr(e.msg, "version 9") != NULL,
	    "wrong payload version refused: %s", e.msg);
	unlink(path);
	ad_err_clear(&e);
	ok(forestfile_read(path, &e) == NULL && e.status == 66,
	    "missing model: 66");
	free(data);
	forestfile_free(m);
}

/*
 * Trees whose links do not form a tree are refused.  The fuzzer found a
 * payload with one node reachable twice: laying it out for prediction
 * wrote past the node array.
 */
static void
test_malformed_tree(void)
{
	const char *lines[] = {"{\"x\":1,\"label\":\"n\"}",
	    "{\"x\":2,\"label\":\"n\"}", "{\"x\":9,\"label\":\"a\"}",
	    "{\"x\":8,\"label\":\"a\"}"};
	const char *what[] = {
	    "both children one node", "a cycle", "a child before its parent"};
	char path[] = "/tmp/t-forest-XXXXXX";
	int fd = mkstemp(path);

	close(fd);
	for (int c = 0; c < 3; c++) {
		struct forestfile *m =
		    train_lines(lines, 4, FORESTFILE_SUPERVISED, 1, 5, 0);
		struct tree *t = &m->forest->tree[0];
		struct ad_err e;

		ok(t->nnodes == 3 && t->node[0].kind != FNODE_LEAF,
		    "malformed tree %d: a split with two leaves to break", c);
		if (c == 0)
			t->node[0].right = t->node[0].left;
		else if (c == 1)
			t->node[t->node[0].left].kind = FNODE_NUMERIC,
			t->node[t->node[0].left].left = 0,
			t->node[t->node[0].left].right = t->node[0].right;
		else
			t->node[0].left = 0;
		ad_err_clear(&e);
		ok(forestfile_write(path, m, &e) == 0, "saved");
		forestfile_free(m);
		ad_err_clear(&e);
		m = forestfile_read(path, &e);
		ok(m == NULL && e.status == 65, "%s: refused with 65: %s",
		    what[c], e.msg);
		forestfile_free(m);
	}
	unlink(path);
}

static void
test_auc(void)
{
	double s[] = {0.1, 0.4, 0.35, 0.8};
	uint8_t y[] = {0, 0, 1, 1};
	double t[] = {0.5, 0.5, 0.5, 0.5};
	uint8_t yy[] = {0, 1, 1, 1};
	uint8_t fold[12], ys[12] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
	int per[3][2] = {{0}};

	is_near(cv_auc(s, y, 4), 0.75, 1e-12, "AUC of the sklearn example");
	is_near(cv_auc(t, yy, 4), 0.5, 1e-12, "AUC with all ties is 0.5");
	ok(isnan(cv_auc(s, yy + 1, 3)), "AUC with one class is NaN");
	cv_folds(ys, 12, 2, 3, 1, fold);
	for (int i = 0; i < 12; i++)
		per[fold[i]][ys[i]]++;
	ok(per[0][0] == 2 && per[1][0] == 2 && per[2][0] == 2 &&
		per[0][1] == 2 && per[1][1] == 2 && per[2][1] == 2,
	    "stratified folds");
}

static void
test_zscore(void)
{
	struct zscore *z = zscore_new(3, false, 2, 2);
	struct zscore_result r;
	double xs[] = {10, 12, 11, 13, 12};

	for (int i = 0; i < 5; i++)
		zscore_point(z, "a", xs[i], &r);
	zscore_point(z, "a", 30, &r);
	/* mean 11.6, sd sqrt(1.3) */
	is_near(r.z, (30 - 11.6) / sqrt(1.3), 1e-9, "z against earlier points");
	ok(r.anomaly, "30 is anomalous at K=3");
	zscore_point(z, "b", 1, &r);
	ok(isnan(r.z) && !r.anomaly, "first point: no z");
	zscore_point(z, "c", 1, &r);
	ok(zscore_count(z) == 2 && zscore_evicted(z) == 1,
	    "max keys: least recently used evicted");
	zscore_free(z);

	/* A warm-up: no verdict before min_count points of a key. */
	z = zscore_new(3, false, 6, 0);
	for (int i = 0; i < 2; i++)
		zscore_point(z, "a", xs[i], &r);
	zscore_point(z, "a", 30, &r);
	ok(isnan(r.z) && !r.anomaly, "min_count: no verdict on point 3 of 6");
	for (int i = 2; i < 5; i++)
		zscore_point(z, "a", xs[i], &r);
	zscore_point(z, "a", 100, &r);
	ok(r.anomaly, "min_count: a verdict from point 7 on");
	zscore_free(z);
}

static void
test_contrast(void)
{
	struct featset *fs = featset_new();
	struct dataset *ds = dataset_new(fs);
	uint8_t *bins, *y;
	double x[2];
	size_t n;

	featset_add(fs, "a", 1, FEATURE_NUMERIC);
	featset_add(fs, "b", 1, FEATURE_NUMERIC);
	for (int i = 0; i < 100; i++) {
		x[0] = i % 2;
		x[1] = i % 2; /* a == b always */
		dataset_add(ds, x, 0);
	}
	dataset_bin(ds, 255, 1);
	n = contrast_make(ds, 1.0, 3, &bins, &y);
	ok(n == 200 && y[150] == 1 && y[50] == 0,
	    "contrast: 100 synthetic rows");
	{
		int differ = 0;

		for (size_t i = 100; i < n; i++)
			differ += bins[i * 2] != bins[i * 2 + 1];
		ok(differ > 20, "contrast: marginals drawn independently (%d)",
		    differ);
	}
	free(bins);
	free(y);
	dataset_free(ds);
	featset_free(fs);
}

/* ad-score --info's line: the metadata, one compact JSON line. */
static void
test_info_line(void)
{
	const char *lines[] = {
	    "{\"x\":1,\"label\":\"n\"}", "{\"x\":9,\"label\":\"a\"}"};
	struct forestfile *m = train_lines(
			      lines, 2, FORESTFILE_SUPERVISED, 2, 3, 0),
			  *r;
	char path[] = "/tmp/t-forest-XXXXXX";
	struct ad_err e;
	struct buf b;
	json_t *want, *got;
	json_error_t je;
	char *text;
	int fd = mkstemp(path);

	close(fd);
	ad_err_clear(&e);
	buf_init(&b);
	forestfile_write(path, m, &e);
	r = forestfile_read(path, &e);
	want = forestfile_info(r);
	forestfile_free(r);
	ok(forestfile_info_line(path, &b, &e) == 0, "info line");
	text = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ok(b.len == strlen(text) + 1 && memcmp(b.data, text, b.len - 1) == 0 &&
		b.data[b.len - 1] == '\n' && strstr(text, "\": ") == NULL,
	    "one compact line, keys in order");
	free(text);
	got = json_loadb(b.data, b.len, 0, &je);
	ok(got != NULL && json_equal(got, want) &&
		json_integer_value(json_object_get(got, "trees")) == 2,
	    "the model's metadata");
	json_decref(got);
	json_decref(want);
	unlink(path);
	buf_reset(&b);
	ok(forestfile_info_line(path, &b, &e) < 0 && e.status == 66 &&
		b.len == 0,
	    "a missing model: 66, nothing written");
	buf_release(&b);
	forestfile_free(m);
}

int
main(void)
{
	test_separable();
	test_categorical();
	test_nan_training();
	test_iforest();
	test_model_file();
	test_malformed_tree();
	test_auc();
	test_zscore();
	test_contrast();
	test_info_line();
	return tap_done();
}
