/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-train-rf: train a random forest (supervised, binary or multi-class),
 * an unsupervised contrast forest or an isolation forest on NDJSON
 * records; optionally cross-validate or grid-search; write the model file.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "forest/dataset.h"
#include "forest/forestfile.h"
#include "record/labels.h"
#include "io/ndjson.h"
#include "base/num.h"
#include "base/progress.h"
#include "io/recin.h"
#include "forest/rftrain.h"
#include "forest/trainread.h"

enum {
	OPT_MODE = CLI_PROGRAM_OPTIONS,
	OPT_LABEL,
	OPT_NORMAL,
	OPT_CLASSES,
	OPT_FEATURES,
	OPT_EXCLUDE,
	OPT_TREES,
	OPT_MAX_DEPTH,
	OPT_MAX_BINS,
	OPT_MIN_LEAF,
	OPT_MTRY,
	OPT_SAMPLE_RATE,
	OPT_FRACTION,
	OPT_SAMPLE_SIZE,
	OPT_THREADS,
	OPT_CV,
	OPT_GRID,
	OPT_REPORT,
};

struct opts {
	struct cli cli;
	struct rftrain p;
	const char *label, *normal, *classes, *features, *exclude;
	const char *grid, *report;
	bool mtry_set;
	int cv;
	double cv_auc;
};

static const char synopsis[] =
    "usage: ad-train-rf [-hqVv] [-s seed] [--mode supervised|unsupervised|"
    "isolation]\n"
    "                   [--label field] [--normal value] [--classes file]\n"
    "                   [--features list] [--exclude list] [--trees n]\n"
    "                   [--max-depth d] [--max-bins b] [--min-leaf n]\n"
    "                   [--mtry n|sqrt|all] [--sample-rate r] [--fraction f]\n"
    "                   [--sample-size n] [--threads n] [--cv k] "
    "[--grid spec]\n"
    "                   [--report file] [--reject file] [--strict] "
    "-o model [file ...]\n";

static void
usage(FILE *fp, int status)
{
	fputs(synopsis, fp);
	if (fp == stdout)
		fputs(
		    "\n"
		    "  -h, --help          show this help and exit\n"
		    "  -o, --output MODEL  write the model to MODEL "
		    "(atomically)\n"
		    "  -q, --quiet         no warnings, no cross-validation "
		    "text\n"
		    "  -s, --seed S        seed for sampling (default 1)\n"
		    "  -V, --version       print the version and exit\n"
		    "  -v, --verbose       print timings and counts on stderr\n"
		    "      --mode M        supervised (default), unsupervised, "
		    "isolation\n"
		    "      --label F       label field (default label)\n"
		    "      --normal V      label of normal records (default "
		    "normal.)\n"
		    "      --classes FILE  multi-class: lines 'label class'\n"
		    "      --features L    only these fields "
		    "(comma-separated)\n"
		    "      --exclude L     not these fields\n"
		    "      --trees N       trees (default 100)\n"
		    "      --max-depth D   maximum depth (default 20; "
		    "isolation: log2 n)\n"
		    "      --max-bins B    value bins per feature, 2..255 "
		    "(default 255)\n"
		    "      --min-leaf N    fewest rows in a leaf (default 1)\n"
		    "      --mtry N        features per split: N, sqrt, all\n"
		    "                      (default sqrt; unsupervised: all)\n"
		    "      --sample-rate R rows drawn per tree, with "
		    "replacement (1)\n"
		    "      --fraction F    unsupervised: synthetic rows per "
		    "real row (0.1)\n"
		    "      --sample-size N isolation: rows per tree (default "
		    "256)\n"
		    "      --threads N     training threads (default: all "
		    "cores)\n"
		    "      --cv K          stratified K-fold cross-validation "
		    "report\n"
		    "      --grid SPEC     cross-validated search, e.g. "
		    "'trees=30,100 max-depth=15,20'\n"
		    "      --report FILE   write the cross-validation report "
		    "as JSON\n"
		    "      --reject FILE   append bad records to FILE\n"
		    "      --strict        stop at the first bad record\n",
		    fp);
	exit(status);
}

