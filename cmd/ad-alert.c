/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-alert: turn per-record signals (anomaly flags, values) into alerts a
 * person can act on: counting, threshold, delta and period-over-period
 * rules with firing/cooldown/resolve, and windowed reports, per key and by
 * event time.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "alert/evorder.h"
#include "alert/evwindow.h"
#include "alert/evread.h"
#include "base/keymap.h"
#include "io/endpoint.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "io/recin.h"
#include "alert/rules.h"

enum {
	OPT_ID = CLI_PROGRAM_OPTIONS,
	OPT_TIME,
	OPT_NAME,
	OPT_WHEN,
	OPT_COUNT,
	OPT_WITHIN,
	OPT_FIELD,
	OPT_ABOVE,
	OPT_BELOW,
	OPT_FOR,
	OPT_DELTA,
	OPT_CHANGE,
	OPT_VS,
	OPT_HISTORY,
	OPT_REPORT,
	OPT_WINDOW,
	OPT_SLIDE,
	OPT_COOLDOWN,
	OPT_RESOLVE_AFTER,
	OPT_LATENESS,
	OPT_MAX_KEYS,
	OPT_MAX_PENDING,
};

struct opts {
	struct cli cli;
	struct rules_conf rc;
	const char *id, *time;
	bool id_given, for_given, history_given;
	int64_t lateness;
	long max_keys, max_pending;
};

/* Per key: the reorder buffer and the rules' state. */
struct keystate {
	struct evorder ord;
	struct rules_key *rk;
};

struct run {
	struct opts *o;
	struct rules *rules;
	struct sink *out;
	struct buf scratch;
	struct ad_err err;
	bool failed;
	size_t late;
};

/* clang-format off */
static const char synopsis[] =
    "usage: ad-alert [-ehqVv] [-o dest] [--id field] [--time field] [--name name]\n"
    "                [--when field] [--count n --within duration] [--field field]\n"
    "                [--above x] [--below x] [--for duration] [--delta x]\n"
    "                [--change pct --vs period] [--history n]\n"
    "                [--report --window duration] [--slide duration]\n"
    "                [--cooldown duration] [--resolve-after duration]\n"
    "                [--lateness duration] [--max-keys n] [--max-pending n]\n"
    "                [--reject file] [--strict] [-X prop=val] [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs("\n"
		      "  -e, --exit-at-end      (Kafka sources) stop at the end of the topic\n"
		      "  -h, --help             show this help and exit\n"
		      "  -o, --output DEST      write to DEST: path, -, kafka://, file:\n"
		      "  -q, --quiet            no warnings about late records\n"
		      "  -V, --version          print the version and exit\n"
		      "  -v, --verbose          print a summary on stderr at the end\n"
		      "  -X name=value          librdkafka property (repeatable); -F file of them\n"
		      "      --id FIELD         key field (default id)\n"
		      "      --time FIELD       event time field (default ts)\n"
		      "      --name NAME        alert name (default: the rule kind)\n"
		      "      --when FIELD       flag field counted (default anomaly)\n"
		      "      --count N          fire on N flagged records ...\n"
		      "      --within D         ... within D of event time\n"
		      "      --field FIELD      value field (default value)\n"
		      "      --above X          fire when the value is above X\n"
		      "      --below X          fire when the value is below X\n"
		      "      --for D            ... and has been for D\n"
		      "      --delta X          fire when |value - previous| > X\n"
		      "      --change P%        fire on a change beyond P% (+P: up, -P: down) ...\n"
		      "      --vs PERIOD        ... against the value one PERIOD earlier\n"
		      "      --history N        slots of history per PERIOD (default 1440)\n"
		      "      --report           windowed summaries: records, flagged, max\n"
		      "      --window D         report window length\n"
		      "      --slide D          report window step (default: --window)\n"
		      "      --cooldown D       no new firing within D of the last one\n"
		      "      --resolve-after D  emit resolved after D without the rule holding\n"
		      "      --lateness D       accept records up to D out of order (default 0)\n"
		      "      --max-keys N       keys kept, least recently used evicted (100000)\n"
		      "      --max-pending N    records waiting per key for lateness (10000)\n"
		      "      --reject FILE      append bad lines to FILE\n"
		      "      --strict           stop at the first bad line\n"
		      "      --max-line SIZE    longest input line (default 16M)\n",
		    fp);
	exit(status);
}
/* clang-format on */

