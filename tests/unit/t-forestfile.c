/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/forestfile: a model saved and loaded keeps every
 * metadata field and predicts the same; the payload refused when cut at
 * any length, with a byte too many, of another version, with a mode that
 * does not match its forest, or with a bad class count; version 2 with a
 * cost matrix, and the class decision with and without it; the mtime as the
 * creation time when none was written; mode names and the --info JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/prng.h"
#include "forest/forestfile.h"
#include "forest/iforest.h"
#include "forest/rftrain.h"
#include "io/modelfile.h"
#include "ftrain.h"
#include "tap.h"
#include "tfiles.h"

static struct forestfile *
train(enum forestfile_mode mode)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds;
	struct rftrain p = {.mode = mode,
	    .trees = 8,
	    .max_depth = 6,
	    .max_bins = 64,
	    .min_leaf = 2,
	    .mtry = 0,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 64,
	    .seed = 11,
	    .threads = 1,
	    .nclass = 2};
	double x[2];

	m->fs = ftrain_xp_featset();
	ds = dataset_new(m->fs);
	for (int i = 0; i < 300; i++) {
		x[0] = i % 97;
		x[1] = i % 3 == 0;
		dataset_add(ds, x, x[0] > 50);
	}
	dataset_bin(ds, 64, 1);
	m->forest = rftrain_fit(ds, &p, NULL, 0);
	dataset_free(ds);
	ftrain_meta(m, mode, mode == FORESTFILE_SUPERVISED ? "label" : "",
	    mode == FORESTFILE_SUPERVISED ? "normal." : "", 0.625);
	m->trees = 8;
	m->max_depth = 6;
	m->max_bins = 64;
	m->min_leaf = 2;
	m->mtry = -1;
	m->sample_rate = 0.75;
	m->fraction = 1.5;
	m->sample_size = 64;
	m->seed = UINT64_MAX;
	m->rows = 300;
	m->cv_auc = 0.987654321;
	return m;
}

/*
 * Version 2: a cost matrix saved and read back, shown by --info, checked
 * on reading, put in class order from a file, and deciding the class.
 */
static void
test_costs(const char *path, const char *dir)
{
	struct forestfile *m = train(FORESTFILE_SUPERVISED), *r;
	double k[4] = {0, 1, 4, 0}; /* attack taken for normal costs 4 */
	unsigned char *payload;
	struct costs c;
	struct ad_err err;
	char cpath[300];
	size_t n, at = 0, all = 1;
	json_t *info;

	/*
	 * P(attack) .3: normal costs .3 * 4 = 1.2, attack .7 * 1 = .7, so
	 * attack; most probable: normal.  P(attack) .1: normal .4 < .9.
	 */
	ok(forestfile_decide(m, (double[]){.7, .3}) == 0,
	    "no costs: the most probable class");
	m->costs = xcalloc(4, sizeof(double));
	memcpy(m->costs, k, sizeof(k));
	ok(forestfile_decide(m, (double[]){.7, .3}) == 1,
	    "costs: the least expected cost (attack)");
	ok(forestfile_decide(m, (double[]){.9, .1}) == 0,
	    "costs: normal when probable enough");
	ok(forestfile_write(path, m, &err) == 0, "saved with costs");
	r = forestfile_read(path, &err);
	ok(r != NULL && r->version == 2 && r->costs != NULL &&
		memcmp(r->costs, k, sizeof(k)) == 0,
	    "read back: version 2, the same costs");
	info = r ? forestfile_info(r) : NULL;
	ok(info && json_integer_value(json_object_get(info, "version")) == 2 &&
		json_real_value(json_array_get(
		    json_array_get(json_object_get(info, "costs"), 1), 0)) == 4,
	    "--info: version 2 and costs[attack][normal] 4");
	json_decref(info);
	forestfile_free(r);
	payload = modelfile_read(path, FORESTFILE_KIND, &n, &err);
	ok(payload != NULL && payload[0] == 2, "payload version 2");
	for (size_t cut = 0; payload && cut < n; cut++)
		if ((r = forestfile_parse(payload, cut, "m", &err)) != NULL) {
			forestfile_free(r);
			all = 0;
		}
	ok(all, "every truncation of a version 2 payload refused");
	/* the cost 4.0 as stored, made -4.0 */
	for (size_t i = 0; payload && i + 8 <= n; i++)
		if (memcmp(payload + i, &k[2], 8) == 0) {
			at = i;
			break;
		}
	if (at > 0) {
		payload[at + 7] |= 0x80;
		ok(forestfile_parse(payload, n, "m", &err) == NULL &&
			err.status == EX_DATAERR,
		    "a negative cost in the file: refused");
	} else
		ok(0, "cost bytes found in the payload");
	free(payload);

	/* From a file whose classes come in another order. */
	snprintf(cpath, sizeof(cpath), "%s/c.csv", dir);
	write_file(cpath, "a\\p,attack,normal\nnormal,3,0\nattack,0,5\n");
	ok(costs_load(&c, cpath, &err) == 0, "cost file read");
	ok(forestfile_set_costs(m, &c, &err) == 0 && m->costs[0 * 2 + 1] == 3 &&
		m->costs[1 * 2 + 0] == 5 && m->costs[0] == 0 &&
		m->costs[3] == 0,
	    "set in the model's class order");
	costs_release(&c);
	write_file(cpath, "a\\p,attack,norm\nnorm,3,0\nattack,0,5\n");
	costs_load(&c, cpath, &err);
	ok(forestfile_set_costs(m, &c, &err) < 0 && err.status == EX_DATAERR &&
		err.line == 1 && strstr(err.msg, "'normal' is missing"),
	    "a class the matrix lacks: %s", err.msg);
	ok(m->costs[1 * 2 + 0] == 5, "the model keeps its costs");
	m->mode = FORESTFILE_ISOLATION;
	ok(forestfile_set_costs(m, &c, &err) < 0 && err.status == EX_USAGE,
	    "costs on an isolation model: %s", err.msg);
	m->mode = FORESTFILE_SUPERVISED;
	costs_release(&c);
	unlink(cpath);
	forestfile_free(m);
}

