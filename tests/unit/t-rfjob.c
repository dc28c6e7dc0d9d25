/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/forest/rfjob: the model header each mode fills in,
 * byte-identical models for the same seed, cross-validation and its
 * report, and the errors of setup, reading and reporting.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forest/rfjob.h"
#include "tap.h"

static char data[] = "/tmp/t-rfjob-d-XXXXXX";
static struct io_conf io;

/* 200 records: a < 50 is normal, the rest attacks; b a category. */
static void
write_data(void)
{
	FILE *fp;

	close(mkstemp(data));
	fp = fopen(data, "w");
	for (int i = 0; i < 200; i++)
		fprintf(fp, "{\"a\":%d,\"b\":\"%s\",\"label\":\"%s\"}\n",
		    (i * 37) % 100, i % 3 ? "x" : "y",
		    (i * 37) % 100 < 50 ? "normal." : "smurf.");
	fclose(fp);
}

static struct rfjob_conf
conf(enum forestfile_mode mode, uint64_t seed)
{
	return (struct rfjob_conf){.p = {.mode = mode,
				       .trees = 5,
				       .max_depth = 20,
				       .max_bins = 255,
				       .min_leaf = 1,
				       .mtry = RFTRAIN_SQRT,
				       .sample_rate = 1,
				       .fraction = 0.1,
				       .sample_size = 64,
				       .seed = seed,
				       .threads = 1},
	    .label = "label",
	    .normal = "normal."};
}

/* Run a job on path; the job on success, else NULL with e set. */
static struct rfjob *
train(const struct rfjob_conf *c, const char *path, struct ad_err *e)
{
	char *files[1] = {(char *)path};
	struct rfjob *j = rfjob_new(c, e);
	struct recin *in;

	if (j == NULL)
		return NULL;
	in = recin_new(files, 1, &io, NULL, false, e);
	if (rfjob_read(j, in, e) < 0 || rfjob_evaluate(j, NULL, e) < 0) {
		recin_free(in);
		rfjob_free(j);
		return NULL;
	}
	recin_free(in);
	rfjob_fit(j);
	return j;
}

/* The bytes of j's model file, saved to a temporary file. */
static char *
model_bytes(const struct rfjob *j, size_t *n)
{
	char path[] = "/tmp/t-rfjob-m-XXXXXX";
	struct ad_err e;
	char *bytes;
	FILE *fp;

	close(mkstemp(path));
	ad_err_clear(&e);
	if (forestfile_write(path, rfjob_model(j), &e) < 0)
		return NULL;
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	rewind(fp);
	bytes = xmalloc(*n + 1);
	*n = fread(bytes, 1, *n, fp);
	fclose(fp);
	unlink(path);
	return bytes;
}

static void
test_supervised(void)
{
	struct rfjob_conf c = conf(FORESTFILE_SUPERVISED, 7);
	struct rfjob *j1, *j2, *j3;
	const struct forestfile *m;
	char *b1, *b2, *b3;
	size_t n1 = 0, n2 = 0, n3 = 0;
	const char *head = "200 records read, 3 rejected, 2 features, ";
	struct ad_err e;
	struct buf b;

	ad_err_clear(&e);
	j1 = train(&c, data, &e);
	ok(j1 != NULL, "supervised: trains (%s)", e.msg);
	if (j1 == NULL)
		return;
	m = rfjob_model(j1);
	ok(m->mode == FORESTFILE_SUPERVISED && m->nclass == 2,
	    "supervised: binary model");
	is_str(m->label, "label", "supervised: label field");
	is_str(m->normal, "normal.", "supervised: normal value");
	is_str(m->classes[0], "normal", "supervised: class 0 is normal");
	ok(m->trees == 5 && m->max_depth == 20 && m->max_bins == 255 &&
		m->min_leaf == 1,
	    "supervised: hyperparameters recorded");
	ok(m->fs->n == 2 && m->mtry == 1, "supervised: 2 features, mtry 1");
	ok(m->seed == 7 && m->rows == 200, "supervised: seed and rows");
	ok(m->created[0] == '\0', "supervised: no clock in the file");
	ok(isnan(m->cv_auc), "supervised: no cv, no auc");
	ok(m->threshold == 0.5, "supervised: threshold 0.5");

	j2 = train(&c, data, &e);
	c.p.seed = 8;
	j3 = train(&c, data, &e);
	b1 = model_bytes(j1, &n1);
	b2 = model_bytes(j2, &n2);
	b3 = model_bytes(j3, &n3);
	ok(b1 && b2 && n1 > 0 && n1 == n2 && memcmp(b1, b2, n1) == 0,
	    "same seed, same bytes (%zu)", n1);
	ok(b3 && (n1 != n3 || memcmp(b1, b3, n1) != 0),
	    "another seed, other bytes");

	buf_init(&b);
	rfjob_summary(j1, 3, "m.rf", &b);
	ok(strncmp(b.data, head, strlen(head)) == 0,
	    "summary: counts first: %s", b.data);
	ok(strstr(b.data, "; 5 trees, ") != NULL &&
		strstr(b.data, " s training; model 'm.rf'") != NULL,
	    "summary: trees, model path last");
	buf_release(&b);
	free(b1);
	free(b2);
	free(b3);
	rfjob_free(j1);
	rfjob_free(j2);
	rfjob_free(j3);
}

