/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast: train LSTM forecasters on metric series (train, through
 * lib/lstm/fctrain), and check a stream of points against their forecasts
 * with a tolerance queue (run, through lib/lstm/fcstream), emitting
 * forecast, error, mismatch and score for each point.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/report.h"
#include "io/recin.h"
#include "io/reload.h"
#include "io/sink.h"
#include "lstm/fcstream.h"
#include "lstm/fctrain.h"
#include "lstm/lstmfile.h"

struct opts {
	struct cli cli;
	bool train;
	struct fctrain_conf tc;
	struct forecast_conf fc;
	const char *model, *report, *id, *time, *field;
	size_t max_keys;
	char **operands;
	size_t noperands;
};

static int
opt_per_key(void *tc, const char *arg, struct ad_err *err)
{
	(void)arg, (void)err;
	((struct fctrain_conf *)tc)->shared = false;
	return 0;
}

#define FIELD_OPTIONS(o)                                                       \
	OPT_STRING(0, "id", &(o)->id, "field",                                 \
	    "key field (default id; \"\": one series)"),                       \
	    OPT_STRING(                                                        \
		0, "time", &(o)->time, "field", "time field (default ts)"),    \
	    OPT_STRING(0, "field", &(o)->field, "field",                       \
		"value field (default value)")

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct fctrain_conf *t = &o->tc;
	const struct opt train_opts[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    OPT_STRING_REQUIRED('o', "output", &o->cli.output, "model",
		"write the model to MODEL"),
	    OPT_STRING('m', "model", &o->cli.output, "model", "the same as -o"),
	    OPT_U64('s', "seed", &t->seed, "seed", 0, LONG_MAX,
		"initialisation and shuffling (default 0)"),
	    OPT_SIZE(0, "window", &t->window, "n", 1, 100000,
		"inputs per forecast (default 30)"),
	    OPT_SIZE(0, "hidden", &t->hidden, "n", 1, 4096,
		"LSTM units (default 64)"),
	    OPT_SIZE(0, "epochs", &t->epochs, "n", 0, 1000000,
		"passes over the data (default 20)"),
	    OPT_SIZE(0, "batch", &t->batch, "n", 1, 1000000,
		"windows per step (default 128)"),
	    OPT_DOUBLE(0, "lr", &t->lr, "rate", 1e-9, 10,
		"Adam learning rate (default 0.001)"),
	    OPT_DOUBLE(0, "val", &t->val, "fraction", 0, 0.9,
		"validation tail of each series (default 0.2)"),
	    OPT_FUNC(0, "per-key", t, NULL, opt_per_key,
		"one model per key (default)"),
	    OPT_FLAG(0, "shared", &t->shared, "one model for all keys"),
	    FIELD_OPTIONS(o),
	    OPT_SIZE(0, "threads", &t->threads, "n", 1, 256,
		"worker threads (default: cores)"),
	    OPT_STRING(
		0, "report", &o->report, "file", "losses per epoch as JSON"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt run_opts[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_STRING_REQUIRED(
		'm', "model", &o->model, "model", "the model to forecast with"),
	    OPT_DOUBLE(0, "tolerance", &o->fc.tolerance, "f", 0, 1e300,
		"accepted |error| / |forecast| (default 0.05)"),
	    OPT_DOUBLE(0, "abs-tolerance", &o->fc.abs_tolerance, "x", 0, 1e300,
		"accepted |error| near zero (default 0)"),
	    OPT_SIZE(0, "horizon", &o->fc.horizon, "n", 1, 10000,
		"forecast N steps ahead (default 1)"),
	    OPT_SIZE(0, "suppress", &o->fc.suppress, "n", 0, 1000000000,
		"scores scaled by 0.1 for N points after one of 0.5 "
		"(default 100; 0: never)"),
	    OPT_SIZE(0, "resync", &o->fc.resync, "n", 0, 1000000,
		"real values back in after N mismatches in a row (default: "
		"the window; 0: never)"),
	    FIELD_OPTIONS(o),
	    CLI_OPTION_METRICS(&o->cli),
	    OPT_SIZE(0, "max-keys", &o->max_keys, "n", 1, LONG_MAX,
		"keys kept (default 100000)"),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog train = {
	    "ad-forecast", "train", "[file ...]", train_opts};
	const struct opt_prog run = {
	    "ad-forecast", "run", "[file ...]", run_opts};
	const struct opt_prog *const cmds[] = {&train, &run, NULL};
	int first;

	cli_init(&o->cli, "ad-forecast");
	fctrain_conf_init(t);
	o->fc = (struct forecast_conf){.tolerance = 0.05,
	    .horizon = 1,
	    .resync = FORECAST_RESYNC_WINDOW,
	    .suppress = 100};
	o->max_keys = 100000;
	o->train = opt_command(cmds, argc, argv) == 0;
	if (o->train) {
		first = opt_parse_command(&train, run_opts, argc, argv);
		if (o->cli.output == NULL)
			opt_usage_error(&train, "train needs -o model");
	} else {
		first = opt_parse_command(&run, train_opts, argc, argv);
		if (o->model == NULL)
			opt_usage_error(&run, "run needs -m model");
	}
	t->id_field = o->id ? o->id : "id";
	t->time_field = o->time ? o->time : "ts";
	t->value_field = o->field ? o->field : "value";
	t->quiet = o->cli.quiet;
	o->operands = argv + first;
	o->noperands = (size_t)(argc - first);
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

static void
say(void *arg, const char *msg)
{
	(void)arg;
	warnx("%s", msg);
}

static int
train_main(struct opts *o)
{
	struct recin *in;
	struct ad_err e;
	struct lstmfile *m = NULL;
	json_t *report = NULL;
	int status = EX_OK;

	ad_err_clear(&e);
	o->tc.on_epoch = o->cli.verbose ? print_epoch : NULL;
	o->tc.warn = say;
	/*
	 * A stop while reading or training ends the program by its signal
	 * (a model of part of the data is no model); while the file is
	 * written it is a flag, so that no temporary file stays behind.
	 */
	ad_signals_init();
	ad_signals_fatal();
	if ((status = cli_open_input(
		 &o->cli, o->operands, o->noperands, &in)) != EX_OK)
		return status;
	m = fctrain_recin(in, &o->tc, &report, &e);
	if (m == NULL && e.status == EX_OK) /* no input: recin has said */
		status = recin_status(in);
	else if (m == NULL)
		status = ad_err_report(&e);
	else {
		ad_signals_init();
		if (lstmfile_write(o->cli.output, m, &e) < 0) {
			ad_stop_reraise();
			status = ad_err_report(&e);
		}
	}
	if (report != NULL && o->report != NULL &&
	    report_write(o->report, report, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (o->cli.verbose)
		fprintf(stderr,
		    "ad-forecast: read %zu, rejected %zu; trained "
		    "%zu keys, %zu models\n",
		    recin_read_count(in), recin_reject_count(in),
		    m ? m->nkeys : 0, m ? m->nnets : 0);
	if (status == EX_OK) /* the dead letters once the model is in place */
		status = cli_close_io(in, NULL, EX_OK);
	json_decref(report);
	lstmfile_free(m);
	recin_free(in);
	return status;
}

static int
run_main(struct opts *o)
{
	struct fcstream_conf sc = {.model_path = o->model,
	    .id_field = o->id,
	    .time_field = o->time,
	    .value_field = o->field,
	    .max_keys = o->max_keys,
	    .quiet = o->cli.quiet,
	    .verbose = o->cli.verbose > 0,
	    .warn = say};
	struct fcstream *s;
	struct recin *in = NULL;
	struct sink *out;
	struct lstmfile *m;
	struct ad_err e;
	int status = EX_OK;

	ad_err_clear(&e);
	if ((m = lstmfile_read(o->model, &e)) == NULL)
		return ad_err_report(&e);
	s = fcstream_new(m, &o->fc, &sc);
	ad_signals_init();
	reload_signals_init();
	status = cli_open_io(&o->cli, o->operands, o->noperands, &in, &out);
	if (status == EX_OK && fcstream_run(s, in, out, &e) < 0)
		status = ad_err_report(&e);
	if (o->cli.verbose && in != NULL)
		fprintf(stderr,
		    "ad-forecast: read %zu, rejected %zu, without a model %zu, "
		    "stale %zu, resyncs %zu, evicted keys %zu, reloads %zu\n",
		    recin_read_count(in), recin_reject_count(in), s->nomodel,
		    s->run->stale, fcrun_resyncs(s->run), fcrun_evicted(s->run),
		    s->reloads);
	status = cli_close_io(in, out, status);
	recin_free(in);
	fcstream_free(s);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	memset(&o, 0, sizeof(o));
	parse_opts(argc, argv, &o);
	o.cli.also[0] = o.report;
	status = o.train ? train_main(&o) : run_main(&o);
	cli_release(&o.cli);
	return finish(status);
}
