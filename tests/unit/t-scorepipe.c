/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/forest/scorepipe: ad-score's forest loop over files with a small
 * supervised forest (high x is an attack): scores and anomaly flags in
 * input order, bad records rejected, --anomalies, --threshold, and the
 * hot reload on SIGHUP, good and broken.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jscan.h"
#include "forest/dataset.h"
#include "forest/featset.h"
#include "forest/forestfile.h"
#include "forest/rftrain.h"
#include "forest/scorepipe.h"
#include "io/io.h"
#include "io/recin.h"
#include "io/reload.h"
#include "io/sink.h"
#include "tap.h"

/* As in t-forest. */
static struct forestfile *
train_lines(const char *const *lines, size_t n, enum forestfile_mode mode,
    int trees, int depth, int mtry)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds;
	struct jscan js;
	long col[64];
	double *x = NULL;
	size_t cap = 0;
	struct rftrain p = {.mode = mode,
	    .trees = trees,
	    .max_depth = depth,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .mtry = mtry,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 256,
	    .seed = 7,
	    .threads = 2,
	    .nclass = 2};

	m->fs = featset_new();
	featset_set_lists(m->fs, NULL, NULL, "label");
	ds = dataset_new(m->fs);
	jscan_init(&js);
	for (size_t i = 0; i < n; i++) {
		const struct jscan_member *l;
		uint8_t y = 0;

		jscan_object(&js, lines[i], strlen(lines[i]));
		if ((l = jscan_find(&js, "label", 5)) != NULL)
			y = l->val[1] == 'a';
		for (size_t j = 0; j < js.n; j++)
			col[j] = FEATSET_COL_UNKNOWN;
		featset_learn_scan(m->fs, js.m, NULL, col, js.n, &x, &cap);
		dataset_add(ds, x, y);
	}
	jscan_release(&js);
	dataset_bin(ds, 255, 2);
	m->forest = rftrain_fit(ds, &p, NULL, 0);
	m->mode = mode;
	m->label = xstrdup("label");
	m->normal = xstrdup("n");
	m->nclass = mode == FORESTFILE_ISOLATION ? 1 : 2;
	m->classes = xcalloc(2, sizeof(char *));
	m->classes[0] = xstrdup("normal");
	if (m->nclass == 2)
		m->classes[1] = xstrdup("attack");
	m->threshold = 0.5;
	m->cv_auc = NAN;
	m->trees = trees;
	free(x);
	dataset_free(ds);
	return m;
}

static struct forestfile *
separable(void)
{
	const char *lines[200];
	char buf[200][96];

	for (int i = 0; i < 200; i++) {
		snprintf(buf[i], sizeof(buf[i]),
		    "{\"x\":%d,\"noise\":%d,\"label\":\"%s\"}", i, (i * 7) % 13,
		    i >= 100 ? "a" : "n");
		lines[i] = buf[i];
	}
	return train_lines(lines, 200, FORESTFILE_SUPERVISED, 10, 20, 0);
}

static char said[8][600];
static size_t nsaid;

static void
collect(void *arg, const char *msg)
{
	(void)arg;
	if (nsaid < 8)
		snprintf(said[nsaid++], sizeof(said[0]), "%s", msg);
}

static const char input[] = "{\"id\":1,\"x\":150,\"noise\":3}\n"
			    "{\"id\":2,\"x\":20,\"noise\":3}\n"
			    "not json\n"
			    "{\"id\":3,\"x\":180,\"noise\":1}\n"
			    "{\"id\":4,\"x\":5,\"noise\":1}\n";

/* scorepipe_run() over input; the output records in *out (new). */
static int
run(const char *dir, struct forestfile *m, const struct scorepipe_conf *c,
    json_t **out, size_t *rejected, struct scorepipe_stats *st)
{
	char in_path[300], out_path[300], line[1000];
	char *operands[1] = {in_path};
	struct io_conf io;
	struct recin *in;
	struct sink *sk;
	struct ad_err err;
	json_error_t je;
	FILE *fp;
	int rc;

	snprintf(in_path, sizeof(in_path), "%s/in.ndjson", dir);
	snprintf(out_path, sizeof(out_path), "%s/out.ndjson", dir);
	fp = fopen(in_path, "w");
	fputs(input, fp);
	fclose(fp);
	io_conf_init(&io, "t-scorepipe");
	ad_err_clear(&err);
	in = recin_new(operands, 1, &io, NULL, false, &err);
	sk = sink_open(out_path, &io, &err);
	rc = scorepipe_run(m, c, in, sk, st, &err);
	sink_close(sk, &err);
	*rejected = recin_reject_count(in);
	recin_free(in);
	io_conf_release(&io);
	*out = json_array();
	fp = fopen(out_path, "r");
	while (fgets(line, sizeof(line), fp) != NULL)
		json_array_append_new(*out, json_loads(line, 0, &je));
	fclose(fp);
	return rc;
}