static int
parse_int(const char *opt, const char *s, long lo, long hi, int *out,
    struct ad_err *e)
{
	long v;

	if (num_parse_long(opt, s, lo, hi, &v, e) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {CLI_LONGOPTS,
	    {"seed", required_argument, NULL, 's'},
	    {"mode", required_argument, NULL, OPT_MODE},
	    {"label", required_argument, NULL, OPT_LABEL},
	    {"normal", required_argument, NULL, OPT_NORMAL},
	    {"classes", required_argument, NULL, OPT_CLASSES},
	    {"features", required_argument, NULL, OPT_FEATURES},
	    {"exclude", required_argument, NULL, OPT_EXCLUDE},
	    {"trees", required_argument, NULL, OPT_TREES},
	    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
	    {"max-bins", required_argument, NULL, OPT_MAX_BINS},
	    {"min-leaf", required_argument, NULL, OPT_MIN_LEAF},
	    {"mtry", required_argument, NULL, OPT_MTRY},
	    {"sample-rate", required_argument, NULL, OPT_SAMPLE_RATE},
	    {"fraction", required_argument, NULL, OPT_FRACTION},
	    {"sample-size", required_argument, NULL, OPT_SAMPLE_SIZE},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"cv", required_argument, NULL, OPT_CV},
	    {"grid", required_argument, NULL, OPT_GRID},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {NULL, 0, NULL, 0}};
	struct rftrain *p = &o->p;
	struct ad_err e;
	long l;
	int c;