int
main(void)
{
	char dir[] = "/tmp/t-forestfile-XXXXXX", path[300];
	struct forestfile *m, *r;
	struct ad_err err;
	struct prng rng;
	unsigned char *payload, *copy;
	size_t n;
	int all;
	json_t *info;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/m.forest", dir);
	is_str(forestfile_mode_name(FORESTFILE_SUPERVISED), "supervised",
	    "mode name supervised");
	is_str(forestfile_mode_name(FORESTFILE_ISOLATION), "isolation",
	    "mode name isolation");

	m = train(FORESTFILE_SUPERVISED);
	snprintf(m->created, sizeof(m->created), "2026-01-02T03:04:05Z");
	ok(forestfile_write(path, m, &err) == 0, "save");
	r = forestfile_read(path, &err);
	ok(r != NULL && r->mode == m->mode && strcmp(r->label, "label") == 0 &&
		strcmp(r->normal, "normal.") == 0 && r->nclass == 2 &&
		strcmp(r->classes[1], "attack") == 0 && r->threshold == 0.625 &&
		r->trees == 8 && r->max_depth == 6 && r->max_bins == 64 &&
		r->min_leaf == 2 && r->mtry == -1 && r->sample_rate == 0.75 &&
		r->fraction == 1.5 && r->sample_size == 64 &&
		r->seed == UINT64_MAX && r->rows == 300 &&
		r->cv_auc == 0.987654321 &&
		strcmp(r->created, "2026-01-02T03:04:05Z") == 0,
	    "load: every metadata field as saved");
	ok(r && r->fs->n == 2 &&
		featset_cat_find(&r->fs->f[1], "udp", 3) ==
		    featset_cat_find(&m->fs->f[1], "udp", 3),
	    "the schema and its categories");
	prng_init(&rng, 1);
	all = r != NULL;
	for (int i = 0; all && i < 500; i++) {
		double x[2] = {prng_uniform(&rng) * 120 - 10,
		    (double)prng_below(&rng, 4) - 1};

		if (i % 10 == 0)
			x[i % 20 == 0 ? 0 : 1] = NAN;
		if (forest_predict(r->forest, x, NULL, NULL) !=
		    forest_predict(m->forest, x, NULL, NULL))
			all = 0;
	}
	ok(all, "500 predictions identical after the round trip");
	info = r ? forestfile_info(r) : NULL;
	ok(info &&
		strcmp(json_string_value(json_object_get(info, "mode")),
		    "supervised") == 0 &&
		json_integer_value(json_object_get(info, "trees")) == 8 &&
		json_real_value(json_object_get(info, "cv_auc")) ==
		    0.987654321 &&
		json_array_size(json_object_get(info, "features")) == 2 &&
		strcmp(json_string_value(json_object_get(info, "normal")),
		    "normal.") == 0 &&
		json_object_get(
		    json_object_get(info, "params"), "sample_size") == NULL,
	    "--info: mode, trees, cv_auc, features, no sample_size");
	json_decref(info);
	forestfile_free(r);

	/* The payload, then corruptions of it. */
	payload = modelfile_read(path, FORESTFILE_KIND, &n, &err);
	ok(payload != NULL && n > 100, "payload read back (%zu bytes)", n);
	all = 1;
	for (size_t cut = 0; cut < n; cut++) {
		ad_err_clear(&err);
		if ((r = forestfile_parse(payload, cut, "m", &err)) != NULL) {
			forestfile_free(r);
			all = 0;
		} else if (err.status != EX_DATAERR)
			all = 0;
	}
	ok(all, "every truncation: EX_DATAERR");
	copy = malloc(n + 1);
	memcpy(copy, payload, n);
	copy[n] = 0;
	ok(forestfile_parse(copy, n + 1, "m", &err) == NULL &&
		strcmp(err.msg, "'m': corrupt forest model") == 0,
	    "a byte too many: corrupt (%s)", err.msg);
	ok(copy[0] == 1, "a model without costs is written as version 1");
	copy[0] = 5;
	ok(forestfile_parse(copy, n, "m", &err) == NULL &&
		strstr(err.msg, "unsupported forest model version 5") != NULL,
	    "version 5: refused (%s)", err.msg);
	copy[0] = 4;
	ok(forestfile_parse(copy, n, "m", &err) == NULL &&
		strcmp(err.msg, "'m': corrupt forest model") == 0,
	    "version 4 (isolation only) of a classifier: corrupt");
	memcpy(copy, payload, n);
	copy[4] = FORESTFILE_ISOLATION;
	ok(forestfile_parse(copy, n, "m", &err) == NULL,
	    "mode isolation over a classifier: refused");
	copy[4] = 7;
	ok(forestfile_parse(copy, n, "m", &err) == NULL, "mode 7: refused");
	memcpy(copy, payload, n);
	/* u32 version, u8 mode, str label (4+5), str normal (4+7): nclass */
	copy[25] = 3;
	ok(forestfile_parse(copy, n, "m", &err) == NULL,
	    "3 classes for a 2-class forest: refused");
	copy[25] = 0;
	ok(forestfile_parse(copy, n, "m", &err) == NULL, "0 classes: refused");
	memcpy(copy, payload, n);
	r = forestfile_parse(copy, n, "m", &err);
	ok(r != NULL, "the unmodified copy decodes");
	forestfile_free(r);
	free(copy);
	free(payload);
	forestfile_free(m);

	test_costs(path, dir);

	/* Isolation model; no creation time written: the file's mtime. */
	m = train(FORESTFILE_ISOLATION);
	m->split = IFOREST_SPLIT_POOLED;
	m->scoring = IFOREST_DEPTH;
	ok(forestfile_write(path, m, &err) == 0, "isolation model saved");
	payload = modelfile_read(path, FORESTFILE_KIND, &n, &err);
	ok(payload != NULL && payload[0] == 4, "isolation: payload version 4");
	all = payload != NULL;
	for (size_t cut = 0; all && cut < n; cut++)
		if ((r = forestfile_parse(payload, cut, "m", &err)) != NULL) {
			forestfile_free(r);
			all = 0;
		}
	ok(all, "every truncation of a version 4 payload refused");
	free(payload);
	r = forestfile_read(path, &err);
	ok(r != NULL && r->mode == FORESTFILE_ISOLATION && r->nclass == 1 &&
		strlen(r->created) == 20 && r->created[10] == 'T' &&
		r->created[19] == 'Z',
	    "loaded; created from the mtime (%s)", r ? r->created : "");
	info = r ? forestfile_info(r) : NULL;
	ok(info && json_object_get(info, "label") == NULL &&
		json_integer_value(json_object_get(
		    json_object_get(info, "params"), "sample_size")) == 64 &&
		json_object_get(json_object_get(info, "params"), "mtry") ==
		    NULL,
	    "--info of an isolation model: sample_size, no label or mtry");
	ok(info &&
		strcmp(json_string_value(json_object_get(
			   json_object_get(info, "params"), "split")),
		    "pooled-gain") == 0 &&
		strcmp(json_string_value(json_object_get(
			   json_object_get(info, "params"), "scoring")),
		    "depth") == 0,
	    "--info of an isolation model: split and scoring as trained");
	json_decref(info);
	forestfile_free(r);
	forestfile_free(m);
	forestfile_free(NULL);

	ok(forestfile_read("/nonexistent/m.forest", &err) == NULL &&
		err.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT");
	snprintf(path, sizeof(path), "%s/no/dir/m", dir);
	m = train(FORESTFILE_SUPERVISED);
	ok(forestfile_write(path, m, &err) == -1 && err.status == EX_CANTCREAT,
	    "save into a missing directory: EX_CANTCREAT");
	forestfile_free(m);
	snprintf(path, sizeof(path), "%s/m.forest", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
