/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast: train LSTM forecasters on metric series (train), and
 * check a stream of points against their forecasts with a tolerance queue
 * (run), emitting forecast, error, mismatch and score for each point.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/report.h"
#include "lstm/fcrun.h"
#include "lstm/fctrain.h"
#include "lstm/forecast.h"
#include "base/keymap.h"
#include "lstm/lstmfile.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "io/recin.h"
#include "io/reload.h"
#include "io/endpoint.h"
#include "io/sink.h"

enum {
	OPT_WINDOW = CLI_PROGRAM_OPTIONS,
	OPT_HIDDEN,
	OPT_EPOCHS,
	OPT_BATCH,
	OPT_LR,
	OPT_VAL,
	OPT_PER_KEY,
	OPT_SHARED,
	OPT_ID,
	OPT_TIME,
	OPT_FIELD,
	OPT_THREADS,
	OPT_REPORT,
	OPT_TOLERANCE,
	OPT_ABS_TOLERANCE,
	OPT_HORIZON,
	OPT_RESYNC,
	OPT_MAX_KEYS,
};

struct opts {
	struct cli cli;
	bool train;
	struct fctrain_conf tc;
	struct forecast_conf fc;
	const char *model, *report, *id, *time, *field;
	long max_keys;
	char **operands;
	size_t noperands;
};

static const char synopsis[] =
    "usage: ad-forecast train [-hqVv] [-s seed] [--window n] [--hidden n] "
    "[--epochs n]\n"
    "           [--batch n] [--lr rate] [--val fraction] [--per-key | "
    "--shared]\n"
    "           [--id field] [--time field] [--field field] [--threads n]\n"
    "           [--report file] -o model [file ...]\n"
    "       ad-forecast run [-hqVv] -m model [-o dest] [--tolerance f] "
    "[--abs-tolerance x]\n"
    "           [--horizon n] [--resync n] [--id field] [--time field]\n"
    "           [--field field] [--max-keys n] [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -e, --exit-at-end     (Kafka sources) stop at the end\n"
		    "  -h, --help            show this help and exit\n"
		    "  -m, --model FILE      the model to forecast with (run) "
		    "or to write (train)\n"
		    "  -o, --output DEST     (run) destination; (train) the "
		    "model, as -m\n"
		    "  -q, --quiet           no warnings about keys without a "
		    "model\n"
		    "  -s, --seed S          (train) initialisation and "
		    "shuffling (default 0)\n"
		    "  -V, --version         print the version and exit\n"
		    "  -v, --verbose         print a summary on stderr at the "
		    "end\n"
		    "  -X name=value         librdkafka property (repeatable); "
		    "-F file of them\n"
		    "      --window N        (train) inputs per forecast "
		    "(default 30)\n"
		    "      --hidden N        (train) LSTM units (default 64)\n"
		    "      --epochs N        (train) passes over the data "
		    "(default 20)\n"
		    "      --batch N         (train) windows per step "
		    "(default 128)\n"
		    "      --lr RATE         (train) Adam learning rate "
		    "(default 0.001)\n"
		    "      --val FRACTION    (train) validation tail of each "
		    "series (default 0.2)\n"
		    "      --per-key         (train) one model per key "
		    "(default)\n"
		    "      --shared          (train) one model for all keys\n"
		    "      --id FIELD        key field (default id; \"\": one "
		    "series)\n"
		    "      --time FIELD      time field (default ts)\n"
		    "      --field FIELD     value field (default value)\n"
		    "      --threads N       (train) worker threads (default: "
		    "cores)\n"
		    "      --report FILE     (train) losses per epoch as JSON\n"
		    "      --tolerance F     (run) accepted |error| / "
		    "|forecast| (default 0.05)\n"
		    "      --abs-tolerance X (run) accepted |error| near zero "
		    "(default 0)\n"
		    "      --horizon N       (run) forecast N steps ahead "
		    "(default 1)\n"
		    "      --resync N        (run) real values back in after N "
		    "mismatches in a row\n"
		    "                        (default: the window; 0: never)\n"
		    "      --max-keys N      (run) keys kept (default "
		    "100000)\n"
		    "      --reject FILE     append bad lines to FILE\n"
		    "      --strict          stop at the first bad line\n"
		    "      --max-line SIZE   longest input line (default "
		    "16M)\n",
		    fp);
	exit(status);
}

static int
parse_size(const char *opt, const char *arg, long lo, long hi, size_t *out,
    struct ad_err *e)
{
	long v;

