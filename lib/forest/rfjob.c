/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-train-rf's training job.  The model file carries no clock, and
 * every random draw comes from the seed, so that training twice on the
 * same input writes the same bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "forest/dataset.h"
#include "forest/featset.h"
#include "forest/rfjob.h"
#include "forest/trainread.h"
#include "io/report.h"
#include "record/costs.h"
#include "record/labels.h"
#include "base/progress.h"

struct rfjob {
	struct rfjob_conf c;
	struct labels lab;
	double *costs; /* in class order, or NULL */
	struct forestfile *m;
	struct dataset *ds;
	struct progress pr;
	double cv_auc;
	double t0, t1, t2; /* reading started, ended; training ended */
};

/* The --costs matrix in the order of the job's classes. */
static int
load_costs(struct rfjob *j, struct ad_err *err)
{
	struct costs c;
	size_t K = j->lab.nclass;
	int rc;

	if (costs_load(&c, j->c.costs, err) < 0)
		return -1;
	j->costs = xcalloc(K * K, sizeof(double));
	rc = costs_order(&c, j->lab.classes, K, j->costs, err);
	costs_release(&c);
	j->c.p.costs = rc == 0 ? j->costs : NULL;
	return rc;
}

/*
 * A job for conf (copied; its strings and grid are borrowed and must
 * outlive the job): the classes are set up (a --classes file is read)
 * and cost matrix read, and the feature lists applied.  Returns a new
 * job (caller frees with rfjob_free()), or NULL with err set: the classes
 * or cost file's error (a cost matrix lacking one of the classes is
 * EX_DATAERR), or EX_USAGE when the feature lists name no field.
 */
struct rfjob *
rfjob_new(const struct rfjob_conf *conf, struct ad_err *err)
{
	struct rfjob *j = xcalloc(1, sizeof(*j));
	int rc;

	j->c = *conf;
	j->c.p.prog = NULL;
	j->m = xcalloc(1, sizeof(*j->m));
	if (j->c.p.mode == FORESTFILE_SUPERVISED) {
		if (j->c.classes ? labels_load(&j->lab, j->c.classes, err) < 0
				 : labels_binary(&j->lab, j->c.normal) < 0)
			goto fail;
		j->c.p.nclass = j->lab.nclass;
		j->c.p.classes = j->lab.classes;
		if (j->c.costs != NULL && load_costs(j, err) < 0)
			goto fail;
	} else
		j->c.p.nclass = 2;
	j->m->fs = featset_new();
	if (j->c.group != NULL && strcmp(j->c.group, j->c.label) != 0) {
		/* what a fold is grouped by is no feature */
		struct buf b;

		buf_init(&b);
		buf_addf(
		    &b, "%s,%s", j->c.exclude ? j->c.exclude : "", j->c.group);
		rc = featset_set_lists(
		    j->m->fs, j->c.features, b.data, j->c.label);
		buf_release(&b);
	} else
		rc = featset_set_lists(
		    j->m->fs, j->c.features, j->c.exclude, j->c.label);
	if (rc < 0) {
		ad_err_set(err, EX_USAGE, "--features: no field names");
		goto fail;
	}
	return j;
fail:
	rfjob_free(j);
	return NULL;
}

/* Free j and what it holds; NULL is a no-op. */
void
rfjob_free(struct rfjob *j)
{
	if (j == NULL)
		return;
	forestfile_free(j->m);
	dataset_free(j->ds);
	labels_release(&j->lab);
	free(j->costs);
	free(j);
}

/*
 * Read every record of in into the data set and bin it.  Returns 0, or
 * -1 with err set: the source's status (else EX_IOERR) when reading
 * failed; when no record (or no feature) is left to train on, the input's
 * own status (65 when records were rejected) or EX_DATAERR; EX_DATAERR when supervised records hold
 * only one of normal and non-normal.
 */