/* A duration that may be 0 (cooldown, lateness, --for). */
static int
parse_dur0(const char *what, const char *s, int64_t *ms, struct ad_err *e)
{
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	return num_parse_duration_ms(what, s, ms, e);
}

/* "50%", "+50%", "-30%": a percentage and a direction. */
static int
parse_change(const char *s, struct rules_conf *rc, struct ad_err *e)
{
	char num[64];
	size_t n;

	rc->change_dir = *s == '+' ? 1 : *s == '-' ? -1 : 0;
	snprintf(num, sizeof(num), "%s", s + (rc->change_dir != 0));
	n = strlen(num);
	if (n > 0 && num[n - 1] == '%')
		num[n - 1] = '\0';
	return num_parse_double("--change", num, 1e-9, 1e9, &rc->change_pct, e);
}

static int
program_option(struct opts *o, int c, const char *arg, struct ad_err *e)
{
	struct rules_conf *rc = &o->rc;
	long v;

	switch (c) {
	case 'h':
		usage(stdout, EX_OK);
		break;
	case 'V':
		printf("ad-alert %s\n", AD_VERSION);
		exit(EX_OK);
	case OPT_ID:
		o->id = arg;
		o->id_given = true;
		return 0;
	case OPT_TIME:
		o->time = arg;
		return 0;
	case OPT_NAME:
		rc->name = arg;
		return 0;
	case OPT_WHEN:
		rc->when = arg;
		return 0;
	case OPT_COUNT:
		rc->on[RULES_COUNT] = true;
		return num_parse_long(
		    "--count", arg, 1, 1000000, &rc->count, e);
	case OPT_WITHIN:
		return num_parse_duration_ms("--within", arg, &rc->within, e);
	case OPT_FIELD:
		rc->field = arg;
		return 0;
	case OPT_ABOVE:
		rc->on[RULES_ABOVE] = true;
		return num_parse_double(
		    "--above", arg, -HUGE_VAL, HUGE_VAL, &rc->above, e);
	case OPT_BELOW:
		rc->on[RULES_BELOW] = true;
		return num_parse_double(
		    "--below", arg, -HUGE_VAL, HUGE_VAL, &rc->below, e);
	case OPT_FOR:
		o->for_given = true;
		return parse_dur0("--for", arg, &rc->for_ms, e);
	case OPT_DELTA:
		rc->on[RULES_DELTA] = true;
		return num_parse_double(
		    "--delta", arg, 0, HUGE_VAL, &rc->delta, e);
	case OPT_CHANGE:
		rc->on[RULES_CHANGE] = true;
		return parse_change(arg, rc, e);
	case OPT_VS:
		return num_parse_duration_ms("--vs", arg, &rc->vs, e);
	case OPT_HISTORY:
		o->history_given = true;
		if (num_parse_long("--history", arg, 1, 1000000, &v, e) < 0)
			return -1;
		rc->history = (size_t)v;
		return 0;
	case OPT_REPORT:
		rc->report = true;
		return 0;
	case OPT_WINDOW:
		return num_parse_duration_ms("--window", arg, &rc->window, e);
	case OPT_SLIDE:
		return num_parse_duration_ms("--slide", arg, &rc->slide, e);
	case OPT_COOLDOWN:
		return parse_dur0("--cooldown", arg, &rc->cooldown, e);
	case OPT_RESOLVE_AFTER:
		rc->resolve = true;
		return parse_dur0(
		    "--resolve-after", arg, &rc->resolve_after, e);
	case OPT_LATENESS:
		return parse_dur0("--lateness", arg, &o->lateness, e);
	case OPT_MAX_KEYS:
		return num_parse_long(
		    "--max-keys", arg, 1, 100000000, &o->max_keys, e);
	case OPT_MAX_PENDING:
		return num_parse_long(
		    "--max-pending", arg, 1, 100000000, &o->max_pending, e);
	default:
		usage(stderr, EX_USAGE);
	}
	return 0;
}

