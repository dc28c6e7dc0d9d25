/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-clean: validate, de-duplicate and enrich connection records (the
 * default), or put metric time series on a regular grid, fill their gaps
 * and replace their outliers (--series).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/endpoint.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "record/recclean.h"
#include "io/recin.h"
#include "record/schema.h"
#include "series/seriesclean.h"

enum {
	OPT_SCHEMA = CLI_PROGRAM_OPTIONS,
	OPT_DEDUP,
	OPT_DEDUP_WINDOW,
	OPT_SERIES,
	OPT_ID,
	OPT_TIME,
	OPT_FIELD,
	OPT_STEP,
	OPT_PERIOD,
	OPT_HISTORY,
	OPT_MAX_GAP,
	OPT_OUTLIER_K,
	OPT_OUTLIER_WINDOW,
	OPT_REORDER_WINDOW,
	OPT_MAX_KEYS,
};

struct opts {
	struct cli cli;
	const char *schema;
	const char *dedup;
	long dedup_window;
	bool series;
	struct seriesclean_conf sconf;
	const char *series_only; /* a --series option given without it */
	char **files;
	size_t nfiles;
};

static const char synopsis[] =
    "usage: ad-clean [-hqVv] [-o dest] [--schema kdd|none|file] "
    "[--dedup field]\n"
    "                [--dedup-window n] [--reject file] [--strict] "
    "[file ...]\n"
    "       ad-clean --series --step duration [-hqVv] [-o dest] [--id field]\n"
    "                [--time field] [--field field] [--period n|auto] "
    "[--history n]\n"
    "                [--max-gap n] [--outlier-k k] [--outlier-window n]\n"
    "                [--reorder-window duration] [--max-keys n] "
    "[--reject file]\n"
    "                [--strict] [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -h, --help             show this help and exit\n"
		    "  -o, --output DEST      write to DEST: path, -, "
		    "kafka://, file:\n"
		    "  -q, --quiet            no summary\n"
		    "  -V, --version          print the version and exit\n"
		    "  -v, --verbose          print a summary on stderr at the "
		    "end\n"
		    "  -X name=value          librdkafka property "
		    "(repeatable); -F file of them\n"
		    "      --schema S         kdd (default), none, or a schema "
		    "file\n"
		    "      --dedup FIELD      drop records whose FIELD value "
		    "was seen before\n"
		    "      --dedup-window N   remember the last N distinct "
		    "values (default 1000000)\n"
		    "      --reject FILE      append rejected lines to FILE\n"
		    "      --strict           stop at the first rejected line\n"
		    "      --max-line SIZE    longest input line (default "
		    "16M)\n"
		    "\nSeries (--series):\n"
		    "      --step D           grid step, e.g. 60s, 5m "
		    "(required)\n"
		    "      --id F             key field (default id)\n"
		    "      --time F           time field (default ts)\n"
		    "      --field F          value field (default value)\n"
		    "      --period N|auto    period in steps, for phase "
		    "means\n"
		    "      --history N        earlier periods averaged "
		    "(default 4)\n"
		    "      --max-gap N        fill gaps of at most N steps "
		    "(default 5)\n"
		    "      --outlier-k K      replace beyond K robust sigmas "
		    "(default 5)\n"
		    "      --outlier-window N points in the median/MAD "
		    "(default 25)\n"
		    "      --reorder-window D wait D for late points (default "
		    "0)\n"
		    "      --max-keys N       keys kept, LRU evicted (default "
		    "100000)\n",
		    fp);
	exit(status);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"schema", required_argument, NULL, OPT_SCHEMA},
	    {"dedup", required_argument, NULL, OPT_DEDUP},
	    {"dedup-window", required_argument, NULL, OPT_DEDUP_WINDOW},
	    {"series", no_argument, NULL, OPT_SERIES},
	    {"id", required_argument, NULL, OPT_ID},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"step", required_argument, NULL, OPT_STEP},
	    {"period", required_argument, NULL, OPT_PERIOD},
	    {"history", required_argument, NULL, OPT_HISTORY},
	    {"max-gap", required_argument, NULL, OPT_MAX_GAP},
	    {"outlier-k", required_argument, NULL, OPT_OUTLIER_K},
	    {"outlier-window", required_argument, NULL, OPT_OUTLIER_WINDOW},
	    {"reorder-window", required_argument, NULL, OPT_REORDER_WINDOW},
	    {"max-keys", required_argument, NULL, OPT_MAX_KEYS},
	    {NULL, 0, NULL, 0},
	};
	struct seriesclean_conf *sc = &o->sconf;
	const char *record_only = NULL;
	struct ad_err e;
	long v;
	int c, li = -1;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-clean");
	o->schema = "kdd";
	o->dedup_window = 1000000;
	*sc = (struct seriesclean_conf){.id_field = "id",
	    .time_field = "ts",
	    .value_field = "value",
	    .history = 4,
	    .max_gap = 5,
	    .outlier_k = 5,
	    .outlier_window = 25,
	    .max_keys = 100000};
	while (
	    (c = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, &li)) != -1) {
		int rc = cli_option(&o->cli, c, optarg, &e);

		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		if (c >= OPT_ID && li >= 0)
			o->series_only = longopts[li].name;
		if ((c == OPT_SCHEMA || c == OPT_DEDUP ||
			c == OPT_DEDUP_WINDOW) &&
		    li >= 0)
			record_only = longopts[li].name;
		li = -1;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'V':
			printf("ad-clean %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_SCHEMA:
			o->schema = optarg;
			break;
		case OPT_DEDUP:
			if (*optarg == '\0') {
				ad_err_set(
				    &e, EX_USAGE, "--dedup: empty field name");
				goto bad;
			}
			o->dedup = optarg;
			break;
		case OPT_DEDUP_WINDOW:
			if (num_parse_long("--dedup-window", optarg, 1,
				1L << 31, &o->dedup_window, &e) < 0)
				goto bad;
			break;
		case OPT_SERIES:
			o->series = true;
			break;
		case OPT_ID:
			sc->id_field = optarg;
			break;
		case OPT_TIME:
			sc->time_field = optarg;
			break;
		case OPT_FIELD:
			sc->value_field = optarg;
			break;
		case OPT_STEP:
			if (num_parse_duration_ms(
				"--step", optarg, &sc->step_ms, &e) < 0)
				goto bad;
			if (sc->step_ms <= 0) {
				ad_err_set(
				    &e, EX_USAGE, "--step: must be positive");
				goto bad;
			}
			break;
		case OPT_PERIOD:
			if (strcmp(optarg, "auto") == 0)
				sc->period = -1;
			else if (num_parse_long("--period", optarg, 0, 1000000,
				     &sc->period, &e) < 0)
				goto bad;
			break;
		case OPT_HISTORY:
			if (num_parse_long("--history", optarg, 1, 1000,
				&sc->history, &e) < 0)
				goto bad;
			break;
		case OPT_MAX_GAP:
			if (num_parse_long("--max-gap", optarg, 0, 1000000,
				&sc->max_gap, &e) < 0)
				goto bad;
			break;
		case OPT_OUTLIER_K:
			if (num_parse_double("--outlier-k", optarg, 0, 1e6,
				&sc->outlier_k, &e) < 0)
				goto bad;
			break;
		case OPT_OUTLIER_WINDOW:
			if (num_parse_long("--outlier-window", optarg, 3,
				100000, &sc->outlier_window, &e) < 0)
				goto bad;
			break;
		case OPT_REORDER_WINDOW:
			if (num_parse_duration_ms("--reorder-window", optarg,
				&sc->reorder_ms, &e) < 0)
				goto bad;
			break;
		case OPT_MAX_KEYS:
			if (num_parse_long(
				"--max-keys", optarg, 1, LONG_MAX, &v, &e) < 0)
				goto bad;
			sc->max_keys = (size_t)v;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (o->series && record_only != NULL) {
		ad_err_set(&e, EX_USAGE, "--%s does not apply to --series",
		    record_only);
		goto bad;
	}
	if (!o->series && o->series_only != NULL) {
		ad_err_set(&e, EX_USAGE, "--%s needs --series", o->series_only);
		goto bad;
	}
	if (o->series && sc->step_ms == 0) {
		ad_err_set(&e, EX_USAGE, "--series needs --step");
		goto bad;
	}
	o->files = argv + optind;
	o->nfiles = (size_t)(argc - optind);
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

struct counts {
	size_t written, duplicates;
	size_t reason[RECCLEAN_NREASONS];
};

/* Read, clean and write every record.  Returns 0 or -1 (err). */
static int
run_records(const struct opts *o, struct recin *in, struct sink *out,
    const struct schema *sc, struct counts *n, struct ad_err *err)
{
	struct recclean_conf conf = {
	    .schema = sc,
	    .dedup_field = o->dedup,
	    .dedup_window = (size_t)o->dedup_window,
	    .key_field = sink_key_field(out),
	};
	struct recclean rc;
	struct buf line;
	struct line ln;
	char why[512];
	int r;

	recclean_init(&rc, &conf);
	buf_init(&line);
	while ((r = recin_next_line(in, &ln, err)) > 0) {
		enum recclean_reason reason;
		const char *key;
		size_t keylen;

		switch (recclean_line(&rc, ln.buf, ln.len, &line, &key, &keylen,
		    &reason, why, sizeof(why))) {
		case RECCLEAN_OK:
			if ((r = sink_write(out, line.data, line.len, key,
				 keylen, err)) < 0)
				goto out;
			n->written++;
			/* At-least-once: commit what is written, now and then. */
			if (n->written % 4096 == 0 &&
			    ((r = sink_flush(out, err)) < 0 ||
				(r = recin_commit(in, err)) < 0))
				goto out;
			break;
		case RECCLEAN_DUPLICATE:
			n->duplicates++;
			break;
		case RECCLEAN_REJECT:
			n->reason[reason]++;
			recin_reject(in, "%s", why);
			break;
		}
	}
out:
	buf_release(&line);
	recclean_release(&rc);
	return r < 0 ? -1 : 0;
}

struct series_out {
	struct sink *out;
	struct buf line;
	struct ad_err *err;
};

static int
series_emit(void *arg, const json_t *rec)
{
	struct series_out *so = arg;

	return ndjson_write(so->out, &so->line, rec, so->err);
}

/* Read points and clean them per key.  Returns 0 or -1 (err). */
static int
run_series(const struct opts *o, struct recin *in, struct sink *out,
    struct seriesclean_stats *st, struct ad_err *err)
{
	struct series_out so = {.out = out, .err = err};
	struct seriesclean *sc;
	char why[512];
	json_t *rec;
	int r, rc = 0;

	buf_init(&so.line);
	sc = seriesclean_new(&o->sconf, series_emit, &so);
	while ((r = recin_next(in, &rec, err)) > 0) {
		rc = seriesclean_add(sc, rec, why, sizeof(why));
		json_decref(rec);
		if (rc < 0)
			break;
		if (rc > 0)
			recin_reject(in, "%s", why);
		rc = 0;
	}
	if (r < 0)
		rc = -1;
	else if (rc == 0)
		rc = seriesclean_finish(sc);
	seriesclean_stats(sc, st);
	seriesclean_free(sc);
	buf_release(&so.line);
	return rc < 0 ? -1 : 0;
}

static void
summary(struct recin *in, const struct counts *n)
{
	size_t ours = 0;

	for (int i = 0; i < RECCLEAN_NREASONS; i++)
		ours += n->reason[i];
	fprintf(stderr, "ad-clean: read %zu, written %zu, rejected %zu",
	    recin_read_count(in), n->written, recin_reject_count(in));
	if (recin_reject_count(in) > 0) {
		const char *sep = " (";

		/* Lines recin refused itself (too long) count as invalid. */
		for (int i = 0; i < RECCLEAN_NREASONS; i++) {
			size_t k = n->reason[i];

			if (i == RECCLEAN_INVALID_JSON)
				k += recin_reject_count(in) - ours;
			if (k == 0)
				continue;
			fprintf(stderr, "%s%s %zu", sep,
			    recclean_reason_name((enum recclean_reason)i), k);
			sep = ", ";
		}
		fputc(')', stderr);
	}
	fprintf(stderr, ", duplicates %zu\n", n->duplicates);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct counts n;
	struct schema *sc = NULL;
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct ad_err e;
	int status = EX_OK;

	memset(&o, 0, sizeof(o));
	memset(&n, 0, sizeof(n));
	ad_err_clear(&e);
	parse_opts(argc, argv, &o);
	ad_signals_init();
	if (strcmp(o.schema, "kdd") == 0)
		sc = schema_kdd();
	else if (strcmp(o.schema, "none") == 0)
		sc = schema_none();
	else if ((sc = schema_load(o.schema, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((in = recin_new(o.files, o.nfiles, &o.cli.io, o.cli.reject,
		 o.cli.strict, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	if ((out = sink_open(o.cli.output, &o.cli.io, &e)) == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	/* One record in, at most one out: flush and commit whenever input waits. */
	if (!o.series)
		recin_set_sink(in, out);
	if (o.series) {
		struct seriesclean_stats st;

		if (run_series(&o, in, out, &st, &e) < 0)
			status = ad_err_report(&e);
		if (o.cli.verbose)
			fprintf(stderr,
			    "ad-clean: read %zu, rejected %zu, points %zu, "
			    "written %zu, filled %zu, replaced %zu, gaps %zu "
			    "(%zu slots), merged %zu, evicted keys %zu\n",
			    recin_read_count(in), recin_reject_count(in),
			    st.points, st.emitted, st.filled, st.replaced,
			    st.gaps, st.gap_slots, st.merged, st.evicted);
	} else if (run_records(&o, in, out, sc, &n, &e) < 0) {
		status = ad_err_report(&e);
	}
	if (sink_flush(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (o.cli.verbose && !o.series)
		summary(in, &n);
	if (status == EX_OK)
		status = recin_status(in);
out:
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	recin_free(in);
	schema_free(sc);
	cli_release(&o.cli);
	return finish(status);
}