int
rfjob_read(struct rfjob *j, struct recin *in, struct ad_err *err)
{
	bool supervised = j->c.p.mode == FORESTFILE_SUPERVISED;
	int present[2] = {0}, st;

	j->ds = dataset_new(j->m->fs);
	if (j->c.cv && j->c.group != NULL)
		dataset_group_by(j->ds, j->c.group);
	j->t0 = clock_now_s();
	if (trainread(in, j->ds, supervised ? j->c.label : NULL, &j->lab,
		j->c.classes, err) < 0) {
		/* the source's own status (78 for a bad -X, 69 for no broker) */
		if (err->status == 0)
			err->status = EX_IOERR;
		return -1;
	}
	if (j->ds->nrows == 0 || j->m->fs->n == 0) {
		st = recin_status(in);
		ad_err_set(err, st ? st : EX_DATAERR, "no %s to train on",
		    j->ds->nrows ? "features" : "records");
		return -1;
	}
	for (size_t i = 0; i < j->ds->nrows; i++)
		present[j->ds->y[i] != 0] = 1;
	if (supervised && !(present[0] && present[1])) {
		ad_err_set(err, EX_DATAERR,
		    "the training records hold only %s records",
		    present[0] ? "normal" : "non-normal");
		return -1;
	}
	dataset_bin(j->ds, j->c.p.max_bins, j->c.p.threads);
	j->t1 = clock_now_s();
	return 0;
}

/*
 * With conf->cv, cross-validate (or, with a grid, search it, keeping the
 * best parameters for the fit) and write the report to conf->report;
 * the cross-validation text goes to text (NULL: none).  Without
 * conf->cv, does nothing.  Returns 0, or -1 with err set (the report
 * cannot be written: report_write()'s status).
 */
int
rfjob_evaluate(struct rfjob *j, FILE *text, struct ad_err *err)
{
	json_t *rep;

	if (!j->c.cv)
		return 0;
	rep = rftrain_search(
	    j->ds, &j->c.p, j->c.cv, j->c.grid, text, &j->pr, &j->cv_auc);
	if (j->c.report && report_write(j->c.report, rep, err) < 0) {
		json_decref(rep);
		return -1;
	}
	json_decref(rep);
	return 0;
}

/* Fill in the model file's header from the job. */
static void
fill_model(struct rfjob *j)
{
	struct forestfile *m = j->m;
	const struct rftrain *p = &j->c.p;

	m->mode = p->mode;
	m->label = xstrdup(j->c.label);
	m->normal = xstrdup(p->mode == FORESTFILE_SUPERVISED && !j->c.classes
				? j->c.normal
				: "");
	if (p->mode == FORESTFILE_SUPERVISED) {
		m->nclass = j->lab.nclass;
		m->classes = j->lab.classes;
		j->lab.classes = NULL;
		j->lab.nclass = 0;
	} else {
		m->nclass = p->mode == FORESTFILE_ISOLATION ? 1 : 2;
		m->classes = xcalloc(2, sizeof(char *));
		m->classes[0] = xstrdup(
		    p->mode == FORESTFILE_ISOLATION ? "anomaly" : "real");
		if (m->nclass == 2)
			m->classes[1] = xstrdup("synthetic");
	}
	m->threshold = 0.5;
	m->trees = p->trees;
	m->max_depth = p->mode == FORESTFILE_ISOLATION ? forest_depth(m->forest)
						       : p->max_depth;
	m->max_bins = p->max_bins;
	m->min_leaf = p->min_leaf;
	m->mtry = rftrain_mtry(p, j->ds->nfeat);
	if (m->mtry == 0)
		m->mtry = (int)j->ds->nfeat;
	m->sample_rate = p->sample_rate;
	m->fraction = p->fraction;
	m->sample_size = m->forest->psi;
	m->seed = p->seed;
	m->split = m->scoring = -1;
	if (p->mode == FORESTFILE_ISOLATION) {
		m->split = p->split;
		m->scoring = p->scoring;
	}
	if (p->boost) {
		m->learning_rate = p->learning_rate;
		m->lambda = p->lambda;
		m->rounds = p->rounds_kept;
	}
	m->rows = j->ds->nrows;
	/* No clock in the file: the same seed gives the same bytes. */
	m->created[0] = '\0';
	m->cv_auc = j->c.cv ? j->cv_auc : NAN;
	if (j->costs != NULL) {
		m->costs = j->costs;
		j->costs = NULL;
	}
}