/* Option combinations; returns the problem or NULL. */
static const char *
check_opts(struct opts *o)
{
	struct rules_conf *rc = &o->rc;
	bool any = rc->report;

	for (int i = 0; i < RULES_NKINDS; i++)
		any = any || rc->on[i];
	if (!any)
		return "no rule: give --count, --above, --below, --delta, "
		       "--change or --report";
	if (rc->on[RULES_COUNT] != (rc->within > 0))
		return "--count and --within go together";
	if (rc->on[RULES_CHANGE] != (rc->vs > 0))
		return "--change and --vs go together";
	if (o->history_given && !rc->on[RULES_CHANGE])
		return "--history needs --change";
	if (o->for_given && !rc->on[RULES_ABOVE] && !rc->on[RULES_BELOW])
		return "--for needs --above or --below";
	if (rc->report != (rc->window > 0))
		return "--report and --window go together";
	if (rc->slide > 0 && !rc->report)
		return "--slide needs --report";
	if (rc->slide == 0)
		rc->slide = rc->window;
	if (rc->slide > rc->window)
		return "--slide must not be longer than --window";
	if (rc->report &&
	    evwindow_open_max(rc->window, rc->slide) > EVWINDOW_MAX_OPEN)
		return "--window / --slide: too many windows open at once "
		       "(at most 100000)";
	return NULL;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {CLI_LONGOPTS,
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"when", required_argument, NULL, OPT_WHEN},
	    {"count", required_argument, NULL, OPT_COUNT},
	    {"within", required_argument, NULL, OPT_WITHIN},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"above", required_argument, NULL, OPT_ABOVE},
	    {"below", required_argument, NULL, OPT_BELOW},
	    {"for", required_argument, NULL, OPT_FOR},
	    {"delta", required_argument, NULL, OPT_DELTA},
	    {"change", required_argument, NULL, OPT_CHANGE},
	    {"vs", required_argument, NULL, OPT_VS},
	    {"history", required_argument, NULL, OPT_HISTORY},
	    {"report", no_argument, NULL, OPT_REPORT},
	    {"window", required_argument, NULL, OPT_WINDOW},
	    {"slide", required_argument, NULL, OPT_SLIDE},
	    {"cooldown", required_argument, NULL, OPT_COOLDOWN},
	    {"resolve-after", required_argument, NULL, OPT_RESOLVE_AFTER},
	    {"lateness", required_argument, NULL, OPT_LATENESS},
	    {"max-keys", required_argument, NULL, OPT_MAX_KEYS},
	    {"max-pending", required_argument, NULL, OPT_MAX_PENDING},
	    {NULL, 0, NULL, 0}};
	struct ad_err e;
	const char *problem;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-alert");
	o->id = "id";
	o->time = "ts";
	o->rc.when = "anomaly";
	o->rc.field = "value";
	o->rc.history = 1440;
	o->max_keys = 100000;
	o->max_pending = 10000;
	while ((c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) !=
	       -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc == 0)
			rc = program_option(o, c, optarg, &e);
		else if (rc > 0)
			rc = 0;
		if (rc < 0) {
			if (e.status != EX_USAGE)
				exit(ad_err_report(&e));
			warnx("%s", e.msg);
			usage(stderr, EX_USAGE);
		}
	}
	if ((problem = check_opts(o)) != NULL) {
		warnx("%s", problem);
		usage(stderr, EX_USAGE);
	}
}

static int
emit(json_t *rec, void *arg)
{
	struct run *r = arg;
	int rc = 0;

	if (!r->failed && ndjson_write(r->out, &r->scratch, rec, &r->err) < 0) {
		r->failed = true;
		rc = -1;
	}
	json_decref(rec);
	return r->failed ? -1 : rc;
}

/* Hand every event the key's clock allows (all of them: drain) to rules. */
static void
release_events(struct run *r, const char *key, struct keystate *ks, bool drain)
{
	struct evorder_event ev;

	while (evorder_pop(
	    &ks->ord, r->o->lateness, (size_t)r->o->max_pending, drain, &ev))
		rules_feed(r->rules, ks->rk, *key ? key : NULL, &ev, emit, r);
}

/* A key leaves the map (evicted, or at the end): finish its events. */
static void
key_release(const char *key, void *value, void *arg)
{
	struct run *r = arg;
	struct keystate *ks = value;

	release_events(r, key, ks, true);
	rules_flush(r->rules, ks->rk, *key ? key : NULL, emit, r);
	evorder_release(&ks->ord);
	rules_key_free(ks->rk);
	free(ks);
}

