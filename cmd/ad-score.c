/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-score: add an anomaly score to each record, with a forest model (hot
 * reloaded when the file is replaced or on SIGHUP) or per-key running
 * z-scores.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "forest/forestfile.h"
#include "base/num.h"
#include "io/endpoint.h"
#include "io/recin.h"
#include "io/reload.h"
#include "forest/scorepipe.h"
#include "forest/scorer.h"
#include "detect/zsrun.h"

enum {
	OPT_THRESHOLD = CLI_PROGRAM_OPTIONS,
	OPT_ANOMALIES,
	OPT_EXPLAIN,
	OPT_INFO,
	OPT_ZSCORE,
	OPT_ONE_SIDED,
	OPT_MIN_COUNT,
	OPT_ID,
	OPT_FIELD,
	OPT_STATE,
	OPT_SAVE_EVERY,
	OPT_MAX_KEYS,
	OPT_MODEL_IN,
	OPT_MODEL_OUT,
};

struct opts {
	struct cli cli;
	const char *model;
	double threshold;
	bool anomalies, info;
	int explain;
	struct zsrun_opts z;
};

static const char synopsis[] =
    "usage: ad-score [-hqVv] [-o dest] -m model [--threshold t] "
    "[--anomalies]\n"
    "                [--explain n] [file ...]\n"
    "       ad-score --info -m model\n"
    "       ad-score [-hqVv] [-o dest] --zscore k [--one-sided] [--min-count "
    "n]\n"
    "                [--id field] [--field field] [--state file] [--save-every "
    "n]\n"
    "                [--max-keys n] [--model-in src] [--model-out dest] "
    "[file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -h, --help          show this help and exit\n"
		    "  -m, --model FILE    forest model from ad-train-rf\n"
		    "  -o, --output DEST   write to DEST: path, -, kafka://, "
		    "file:\n"
		    "  -q, --quiet         no warnings about bad records\n"
		    "  -V, --version       print the version and exit\n"
		    "  -v, --verbose       summary and reloads on stderr\n"
		    "      --threshold T   anomaly when score >= T (default: "
		    "the model's)\n"
		    "      --anomalies     pass only anomalous records\n"
		    "      --explain N     add the N features that moved the "
		    "score most\n"
		    "      --info          print the model's metadata as JSON\n"
		    "      --zscore K      per-key z-score, anomalous beyond K "
		    "sd\n"
		    "      --one-sided     only values above mean + K sd\n"
		    "      --min-count N   points of a key before it can be "
		    "anomalous (2)\n"
		    "      --id F          key field (default id)\n"
		    "      --field F       value field (default value)\n"
		    "      --state FILE    load state at start, save at exit\n"
		    "      --save-every N  also save every N records (default "
		    "10000)\n"
		    "      --max-keys N    keys kept, least recently used "
		    "evicted (100000)\n"
		    "      --model-in SRC  read state lines from SRC and apply "
		    "them\n"
		    "      --model-out DST publish state lines to DST\n"
		    "      --reject FILE   append bad records to FILE\n"
		    "      --strict        stop at the first bad record\n",
		    fp);
	exit(status);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {CLI_LONGOPTS,
	    {"model", required_argument, NULL, 'm'},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"anomalies", no_argument, NULL, OPT_ANOMALIES},
	    {"explain", required_argument, NULL, OPT_EXPLAIN},
	    {"info", no_argument, NULL, OPT_INFO},
	    {"zscore", required_argument, NULL, OPT_ZSCORE},
	    {"one-sided", no_argument, NULL, OPT_ONE_SIDED},
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"id", required_argument, NULL, OPT_ID},
	    {"field", required_argument, NULL, OPT_FIELD},
	    {"state", required_argument, NULL, OPT_STATE},
	    {"save-every", required_argument, NULL, OPT_SAVE_EVERY},
	    {"max-keys", required_argument, NULL, OPT_MAX_KEYS},
	    {"model-in", required_argument, NULL, OPT_MODEL_IN},
	    {"model-out", required_argument, NULL, OPT_MODEL_OUT},
	    {NULL, 0, NULL, 0}};
	struct ad_err e;
	long l;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-score");
	o->threshold = NAN;
	o->z = (struct zsrun_opts){.k = NAN,
	    .id = "id",
	    .field = "value",
	    .save_every = 10000,
	    .max_keys = 100000};
	while ((c = getopt_long(
		    argc, argv, CLI_SHORTOPTS "m:", longopts, NULL)) != -1) {
		int rc = cli_option(&o->cli, c, optarg, &e), r = 0;

		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'V':
			printf("ad-score %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_THRESHOLD:
			r = num_parse_double("--threshold", optarg, -1e300,
			    1e300, &o->threshold, &e);
			break;
		case OPT_ANOMALIES:
			o->anomalies = true;
			break;
		case OPT_EXPLAIN:
			r = num_parse_long(
			    "--explain", optarg, 1, 1000, &l, &e);
			o->explain = (int)l;
			break;
		case OPT_INFO:
			o->info = true;
			break;
		case OPT_ZSCORE:
			r = num_parse_double(
			    "--zscore", optarg, 0, 1e300, &o->z.k, &e);
			break;
		case OPT_ONE_SIDED:
			o->z.one_sided = true;
			break;
		case OPT_MIN_COUNT:
			r = num_parse_long(
			    "--min-count", optarg, 2, LONG_MAX, &l, &e);
			o->z.min_count = (size_t)l;
			break;
		case OPT_ID:
			o->z.id = optarg;
			break;
		case OPT_FIELD:
			o->z.field = optarg;
			break;
		case OPT_STATE:
			o->z.state = optarg;
			break;
		case OPT_SAVE_EVERY:
			r = num_parse_long(
			    "--save-every", optarg, 1, LONG_MAX, &l, &e);
			o->z.save_every = (size_t)l;
			break;
		case OPT_MAX_KEYS:
			r = num_parse_long(
			    "--max-keys", optarg, 1, LONG_MAX, &l, &e);
			o->z.max_keys = (size_t)l;
			break;
		case OPT_MODEL_IN:
			o->z.model_in = optarg;
			break;
		case OPT_MODEL_OUT:
			o->z.model_out = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
		if (r < 0)
			goto bad;
	}
	if (o->info && o->model == NULL && optind < argc)
		o->model = argv[optind++];
	if (isnan(o->z.k) == (o->model == NULL)) {
		warnx(o->model ? "give -m model or --zscore k, not both"
			       : "no model: give -m model or --zscore k");
		usage(stderr, EX_USAGE);
	}
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

static int
info(const char *path)
{
	struct ad_err e;
	struct forestfile *m;
	json_t *o;

	ad_err_clear(&e);
	if ((m = forestfile_read(path, &e)) == NULL)
		return ad_err_report(&e);
	o = forestfile_info(m);
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
	forestfile_free(m);
	return finish(EX_OK);
}

/*
 * Forest scoring: this thread reads, parses and walks the first 40% of
 * the trees, a writer thread (scorepipe.h) the rest, and writes; the
 * model is hot reloaded between two records.
 */
static int
score_forest(struct opts *o, struct recin *in, struct sink *out)
{
	struct scorer rd, wr; /* rd borrows wr's model */
	struct scorepipe *pipe;
	struct reload rl;
	struct ad_err e;
	struct forestfile *m;
	struct line line;
	int rc, status = EX_OK;

	ad_err_clear(&e);
	if ((m = forestfile_read(o->model, &e)) == NULL)
		return ad_err_report(&e);
	scorer_init(&wr, m);
	wr.threshold = o->threshold;
	wr.explain = o->explain;
	wr.anomalies_only = o->anomalies;
	scorer_init(&rd, m);
	rd.explain = o->explain;
	if ((pipe = scorepipe_new(&wr, out, &e)) == NULL) {
		rd.m = NULL;
		scorer_release(&rd);
		scorer_release(&wr);
		return ad_err_report(&e);
	}
	recin_set_sink(in, scorepipe_proxy(pipe));
	reload_signals_init();
	reload_init(&rl, o->model);
	while ((rc = recin_next_line(in, &line, &e)) > 0) {
		struct scorepipe_item *it;
		char why[300];

		if (reload_changed(&rl)) {
			struct forestfile *nm = forestfile_read(o->model, &e);

			if (nm == NULL)
				warnx("%s; keeping the previous model", e.msg);
			else {
				scorer_borrow_model(&rd, nm);
				if (scorepipe_set_model(pipe, nm, &e) < 0)
					break;
				if (o->cli.verbose > 0)
					warnx("reloaded '%s'", o->model);
			}
			ad_err_clear(&e);
		}
		it = scorepipe_slot(pipe, rd.m->fs->n);
		if (scorer_prepare(&rd, line.buf, line.len, it->x, &it->text,
			&it->comma, why, sizeof(why)) < 0) {
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		it->from = (size_t)(0.4 * (double)rd.m->forest->ntrees);
		scorer_begin(
		    &rd, it->x, it->from, &it->acc, it->x + rd.m->fs->n);
		if (scorepipe_push(pipe, &e) < 0)
			break;
	}
	if (rc < 0 || (rc > 0 && e.status != 0)) /* read or pipeline error */
		status = ad_err_report(&e);
	recin_set_sink(in, NULL);
	ad_err_clear(&e);
	if (scorepipe_free(pipe, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (o->cli.verbose > 0)
		fprintf(stderr,
		    "ad-score: %zu read, %zu rejected, %zu slow "
		    "path\n",
		    recin_read_count(in), recin_reject_count(in), rd.nslow);
	rd.m = NULL;
	scorer_release(&rd);
	scorer_release(&wr);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct recin *in = NULL;
	struct sink *out = NULL;
	struct ad_err e;
	int status;

	ad_signals_init();
	parse_opts(argc, argv, &o);
	if (o.info)
		return info(o.model);
	ad_err_clear(&e);
	in = recin_new(argv + optind, (size_t)(argc - optind), &o.cli.io,
	    o.cli.reject, o.cli.strict, &e);
	if (in == NULL)
		return ad_err_report(&e);
	out = sink_open(o.cli.output ? o.cli.output : "-", &o.cli.io, &e);
	if (out == NULL) {
		recin_free(in);
		return ad_err_report(&e);
	}
	recin_set_sink(in, out); /* flushed whenever the input waits */
	if (o.model)
		status = score_forest(&o, in, out);
	else
		status = zsrun(&o.z, in, out, o.cli.verbose, &o.cli.io, &e) < 0
			     ? ad_err_report(&e)
			     : EX_OK;
	if (sink_flush(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (sink_close(out, &e) < 0 && status == EX_OK)
		status = ad_err_report(&e);
	if (status == EX_OK && recin_commit(in, &e) < 0)
		status = ad_err_report(&e);
	if (status == EX_OK)
		status = recin_status(in);
	recin_free(in);
	cli_release(&o.cli);
	return finish(status);
}