static double
num(json_t *a, size_t i, const char *field)
{
	json_t *v = json_object_get(json_array_get(a, i), field);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool
flag(json_t *a, size_t i)
{
	return json_is_true(json_object_get(json_array_get(a, i), "anomaly"));
}

int
main(void)
{
	char dir[] = "/tmp/t-scorepipe.XXXXXX", model_path[300], want[400];
	struct scorepipe_conf c = {.model_path = model_path,
	    .threshold = NAN,
	    .verbose = true,
	    .warn = collect};
	struct scorepipe_stats st;
	struct forestfile *m = separable();
	struct ad_err err;
	json_t *out;
	size_t rej;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(model_path, sizeof(model_path), "%s/m.rf", dir);
	ad_err_clear(&err);
	if (forestfile_save(m, model_path, &err) < 0)
		return 1;

	ok(run(dir, m, &c, &out, &rej, &st) == 0, "run: 0 at the end");
	ok(json_array_size(out) == 4 && rej == 1,
	    "four records out, the bad line rejected");
	ok(num(out, 0, "id") == 1 && num(out, 1, "id") == 2 &&
		num(out, 2, "id") == 3 && num(out, 3, "id") == 4,
	    "in input order");
	ok(num(out, 0, "score") > 0.9 && flag(out, 0) &&
		num(out, 2, "score") > 0.9 && flag(out, 2),
	    "high x: high score, anomalous");
	ok(num(out, 1, "score") < 0.1 && !flag(out, 1) &&
		num(out, 3, "score") < 0.1 && !flag(out, 3),
	    "low x: low score, normal");
	ok(nsaid == 0 && st.reloads == 0, "no reload, nothing said");
	json_decref(out);

	c.anomalies_only = true;
	m = forestfile_load(model_path, &err);
	run(dir, m, &c, &out, &rej, &st);
	ok(json_array_size(out) == 2 && num(out, 0, "id") == 1 &&
		num(out, 1, "id") == 3,
	    "--anomalies: only the two anomalies");
	json_decref(out);

	c.anomalies_only = false;
	c.threshold = 0; /* everything is anomalous */
	m = forestfile_load(model_path, &err);
	run(dir, m, &c, &out, &rej, &st);
	ok(json_array_size(out) == 4 && flag(out, 1) && flag(out, 3),
	    "--threshold 0: every record anomalous");
	json_decref(out);
	c.threshold = NAN;

	/* SIGHUP: the file is read again before the next record */
	reload_hup = 1;
	m = forestfile_load(model_path, &err);
	run(dir, m, &c, &out, &rej, &st);
	snprintf(want, sizeof(want), "reloaded '%s'", model_path);
	ok(st.reloads == 1 && nsaid == 1, "reloaded once");
	is_str(said[0], want, "and said so (verbose)");
	ok(json_array_size(out) == 4 && flag(out, 0) && !flag(out, 1),
	    "scores from the reloaded model");
	json_decref(out);

	nsaid = 0;
	{
		FILE *fp = fopen(model_path, "w");

		fputs("not a model\n", fp);
		fclose(fp);
	}
	reload_hup = 1;
	m = separable();
	run(dir, m, &c, &out, &rej, &st);
	ok(st.reloads == 0 && nsaid == 1 &&
		strstr(said[0], "not an adpipe model file; keeping the "
				"previous model") != NULL,
	    "a broken file keeps the old model: %s", said[0]);
	ok(json_array_size(out) == 4 && flag(out, 0), "and scoring goes on");
	json_decref(out);

	unlink(model_path);
	snprintf(want, sizeof(want), "%s/in.ndjson", dir);
	unlink(want);
	snprintf(want, sizeof(want), "%s/out.ndjson", dir);
	unlink(want);
	rmdir(dir);
	return tap_done();
}