static void
warn_late(struct run *r, struct recin *in, const struct evorder *ord,
    const struct evorder_event *ev)
{
	char lag[64], late[64];
	json_t *t = timefmt_format(ev->ts, &ev->form);
	json_t *latest = timefmt_format(ord->max_ts, &ev->form);
	char *ts = json_dumps(t, JSON_ENCODE_ANY);
	char *ls = json_dumps(latest, JSON_ENCODE_ANY);

	rules_duration_text(lag, sizeof(lag), ord->max_ts - ev->ts);
	rules_duration_text(late, sizeof(late), r->o->lateness);
	if (ev->ts >= ord->max_ts - r->o->lateness)
		warn_at(recin_source_name(in), recin_lineno(in),
		    "late record: %s is behind a record released early "
		    "(--max-pending %ld), not counted",
		    ts, r->o->max_pending);
	else
		warn_at(recin_source_name(in), recin_lineno(in),
		    "late record: %s is %s behind %s (lateness %s), not "
		    "counted",
		    ts, lag, ls, late);
	free(ts);
	free(ls);
	json_decref(t);
	json_decref(latest);
}

static int
run_input(struct run *r, struct recin *in, struct keymap *keys)
{
	char key[1024], why[300];
	struct evorder_event ev;
	struct evread rd;
	struct line ln;
	int rc = 0;

	evread_init(&rd,
	    &(struct evread_conf){.time = r->o->time,
		.id = r->o->id,
		.when = r->o->rc.when,
		.field = r->o->rc.field,
		.id_required = r->o->id_given,
		.need_flag = r->o->rc.on[RULES_COUNT] || r->o->rc.report,
		.need_value =
		    r->o->rc.on[RULES_ABOVE] || r->o->rc.on[RULES_BELOW] ||
		    r->o->rc.on[RULES_DELTA] || r->o->rc.on[RULES_CHANGE]});
	while (!r->failed && (rc = recin_next_line(in, &ln, &r->err)) > 0) {
		struct keystate *ks;

		if (evread_line(&rd, ln.buf, ln.len, &ev, key, sizeof(key), why,
			sizeof(why)) < 0) {
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		if ((ks = keymap_get(keys, key)) == NULL) {
			ks = xcalloc(1, sizeof(*ks));
			evorder_init(&ks->ord);
			ks->rk = rules_key_new(r->rules);
			keymap_put(keys, key, ks);
		}
		if (!evorder_push(&ks->ord, &ev, r->o->lateness)) {
			r->late++;
			rules_late(ks->rk);
			if (!r->o->cli.quiet)
				warn_late(r, in, &ks->ord, &ev);
			continue;
		}
		release_events(r, key, ks, false);
		if (recin_read_count(in) % 4096 == 0 && !r->failed &&
		    (sink_flush(r->out, &r->err) < 0 ||
			recin_commit(in, &r->err) < 0)) {
			rc = -1;
			break;
		}
	}
	evread_release(&rd);
	return r->failed || rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	struct recin *in = NULL;
	struct keymap *keys = NULL;
	size_t evicted = 0;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	ad_err_clear(&r.err);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	r.o = &o;
	buf_init(&r.scratch);
	if ((r.out = sink_open(o.cli.output, &o.cli.io, &r.err)) == NULL) {
		status = ad_err_report(&r.err);
		goto out;
	}
	if ((in = recin_new(argv + optind, (size_t)(argc - optind), &o.cli.io,
		 o.cli.reject, o.cli.strict, &r.err)) == NULL) {
		status = ad_err_report(&r.err);
		goto out_sink;
	}
	r.rules = rules_new(&o.rc);
	keys = keymap_new((size_t)o.max_keys, key_release, &r);
	if (run_input(&r, in, keys) < 0 && !r.failed)
		status = ad_err_report(&r.err);
	evicted = keymap_evicted(keys);
	keymap_free(keys); /* drains every key, oldest first */
	if (r.failed && status == EX_OK)
		status = ad_err_report(&r.err);
	if (o.cli.verbose) {
		const struct rules_stats *st = rules_stats(r.rules);

		fprintf(stderr,
		    "ad-alert: read %zu, rejected %zu, late %zu, evicted keys "
		    "%zu; firing %zu, resolved %zu, suppressed %zu, "
		    "reports %zu\n",
		    recin_read_count(in), recin_reject_count(in), r.late,
		    evicted, st->firing, st->resolved, st->suppressed,
		    st->reports);
	}
out_sink:
	if (sink_close(r.out, &r.err) < 0 && status == EX_OK)
		status = ad_err_report(&r.err);
	if (status == EX_OK && in != NULL && recin_commit(in, &r.err) < 0)
		status = ad_err_report(&r.err);
	if (status == EX_OK && in != NULL)
		status = recin_status(in);
out:
	recin_free(in);
	rules_free(r.rules);
	buf_release(&r.scratch);
	cli_release(&o.cli);
	return finish(status);
}
