/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-score: add an anomaly score to each record, with a forest model (hot
 * reloaded when the file is replaced or on SIGHUP; lib/forest/scorepipe)
 * or per-key running z-scores (lib/detect/zsrun).
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detect/zsrun.h"
#include "forest/forestfile.h"
#include "forest/scorepipe.h"
#include "io/endpoint.h"
#include "io/recin.h"
#include "io/reload.h"
#include "io/sink.h"
#include "record/costs.h"

struct opts {
	struct cli cli;
	const char *model, *costs;
	double threshold;
	bool anomalies, info;
	int explain;
	struct zsrun_opts z;
	char **files;
	size_t nfiles;
};

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct zsrun_opts *z = &o->z;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_STRING('m', "model", &o->model, "model",
		"forest model from ad-train-rf"),
	    OPT_DOUBLE(0, "threshold", &o->threshold, "t", -1e300, 1e300,
		"anomaly when score >= T (default: the model's)"),
	    OPT_STRING(0, "costs", &o->costs, "file",
		"class of least expected cost (CSV matrix)"),
	    OPT_FLAG(
		0, "anomalies", &o->anomalies, "pass only anomalous records"),
	    OPT_INT(0, "explain", &o->explain, "n", 1, 1000,
		"add the N features that moved the score most"),
	    OPT_FLAG(0, "info", &o->info, "print the model's metadata as JSON"),
	    OPT_DOUBLE(0, "zscore", &z->k, "k", 0, 1e300,
		"per-key z-score, anomalous beyond K sd"),
	    OPT_FLAG(
		0, "one-sided", &z->one_sided, "only values above mean + K sd"),
	    OPT_SIZE(0, "min-count", &z->min_count, "n", 2, LONG_MAX,
		"points of a key before it can be anomalous (2)"),
	    OPT_STRING(0, "id", &z->id, "field", "key field (default id)"),
	    OPT_STRING(
		0, "field", &z->field, "field", "value field (default value)"),
	    OPT_STRING(0, "state", &z->state, "file",
		"load state at start, save at exit"),
	    OPT_SIZE(0, "save-every", &z->save_every, "n", 1, LONG_MAX,
		"also save every N records (default 10000)"),
	    OPT_SIZE(0, "max-keys", &z->max_keys, "n", 1, LONG_MAX,
		"keys kept, least recently used evicted (100000)"),
	    OPT_STRING(0, "model-in", &z->model_in, "src",
		"read state lines from SRC and apply them"),
	    OPT_STRING(0, "model-out", &z->model_out, "dest",
		"publish state lines to DEST"),
	    CLI_OPTION_METRICS(&o->cli),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-score", NULL, "[file ...]", options};
	int first;

	cli_init(&o->cli, "ad-score");
	o->threshold = NAN;
	*z = (struct zsrun_opts){.k = NAN,
	    .id = "id",
	    .field = "value",
	    .save_every = 10000,
	    .max_keys = 100000};
	first = opt_parse(&prog, argc, argv);
	z->anomalies_only = o->anomalies;
	if (o->info && o->model == NULL && first < argc)
		o->model = argv[first++];
	if (isnan(z->k) == (o->model == NULL))
		opt_usage_error(&prog, "%s",
		    o->model ? "give -m model or --zscore k, not both"
			     : "no model: give -m model or --zscore k");
	if (o->costs != NULL && o->model == NULL)
		opt_usage_error(&prog, "--costs needs -m model");
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

static int
info(const char *path)
{
	struct ad_err e;
	struct buf b;
	int status = EX_OK;

	ad_err_clear(&e);
	buf_init(&b);
	if (forestfile_info_line(path, &b, &e) < 0)
		status = ad_err_report(&e);
	else
		fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
	return status;
}

static void
say(void *arg, const char *msg)
{
	(void)arg;
	warnx("%s", msg);
}

/* Score with the forest of -m; 0, or -1 with err set. */
static int
score_forest(
    const struct opts *o, struct recin *in, struct sink *out, struct ad_err *e)
{
	struct scorepipe_conf c = {.model_path = o->model,
	    .threshold = o->threshold,
	    .explain = o->explain,
	    .anomalies_only = o->anomalies,
	    .verbose = o->cli.verbose > 0,
	    .warn = say};
	struct scorepipe_stats st;
	struct forestfile *m;
	struct costs k = {0};
	int rc;

	if (o->costs != NULL && costs_load(&k, o->costs, e) < 0)
		return -1;
	if ((m = forestfile_read(o->model, e)) == NULL ||
	    (o->costs != NULL && forestfile_set_costs(m, &k, e) < 0)) {
		forestfile_free(m);
		costs_release(&k);
		return -1;
	}
	c.costs = o->costs != NULL ? &k : NULL;
	reload_signals_init();
	rc = scorepipe_run(m, &c, in, out, &st, e);
	costs_release(&k);
	if (o->cli.verbose > 0)
		fprintf(stderr,
		    "ad-score: %zu read, %zu rejected, %zu slow path\n",
		    recin_read_count(in), recin_reject_count(in), st.nslow);
	return rc;
}

/* Score with the forest of -m or the running z-score of --zscore. */
static int
run(void *prog, struct recin *in, struct sink *out, int *soft, struct ad_err *e)
{
	const struct opts *o = prog;

	(void)soft;
	recin_set_sink(in, out); /* flushed whenever the input waits */
	if (o->model)
		return score_forest(o, in, out, e);
	return zsrun(&o->z, in, out, o->cli.verbose, &o->cli.io, e);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct recin *in = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	ad_signals_init();
	parse_opts(argc, argv, &o);
	o.cli.also[0] = o.z.state;
	o.cli.also[1] = o.z.model_out;
	status = o.info ? info(o.model)
			: cli_run(&o.cli, o.files, o.nfiles, run, &o, &in);
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
