/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-alert: turn per-record signals (anomaly flags, values) into alerts a
 * person can act on: counting, threshold, delta and period-over-period
 * rules with firing/cooldown/resolve, and windowed reports, per key and by
 * event time (lib/alert/engine).
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/rules.h"
#include "base/num.h"
#include "cli/cli.h"
#include "io/ndjson.h"
#include "io/recin.h"
#include "io/sink.h"

struct opts {
	struct cli cli;
	struct rules_conf rc;
	struct engine_conf ec;
	char **files;
	size_t nfiles;
};

/* Where the engine's records go. */
struct writer {
	struct sink *sink;
	struct buf scratch;
	struct ad_err err;
	bool failed;
	bool alerted; /* an alert was written since the last push */
};

static const struct opt_word zero[] = {{"0", 0}, {NULL, 0}};

/* --change: "50%", "+50%", "-30%": a percentage and a direction. */
static int
opt_change(void *conf, const char *s, struct ad_err *e)
{
	struct rules_conf *rc = conf;
	char num[64];
	size_t n;

	rc->on[RULES_CHANGE] = true;
	rc->change_dir = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	snprintf(num, sizeof(num), "%s", s + (rc->change_dir != 0));
	n = strlen(num);
	if (n > 0 && num[n - 1] == '%')
		num[n - 1] = '\0';
	return num_parse_double("--change", num, 1e-9, 1e9, &rc->change_pct, e);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	struct rules_conf *rc = &o->rc;
	const char *id = NULL;
	const struct opt options[] = {
	    CLI_OPTIONS_BASE(&o->cli),
	    CLI_OPTION_OUTPUT(&o->cli),
	    OPT_STRING(0, "id", &id, "field", "key field (default id)"),
	    OPT_STRING(0, "time", &o->ec.time, "field",
		"event time field (default ts)"),
	    OPT_STRING(0, "name", &rc->name, "name",
		"alert name (default: the rule kind)"),
	    OPT_STRING(0, "when", &rc->when, "field",
		"flag field counted (default anomaly)"),
	    OPT_LONG(0, "count", &rc->count, "n", 1, 1000000,
		"fire on N flagged records ..."),
	    OPT_MS(0, "within", &rc->within, "duration",
		"... within DURATION of event time"),
	    OPT_STRING(
		0, "field", &rc->field, "field", "value field (default value)"),
	    OPT_DOUBLE(0, "above", &rc->above, "x", -HUGE_VAL, HUGE_VAL,
		"fire when the value is above X"),
	    OPT_DOUBLE(0, "below", &rc->below, "x", -HUGE_VAL, HUGE_VAL,
		"fire when the value is below X"),
	    OPT_MS_OR(0, "for", &rc->for_ms, "duration", zero,
		"... and has been for DURATION"),
	    OPT_DOUBLE(0, "delta", &rc->delta, "x", 0, HUGE_VAL,
		"fire when |value - previous| > X"),
	    OPT_FUNC(0, "change", rc, "pct", opt_change,
		"fire on a change beyond PCT% (+PCT: up, -PCT: down) ..."),
	    OPT_MS(0, "vs", &rc->vs, "period",
		"... against the value one PERIOD earlier"),
	    OPT_SIZE(0, "history", &rc->history, "n", 1, 1000000,
		"slots of history per PERIOD (default 1440)"),
	    OPT_FLAG(0, "report", &rc->report,
		"windowed summaries: count, max, mean"),
	    OPT_MS(
		0, "window", &rc->window, "duration", "report window length"),
	    OPT_MS(0, "slide", &rc->slide, "duration",
		"report window step (default: --window)"),
	    OPT_MS_OR(0, "cooldown", &rc->cooldown, "duration", zero,
		"no new firing within DURATION of the last one"),
	    OPT_MS_OR(0, "resolve-after", &rc->resolve_after, "duration", zero,
		"emit resolved after DURATION without the rule holding"),
	    OPT_MS_OR(0, "lateness", &o->ec.lateness, "duration", zero,
		"accept records up to DURATION out of order (default 0)"),
	    OPT_SIZE(0, "max-keys", &o->ec.max_keys, "n", 1, 100000000,
		"keys kept, least recently used evicted (100000)"),
	    OPT_SIZE(0, "max-pending", &o->ec.max_pending, "n", 1, 100000000,
		"records waiting per key for lateness (10000)"),
	    CLI_OPTION_METRICS(&o->cli),
	    CLI_OPTIONS_IO(&o->cli),
	    OPT_END,
	};
	const struct opt_prog prog = {"ad-alert", NULL, "[file ...]", options};
	struct ad_err e;
	int first;

	cli_init(&o->cli, "ad-alert");
	engine_conf_init(&o->ec, rc);
	first = opt_parse(&prog, argc, argv);
	ad_err_clear(&e);
	if (engine_conf_check(&o->ec, &e) < 0)
		opt_usage_error(&prog, "%s", e.msg);
	if (id != NULL) {
		o->ec.id = id;
		o->ec.id_required = true;
	}
	o->files = argv + first;
	o->nfiles = (size_t)(argc - first);
}