struct scoring {
	const struct forest *f;
	const struct dataset *ds;
	double *score;
};

/*
 * Score training rows [i * 4096, (i + 1) * 4096) from their values, as
 * ad-score does (forest_predict(): isolation forests too), on a thread.
 */
static void
score_rows(size_t i, int thread, void *arg)
{
	struct scoring *sg = arg;
	const struct dataset *ds = sg->ds;
	double proba[FOREST_MAX_CLASSES];
	double *x = xcalloc(ds->ncols ? ds->ncols : 1, sizeof(double));
	size_t end = (i + 1) * 4096;

	(void)thread;
	if (end > ds->nrows)
		end = ds->nrows;
	for (size_t r = i * 4096; r < end; r++) {
		for (size_t f = 0; f < ds->ncols; f++)
			x[f] = ds->col[f][r];
		sg->score[r] = forest_predict(sg->f, x, proba, NULL);
	}
	free(x);
}

static int
by_score_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

/*
 * The threshold that flags a share c of the training rows: the k-th
 * largest of their scores, k = ceil(c * rows) (at least 1), so that
 * score >= threshold holds for k rows, more where scores tie.
 */
static double
contamination_threshold(struct rfjob *j, double c)
{
	struct scoring sg = {j->m->forest, j->ds, NULL};
	size_t n = j->ds->nrows, k = (size_t)ceil(c * (double)n);
	double t;

	sg.score = xcalloc(n, sizeof(double));
	forest_run_threads(
	    j->c.p.threads, (n + 4095) / 4096, score_rows, &sg, NULL, NULL);
	qsort(sg.score, n, sizeof(double), by_score_desc);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	t = sg.score[k - 1];
	free(sg.score);
	return t;
}

/*
 * Fit the forest on the data set read (after rfjob_read() succeeded),
 * with the parameters rfjob_evaluate() chose if it searched, showing
 * progress on a terminal; then fill in the model, its threshold 0.5 or,
 * with a contamination c, the score above which a share c of the
 * training rows lie (scored in-sample, on all threads).
 */
void
rfjob_fit(struct rfjob *j)
{
	progress_init(&j->pr, "training", (uint64_t)j->c.p.trees);
	j->c.p.prog = &j->pr;
	j->m->forest = rftrain_fit(j->ds, &j->c.p, NULL, 0);
	progress_done(&j->pr);
	fill_model(j);
	if (j->c.contamination > 0)
		j->m->threshold =
		    contamination_threshold(j, j->c.contamination);
	j->t2 = clock_now_s();
}

/* The model, after rfjob_fit(); borrowed, valid until rfjob_free(). */
const struct forestfile *
rfjob_model(const struct rfjob *j)
{
	return j->m;
}

/*
 * Append the -v summary of a fitted job to b (no newline): records read
 * and rejected (the input's count), features, reading time, trees,
 * nodes, training time, and the model's path.
 */
void
rfjob_summary(
    const struct rfjob *j, size_t rejected, const char *path, struct buf *b)
{
	buf_addf(b,
	    "%zu records read, %zu rejected, %zu features, %.3f s reading; "
	    "%d trees, %zu nodes, %.3f s training; model '%s'",
	    j->ds->nrows, rejected, j->m->fs->n, j->t1 - j->t0,
	    (int)j->m->forest->ntrees, forest_nodes(j->m->forest),
	    j->t2 - j->t1, path);
}