	ad_err_clear(&e);
	cli_init(&o->cli, "ad-train-rf");
	o->label = "label";
	o->normal = "normal.";
	*p = (struct rftrain){.mode = FORESTFILE_SUPERVISED,
	    .trees = 100,
	    .max_depth = 20,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .mtry = RFTRAIN_SQRT,
	    .sample_rate = 1,
	    .fraction = 0.1,
	    .sample_size = 256,
	    .seed = 1};
	l = sysconf(_SC_NPROCESSORS_ONLN);
	p->threads = l > 0 ? (int)l : 1;
	while ((c = getopt_long(
		    argc, argv, CLI_SHORTOPTS "s:", longopts, NULL)) != -1) {
		int rc = cli_option(&o->cli, c, optarg, &e), r = 0;

		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		switch (c) {
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 's':
			r = num_parse_long(
			    "--seed", optarg, 0, LONG_MAX, &l, &e);
			p->seed = (uint64_t)l;
			break;
		case 'V':
			printf("ad-train-rf %s\n", AD_VERSION);
			exit(EX_OK);
		case OPT_MODE:
			if (strcmp(optarg, "supervised") == 0)
				p->mode = FORESTFILE_SUPERVISED;
			else if (strcmp(optarg, "unsupervised") == 0)
				p->mode = FORESTFILE_UNSUPERVISED;
			else if (strcmp(optarg, "isolation") == 0)
				p->mode = FORESTFILE_ISOLATION;
			else {
				ad_err_set(&e, EX_USAGE,
				    "--mode: expected "
				    "supervised, unsupervised or isolation, "
				    "got '%s'",
				    optarg);
				goto bad;
			}
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_NORMAL:
			o->normal = optarg;
			break;
		case OPT_CLASSES:
			o->classes = optarg;
			break;
		case OPT_FEATURES:
			o->features = optarg;
			break;
		case OPT_EXCLUDE:
			o->exclude = optarg;
			break;
		case OPT_TREES:
			r = parse_int(
			    "--trees", optarg, 1, 100000, &p->trees, &e);
			break;
		case OPT_MAX_DEPTH:
			r = parse_int("--max-depth", optarg, 1,
			    FOREST_MAX_DEPTH, &p->max_depth, &e);
			break;
		case OPT_MAX_BINS:
			r = parse_int("--max-bins", optarg, 2, DATASET_MAX_BINS,
			    &p->max_bins, &e);
			break;
		case OPT_MIN_LEAF:
			r = parse_int("--min-leaf", optarg, 1, 1000000000,
			    &p->min_leaf, &e);
			break;
		case OPT_MTRY:
			o->mtry_set = true;
			if (strcmp(optarg, "sqrt") == 0)
				p->mtry = RFTRAIN_SQRT;
			else if (strcmp(optarg, "all") == 0)
				p->mtry = 0;
			else
				r = parse_int(
				    "--mtry", optarg, 1, 65535, &p->mtry, &e);
			break;
		case OPT_SAMPLE_RATE:
			r = num_parse_double("--sample-rate", optarg, 1e-6, 1,
			    &p->sample_rate, &e);
			break;
		case OPT_FRACTION:
			r = num_parse_double(
			    "--fraction", optarg, 1e-6, 100, &p->fraction, &e);
			break;
		case OPT_SAMPLE_SIZE:
			r = num_parse_long(
			    "--sample-size", optarg, 2, 100000000, &l, &e);
			p->sample_size = (size_t)l;
			break;
		case OPT_THREADS:
			r = parse_int(
			    "--threads", optarg, 1, 64, &p->threads, &e);
			break;
		case OPT_CV:
			r = parse_int("--cv", optarg, 2, 100, &o->cv, &e);
			break;
		case OPT_GRID:
			o->grid = optarg;
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
		if (r < 0)
			goto bad;
	}
	if (o->cli.output == NULL) {
		warnx("no model file: give -o model");
		usage(stderr, EX_USAGE);
	}
	if ((o->cv || o->grid) && p->mode != FORESTFILE_SUPERVISED) {
		warnx("--cv and --grid need --mode supervised");
		usage(stderr, EX_USAGE);
	}
	if (o->grid && o->cv == 0)
		o->cv = 5;
	if (p->mode == FORESTFILE_UNSUPERVISED && !o->mtry_set)
		p->mtry = 0;
	return;
bad:
	if (e.status == EX_USAGE) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	exit(ad_err_report(&e));
}

/* Cross-validate (or grid-search, setting o->p to the best) and report. */
static int
evaluate(struct opts *o, struct dataset *ds, struct progress *pr)
{
	FILE *text = !o->cli.quiet ? stderr : NULL;
	json_t *grid = NULL, *rep;
	struct ad_err e;

	ad_err_clear(&e);
	if (o->grid && rftrain_grid_parse(o->grid, &grid, &e) < 0) {
		warnx("%s", e.msg);
		usage(stderr, EX_USAGE);
	}
	rep = rftrain_search(ds, &o->p, o->cv, grid, text, pr, &o->cv_auc);
	json_decref(grid);
	if (o->report && report_write(o->report, rep, &e) < 0) {
		json_decref(rep);
		return ad_err_report(&e);
	}
	json_decref(rep);
	return 0;
}

static void
fill_model(struct forestfile *m, const struct opts *o, struct labels *lab,
    const struct dataset *ds)
{
	m->mode = o->p.mode;
	m->label = xstrdup(o->label);
	m->normal = xstrdup(
	    o->p.mode == FORESTFILE_SUPERVISED && !o->classes ? o->normal : "");
	if (o->p.mode == FORESTFILE_SUPERVISED) {
		m->nclass = lab->nclass;
		m->classes = lab->classes;
		lab->classes = NULL;
		lab->nclass = 0;
	} else {
		m->nclass = o->p.mode == FORESTFILE_ISOLATION ? 1 : 2;
		m->classes = xcalloc(2, sizeof(char *));
		m->classes[0] = xstrdup(
		    o->p.mode == FORESTFILE_ISOLATION ? "anomaly" : "real");
		if (m->nclass == 2)
			m->classes[1] = xstrdup("synthetic");
	}
	m->threshold = 0.5;
	m->trees = o->p.trees;
	m->max_depth = o->p.mode == FORESTFILE_ISOLATION
			   ? forest_depth(m->forest)
			   : o->p.max_depth;
	m->max_bins = o->p.max_bins;
	m->min_leaf = o->p.min_leaf;
	m->mtry = rftrain_mtry(&o->p, ds->nfeat);
	if (m->mtry == 0)
		m->mtry = (int)ds->nfeat;
	m->sample_rate = o->p.sample_rate;
	m->fraction = o->p.fraction;
	m->sample_size = m->forest->psi;
	m->seed = o->p.seed;
	m->rows = ds->nrows;
	/* No clock in the file: the same seed gives the same bytes. */
	m->created[0] = '\0';
	m->cv_auc = o->cv ? o->cv_auc : NAN;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct labels lab = {0};
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds = NULL;
	struct recin *in = NULL;
	struct progress pr;
	struct ad_err e;
	double t0, t1, t2;
	int status = EX_OK, present[2] = {0};

	ad_signals_init();
	parse_opts(argc, argv, &o);
	ad_err_clear(&e);
	if (o.p.mode == FORESTFILE_SUPERVISED) {
		if (o.classes ? labels_load(&lab, o.classes, &e) < 0
			      : labels_binary(&lab, o.normal) < 0) {
			status = ad_err_report(&e);
			goto out;
		}
		o.p.nclass = lab.nclass;
		o.p.classes = lab.classes;
	} else
		o.p.nclass = 2;
	m->fs = featset_new();
	if (featset_set_lists(m->fs, o.features, o.exclude, o.label) < 0) {
		warnx("--features: no field names");
		usage(stderr, EX_USAGE);
	}
	in = recin_new(argv + optind, (size_t)(argc - optind), &o.cli.io,
	    o.cli.reject, o.cli.strict, &e);
	if (in == NULL) {
		status = ad_err_report(&e);
		goto out;
	}
	ds = dataset_new(m->fs);
	t0 = clock_now_s();
	if (trainread(in, ds,
		o.p.mode == FORESTFILE_SUPERVISED ? o.label : NULL, &lab,
		o.classes, &e) < 0) {
		ad_err_report(&e);
		status = EX_IOERR;
		goto out;
	}
	status = recin_status(in);
	if (ds->nrows == 0 || m->fs->n == 0) {
		warnx("no %s to train on", ds->nrows ? "features" : "records");
		status = status ? status : EX_DATAERR;
		goto out;
	}
	for (size_t i = 0; i < ds->nrows; i++)
		present[ds->y[i] != 0] = 1;
	if (o.p.mode == FORESTFILE_SUPERVISED && !(present[0] && present[1])) {
		warnx("the training records hold only %s records",
		    present[0] ? "normal" : "non-normal");
		status = EX_DATAERR;
		goto out;
	}
	dataset_bin(ds, o.p.max_bins, o.p.threads);
	t1 = clock_now_s();
	if (o.cv) {
		int rc = evaluate(&o, ds, &pr);

		if (rc != 0) {
			status = rc;
			goto out;
		}
	}
	progress_init(&pr, "training", (uint64_t)o.p.trees);
	o.p.prog = &pr;
	m->forest = rftrain_fit(ds, &o.p, NULL, 0);
	progress_done(&pr);
	t2 = clock_now_s();
	fill_model(m, &o, &lab, ds);
	if (forestfile_save(m, o.cli.output, &e) < 0) {
		status = ad_err_report(&e);
		goto out;
	}
	if (o.cli.verbose > 0)
		fprintf(stderr,
		    "ad-train-rf: %zu records read, %zu rejected, "
		    "%zu features, %.3f s reading; %d trees, %zu "
		    "nodes, %.3f s training; model '%s'\n",
		    ds->nrows, recin_reject_count(in), m->fs->n, t1 - t0,
		    o.p.trees, forest_nodes(m->forest), t2 - t1, o.cli.output);
out:
	forestfile_free(m);
	dataset_free(ds);
	recin_free(in);
	labels_release(&lab);
	cli_release(&o.cli);
	return finish(status);
}