static void
test_other_modes(void)
{
	struct rfjob_conf c = conf(FORESTFILE_ISOLATION, 3);
	const struct forestfile *m;
	struct rfjob *j;
	struct ad_err e;

	ad_err_clear(&e);
	j = train(&c, data, &e);
	ok(j != NULL, "isolation: trains");
	if (j != NULL) {
		m = rfjob_model(j);
		ok(m->nclass == 1, "isolation: one class");
		is_str(m->classes[0], "anomaly", "isolation: named anomaly");
		is_str(m->normal, "", "isolation: no normal value");
		ok(m->max_depth == forest_depth(m->forest) && m->max_depth < 20,
		    "isolation: depth is the forest's (%d)", m->max_depth);
		ok(m->sample_size == 64, "isolation: sample size");
	}
	rfjob_free(j);

	c = conf(FORESTFILE_UNSUPERVISED, 3);
	c.p.mtry = 0;
	j = train(&c, data, &e);
	ok(j != NULL, "unsupervised: trains");
	if (j != NULL) {
		m = rfjob_model(j);
		ok(m->nclass == 2, "unsupervised: two classes");
		is_str(m->classes[0], "real", "unsupervised: real");
		is_str(m->classes[1], "synthetic", "unsupervised: synthetic");
		ok(m->mtry == 2, "unsupervised: mtry all is the feature count");
		ok(m->fraction == 0.1, "unsupervised: fraction recorded");
	}
	rfjob_free(j);
}

static void
test_cv(void)
{
	struct rfjob_conf c = conf(FORESTFILE_SUPERVISED, 1);
	char rep[] = "/tmp/t-rfjob-r-XXXXXX";
	struct rfjob *j;
	struct ad_err e;
	json_t *v;

	close(mkstemp(rep));
	ad_err_clear(&e);
	c.cv = 2;
	c.report = rep;
	j = train(&c, data, &e);
	ok(j != NULL, "cv: trains");
	if (j != NULL) {
		double auc = rfjob_model(j)->cv_auc;

		ok(auc >= 0.9 && auc <= 1, "cv: auc kept in the model (%g)",
		    auc);
	}
	v = json_load_file(rep, 0, NULL);
	ok(v != NULL && json_is_object(v), "cv: report written as JSON");
	json_decref(v);
	rfjob_free(j);
	unlink(rep);

	c.report = "/nonexistent/dir/r.json";
	ad_err_clear(&e);
	j = train(&c, data, &e);
	ok(j == NULL && e.status == EX_CANTCREAT, "cv: unwritable report");
	is_str(e.msg,
	    "cannot create '/nonexistent/dir/r.json': No such file or "
	    "directory",
	    "cv: says which and why");
}

static void
test_errors(void)
{
	struct rfjob_conf c = conf(FORESTFILE_SUPERVISED, 1);
	char path[] = "/tmp/t-rfjob-e-XXXXXX";
	struct rfjob *j;
	struct ad_err e;
	FILE *fp;

	ad_err_clear(&e);
	c.classes = "/nonexistent/classes";
	ok(rfjob_new(&c, &e) == NULL && e.status == EX_NOINPUT,
	    "a missing classes file: 66");
	c.classes = NULL;
	c.features = ",";
	ad_err_clear(&e);
	ok(rfjob_new(&c, &e) == NULL && e.status == EX_USAGE,
	    "empty feature list: 64");
	is_str(e.msg, "--features: no field names", "and says so");
	c.features = NULL;

	close(mkstemp(path));
	ad_err_clear(&e);
	j = train(&c, path, &e);
	ok(j == NULL && e.status == EX_DATAERR, "no records: 65");
	is_str(e.msg, "no records to train on", "and says so");

	fp = fopen(path, "w");
	fputs("{\"a\":1,\"label\":\"normal.\"}\n{\"a\":2,\"label\":\"normal.\"}"
	      "\n",
	    fp);
	fclose(fp);
	ad_err_clear(&e);
	j = train(&c, path, &e);
	ok(j == NULL && e.status == EX_DATAERR, "only normal records: 65");
	is_str(e.msg, "the training records hold only normal records",
	    "and says so");

	fp = fopen(path, "w");
	fputs("{\"label\":\"normal.\"}\n{\"label\":\"smurf.\"}\n", fp);
	fclose(fp);
	ad_err_clear(&e);
	j = train(&c, path, &e);
	ok(j == NULL && e.status == EX_DATAERR, "no features: 65");
	is_str(e.msg, "no features to train on", "and says so");
	unlink(path);
}

int
main(void)
{
	io_conf_init(&io, "t-rfjob");
	write_data();
	test_supervised();
	test_other_modes();
	test_cv();
	test_errors();
	unlink(data);
	io_conf_release(&io);
	return tap_done();
}