	if (num_parse_long(opt, arg, lo, hi, &v, e) < 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int
train_option(struct opts *o, int c, const char *arg, struct ad_err *e)
{
	struct fctrain_conf *t = &o->tc;
	long v;

	switch (c) {
	case 'm':
		o->cli.output = arg;
		return 0;
	case 's':
		if (num_parse_long("--seed", arg, 0, LONG_MAX, &v, e) < 0)
			return -1;
		t->seed = (uint64_t)v;
		return 0;
	case OPT_WINDOW:
		return parse_size("--window", arg, 1, 100000, &t->window, e);
	case OPT_HIDDEN:
		return parse_size("--hidden", arg, 1, 4096, &t->hidden, e);
	case OPT_EPOCHS:
		return parse_size("--epochs", arg, 0, 1000000, &t->epochs, e);
	case OPT_BATCH:
		return parse_size("--batch", arg, 1, 1000000, &t->batch, e);
	case OPT_LR:
		return num_parse_double("--lr", arg, 1e-9, 10, &t->lr, e);
	case OPT_VAL:
		return num_parse_double("--val", arg, 0, 0.9, &t->val, e);
	case OPT_PER_KEY:
	case OPT_SHARED:
		t->shared = c == OPT_SHARED;
		return 0;
	case OPT_THREADS:
		return parse_size("--threads", arg, 1, 256, &t->threads, e);
	case OPT_REPORT:
		o->report = arg;
		return 0;
	}
	return 1;
}

static int
run_option(struct opts *o, int c, const char *arg, struct ad_err *e)
{
	switch (c) {
	case 'm':
		o->model = arg;
		return 0;
	case OPT_TOLERANCE:
		return num_parse_double(
		    "--tolerance", arg, 0, 1e300, &o->fc.tolerance, e);
	case OPT_ABS_TOLERANCE:
		return num_parse_double(
		    "--abs-tolerance", arg, 0, 1e300, &o->fc.abs_tolerance, e);
	case OPT_HORIZON:
		return parse_size(
		    "--horizon", arg, 1, 10000, &o->fc.horizon, e);
	case OPT_RESYNC:
		return parse_size(
		    "--resync", arg, 0, 1000000, &o->fc.resync, e);
	case OPT_MAX_KEYS:
		return num_parse_long(
		    "--max-keys", arg, 1, LONG_MAX, &o->max_keys, e);
	}
	return 1;
}

static const char *
option_name(const struct option *longopts, int c)
{
	static char name[64];

	for (; longopts->name != NULL; longopts++)
		if (longopts->val == c) {
			snprintf(name, sizeof(name), "--%s", longopts->name);
			return name;
		}
	snprintf(name, sizeof(name), "-%c", c);
	return name;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"model", required_argument, NULL, 'm'},
	    {"seed", required_argument, NULL, 's'},
	    {"window", required_argument, NULL, OPT_WINDOW},
	    {"hidden", required_argument, NULL, OPT_HIDDEN},
	    {"epochs", required_argument, NULL, OPT_EPOCHS},
	    {"batch", required_argument, NULL, OPT_BATCH},
	    {"lr", required_argument, NULL, OPT_LR},
	    {"val", required_argument, NULL, OPT_VAL},
	    {"per-key", no_argument, NULL, OPT_PER_KEY},
	    {"shared", no_argument, NULL, OPT_SHARED},
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
	    {"abs-tolerance", required_argument, NULL, OPT_ABS_TOLERANCE},
	    {"horizon", required_argument, NULL, OPT_HORIZON},
	    {"resync", required_argument, NULL, OPT_RESYNC},
	    {"max-keys", required_argument, NULL, OPT_MAX_KEYS},
	    {NULL, 0, NULL, 0},
	};
	struct ad_err e;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int c, rc;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-forecast");
	o->tc = (struct fctrain_conf){
	    .window = 30,
	    .hidden = 64,
	    .epochs = 20,
	    .batch = 128,
	    .lr = 0.001,
	    .val = 0.2,
	    .threads = ncpu < 1	   ? 1
		       : ncpu > 64 ? 64
				   : (size_t)ncpu,
	};
	o->fc = (struct forecast_conf){
	    .tolerance = 0.05, .horizon = 1, .resync = FORECAST_RESYNC_WINDOW};
	o->max_keys = 100000;
	if (argc > 1 && strcmp(argv[1], "train") == 0)
		o->train = true;
	else if (argc > 1 && strcmp(argv[1], "run") != 0 && argv[1][0] != '-') {
		warnx("unknown command '%s'", argv[1]);
		usage(stderr, EX_USAGE);
	}
	if (argc > 1 && argv[1][0] != '-') {
		optind = 2;
	} else if (argc < 2 || (strcmp(argv[1], "-h") != 0 &&
				   strcmp(argv[1], "--help") != 0 &&
				   strcmp(argv[1], "-V") != 0 &&
				   strcmp(argv[1], "--version") != 0)) {
		warnx("a command is needed: train or run");
		usage(stderr, EX_USAGE);
	}
	while ((c = getopt_long(
		    argc, argv, CLI_SHORTOPTS "m:s:", longopts, NULL)) != -1) {
		if ((rc = cli_option(&o->cli, c, optarg, &e)) < 0)
			goto bad;
		if (rc > 0)
			continue;
		if (c == 'h')
			usage(stdout, EX_OK);
		if (c == 'V') {
			printf("ad-forecast %s\n", AD_VERSION);
			exit(EX_OK);
		}
		if (c == OPT_ID || c == OPT_TIME || c == OPT_FIELD) {
			*(c == OPT_ID	    ? &o->id
			    : c == OPT_TIME ? &o->time
					    : &o->field) = optarg;
			continue;
		}
		rc = o->train ? train_option(o, c, optarg, &e)
			      : run_option(o, c, optarg, &e);
		if (rc < 0)
			goto bad;
		if (rc > 0) {
			if (c != '?')
				warnx("option '%s' is not for '%s'",
				    option_name(longopts, c),
				    o->train ? "train" : "run");
			usage(stderr, EX_USAGE);
		}
	}
	if (o->train && o->cli.output == NULL) {
		warnx("train needs -o model");
		usage(stderr, EX_USAGE);
	}
	if (!o->train && o->model == NULL) {
		warnx("run needs -m model");
		usage(stderr, EX_USAGE);
	}
	o->tc.id_field = o->id ? o->id : "id";
	o->tc.time_field = o->time ? o->time : "ts";
	o->tc.value_field = o->field ? o->field : "value";
	o->tc.quiet = o->cli.quiet;
	o->operands = argv + optind;
	o->noperands = (size_t)(argc - optind);
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

static void
print_epoch(const char *model, size_t epoch, size_t epochs, double train_loss,
    double val_loss, void *arg)
{
	(void)arg;
	fprintf(stderr,
	    "ad-forecast: '%s' epoch %zu/%zu: train loss %.6g, validation "
	    "loss %.6g\n",
	    model, epoch, epochs, train_loss, val_loss);
}

static int
train_main(struct opts *o)
{
	struct fctrain_data d;
	struct recin *in;
	struct ad_err e;
	struct buf key;
	struct forecast_point p;
	struct lstmfile *m = NULL;
	json_t *rec, *report = NULL, *skip;
	char why[300];
	size_t i;
	int status = EX_OK, rc;

	ad_err_clear(&e);
	if (o->cli.verbose)
		o->tc.on_epoch = print_epoch;
	fctrain_data_init(&d);
	buf_init(&key);
	if ((in = recin_new(o->operands, o->noperands, &o->cli.io,
		 o->cli.reject, o->cli.strict, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	while ((rc = recin_next(in, &rec, &e)) > 0) {
		rc = forecast_decode(rec, o->tc.id_field, o->tc.time_field,
		    o->tc.value_field, &key, &p, why, sizeof(why));
		if (rc == 0)
			fctrain_data_add(
			    &d, p.key, p.has_time, p.t_ms, p.value);
		json_decref(rec);
		if (rc < 0 && recin_reject(in, "%s", why) < 0)
			break;
	}
	if (rc < 0 && e.status != EX_OK) {
		status = ad_err_report(&e);
		goto out;
	}
	if (d.n == 0 && recin_status(in) == EX_NOINPUT) {
		status = EX_NOINPUT;
		goto out;
	}
	m = fctrain(&d, &o->tc, &report, &e);
	json_array_foreach(json_object_get(report, "skipped"), i, skip)
		if (!o->cli.quiet)
			warnx("key '%s': %lld points, too few to train on",
			    json_string_value(json_object_get(skip, "key")),
			    json_integer_value(
				json_object_get(skip, "points")));
	if (m == NULL)
		status = ad_err_report(&e);
	if (m != NULL && lstmfile_write(o->cli.output, m, &e) < 0)
		status = ad_err_report(&e);
	if (report != NULL && o->report != NULL &&
	    report_write(o->report, report, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (o->cli.verbose)
		fprintf(stderr,
		    "ad-forecast: read %zu, rejected %zu; trained "
		    "%zu keys, %zu models\n",
		    recin_read_count(in), recin_reject_count(in),
		    m ? m->nkeys : 0, m ? m->nnets : 0);
	if (status == EX_OK)
		status = recin_status(in);
out:
	json_decref(report);
	lstmfile_free(m);
	recin_free(in);
	buf_release(&key);
	fctrain_data_release(&d);
	return status;
}

struct runner {
	struct opts *o;
	struct fcrun *run;
	struct keymap *warned;
	struct sink *out;
	struct buf scratch, key;
	struct ad_err err;
	const char *idf, *timef, *valf;
	size_t nomodel, reloads;
};

static void
use_fields(struct runner *r)
{
	const struct lstmfile *m = r->run->model;

	r->idf = r->o->id ? r->o->id : m->id_field;
	r->timef = r->o->time ? r->o->time : m->time_field;
	r->valf = r->o->field ? r->o->field : m->value_field;
}

static void
reload(struct runner *r)
{
	struct ad_err e;
	struct lstmfile *m = lstmfile_read(r->o->model, &e);

	if (m == NULL) {
		warnx("%s; the old model stays in service", e.msg);
		return;
	}
	fcrun_swap(r->run, m);
	use_fields(r);
	r->reloads++;
	if (r->o->cli.verbose)
		warnx("reloaded '%s'", r->o->model);
}

static int
run_input(struct runner *r, struct recin *in)
{
	struct reload rl;
	struct forecast_point p;
	char why[300];
	json_t *rec;
	int rc;

	reload_init(&rl, r->o->model);
	while ((rc = recin_next(in, &rec, &r->err)) > 0) {
		if (reload_changed(&rl))
			reload(r);
		if (forecast_decode(rec, r->idf, r->timef, r->valf, &r->key, &p,
			why, sizeof(why)) < 0) {
			json_decref(rec);
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		if (fcrun_point(r->run, &p, rec) == FCRUN_NO_MODEL) {
			r->nomodel++;
			if (keymap_get(r->warned, p.key) == NULL) {
				keymap_put(r->warned, p.key, r);
				if (!r->o->cli.quiet)
					warnx("no model for key '%s': its "
					      "points pass through",
					    p.key);
			}
		}
		rc = ndjson_write(r->out, &r->scratch, rec, &r->err);
		json_decref(rec);
		if (rc < 0)
			return -1;
		if (recin_read_count(in) % 4096 == 0 &&
		    (sink_flush(r->out, &r->err) < 0 ||
			recin_commit(in, &r->err) < 0))
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

static int
run_main(struct opts *o)
{
	struct runner r;
	struct recin *in = NULL;
	struct lstmfile *m;
	int status = EX_OK;

	memset(&r, 0, sizeof(r));
	r.o = o;
	if ((m = lstmfile_read(o->model, &r.err)) == NULL)
		return ad_err_report(&r.err);
	buf_init(&r.scratch);
	buf_init(&r.key);
	r.run = fcrun_new(m, &o->fc, (size_t)o->max_keys);
	use_fields(&r);
	ad_signals_init();
	reload_signals_init();
	r.warned = keymap_new((size_t)o->max_keys, NULL, NULL);
	if ((r.out = sink_open(o->cli.output, &o->cli.io, &r.err)) == NULL) {
		status = ad_err_report(&r.err);
		goto out;
	}
	if ((in = recin_new(o->operands, o->noperands, &o->cli.io,
		 o->cli.reject, o->cli.strict, &r.err)) == NULL) {
		status = ad_err_report(&r.err);
		goto out_sink;
	}
	/* Each point is written as it is read: flush and commit when idle. */
	recin_set_sink(in, r.out);
	if (run_input(&r, in) < 0)
		status = ad_err_report(&r.err);
	if (o->cli.verbose)
		fprintf(stderr,
		    "ad-forecast: read %zu, rejected %zu, without a model %zu, "
		    "stale %zu, resyncs %zu, evicted keys %zu, reloads %zu\n",
		    recin_read_count(in), recin_reject_count(in), r.nomodel,
		    r.run->stale, fcrun_resyncs(r.run), fcrun_evicted(r.run),
		    r.reloads);
out_sink:
	if (sink_close(r.out, &r.err) < 0 && status == EX_OK)
		status = ad_err_report(&r.err);
	if (status == EX_OK && in != NULL && recin_commit(in, &r.err) < 0)
		status = ad_err_report(&r.err);
	if (status == EX_OK && in != NULL)
		status = recin_status(in);
out:
	recin_free(in);
	keymap_free(r.warned);
	fcrun_free(r.run);
	buf_release(&r.scratch);
	buf_release(&r.key);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	status = o.train ? train_main(&o) : run_main(&o);
	cli_release(&o.cli);
	return finish(status);
}