/* The engine's output: write it; after a failure, only drop it. */
static int
emit(json_t *rec, void *arg)
{
	struct writer *w = arg;

	if (ndjson_write(w->sink, &w->scratch, rec, &w->err) < 0)
		w->failed = true;
	if (json_object_get(rec, "alert") != NULL)
		w->alerted = true;
	json_decref(rec);
	return w->failed ? -1 : 0;
}

/*
 * Feed the engine every line; -1 with e set, or on a write failure.  An
 * alert goes out at once (pushed after the line that fired it); reports
 * and the rest within recin's 100 ms.
 */
static int
run(const struct opts *o, struct engine *eng, struct recin *in,
    struct writer *w, struct ad_err *e)
{
	struct line ln;
	char why[1200];
	int rc;

	while ((rc = recin_next_line(in, &ln, e)) > 0) {
		int k = engine_line(eng, ln.buf, ln.len, why, sizeof(why));

		if (k == ENGINE_STOP)
			return -1;
		if (w->alerted) {
			w->alerted = false;
			if (sink_push(w->sink, e) < 0)
				return -1;
		}
		if (k == ENGINE_BAD) {
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		if (k == ENGINE_LATE) {
			if (!o->cli.quiet)
				warn_at(recin_source_name(in), recin_lineno(in),
				    "%s", why);
			continue;
		}
		if (recin_read_count(in) % 4096 == 0 &&
		    (sink_flush(w->sink, e) < 0 || recin_commit(in, e) < 0))
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* ad-alert's own --metrics: what the engine emitted and dropped. */
static void
fill_metrics(struct metrics *m, void *arg)
{
	const struct engine *eng = arg;
	const struct rules_stats *st = engine_stats(eng);

	metrics_set(m, "alerts_firing", "Firing alerts emitted.", true,
	    (double)st->firing);
	metrics_set(m, "alerts_resolved", "Resolved alerts emitted.", true,
	    (double)st->resolved);
	metrics_set(m, "alerts_suppressed", "Firings suppressed by --cooldown.",
	    true, (double)st->suppressed);
	metrics_set(
	    m, "reports", "Window reports emitted.", true, (double)st->reports);
	metrics_set(m, "records_late", "Records later than --lateness.", true,
	    (double)engine_late(eng));
	engine_fill_metrics(m, eng);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct writer w;
	struct recin *in = NULL;
	struct engine *eng = NULL;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	ad_err_clear(&e);
	ad_err_clear(&w.err);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	buf_init(&w.scratch);
	if ((status = cli_open_io(&o.cli, o.files, o.nfiles, &in, &w.sink)) !=
	    EX_OK)
		goto out_sink;
	eng = engine_new(&o.ec, emit, &w);
	recin_set_metrics_fill(in, fill_metrics, eng);
	if (run(&o, eng, in, &w, &e) < 0 && !w.failed)
		status = ad_err_report(&e);
	engine_finish(eng); /* drains every key, oldest first */
	if (w.failed && status == EX_OK)
		status = ad_err_report(&w.err);
	if (o.cli.verbose) {
		const struct rules_stats *st = engine_stats(eng);

		fprintf(stderr,
		    "ad-alert: read %zu, rejected %zu, late %zu, evicted keys "
		    "%zu; firing %zu, resolved %zu, suppressed %zu, "
		    "reports %zu\n",
		    recin_read_count(in), recin_reject_count(in),
		    engine_late(eng), engine_evicted(eng), st->firing,
		    st->resolved, st->suppressed, st->reports);
	}
out_sink:
	status = cli_close_io(in, w.sink, status);
	engine_free(eng);
	recin_free(in);
	buf_release(&w.scratch);
	cli_release(&o.cli);
	return finish(status);
}
