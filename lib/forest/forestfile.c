/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Encoding of a forest model (see forestfile.h).  Payload layout: u32
 * payload version, then the metadata fields in a fixed order (version 2:
 * then a u8 saying whether a cost matrix follows, and its nclass x nclass
 * f64 costs; version 3: the boost fields; version 4, isolation only: u8
 * split and u8 scoring), the feature schema (featset_save()) and the forest
 * (forest_save()).  A payload that ends early, runs on, or holds an
 * inconsistent tree or cost is refused.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "forest/forestfile.h"
#include "io/modelfile.h"
#include "base/wire.h"

static const char *const mode_names[] = {
    "supervised", "unsupervised", "isolation"};

/* "supervised", "unsupervised" or "isolation". */
const char *
forestfile_mode_name(enum forestfile_mode m)
{
	return m <= FORESTFILE_ISOLATION ? mode_names[m] : "?";
}

/* Free m and everything in it; NULL is a no-op. */
void
forestfile_free(struct forestfile *m)
{
	if (m == NULL)
		return;
	free(m->label);
	free(m->normal);
	for (size_t i = 0; i < m->nclass; i++)
		free(m->classes[i]);
	free(m->classes);
	free(m->costs);
	featset_free(m->fs);
	forest_free(m->forest);
	free(m);
}

/*
 * Write m to path atomically.  Returns 0, or -1 with err set
 * (EX_CANTCREAT, EX_IOERR).
 */
int
forestfile_write(
    const char *path, const struct forestfile *m, struct ad_err *err)
{
	struct buf b;
	int rc;

	buf_init(&b);
	bool boost = m->forest->kind == FOREST_BOOST;
	bool iso =
	    m->mode == FORESTFILE_ISOLATION && m->split >= 0 && m->scoring >= 0;

	wire_put_u32(&b, iso ? 4 : boost ? 3 : m->costs != NULL ? 2 : 1);
	wire_put_u8(&b, (uint8_t)m->mode);
	wire_put_str(&b, m->label ? m->label : "");
	wire_put_str(&b, m->normal ? m->normal : "");
	wire_put_u64(&b, m->nclass);
	for (size_t i = 0; i < m->nclass; i++)
		wire_put_str(&b, m->classes[i]);
	wire_put_f64(&b, m->threshold);
	wire_put_u32(&b, (uint32_t)m->trees);
	wire_put_u32(&b, (uint32_t)m->max_depth);
	wire_put_u32(&b, (uint32_t)m->max_bins);
	wire_put_u32(&b, (uint32_t)m->min_leaf);
	wire_put_u32(&b, (uint32_t)m->mtry);
	wire_put_f64(&b, m->sample_rate);
	wire_put_f64(&b, m->fraction);
	wire_put_u64(&b, m->sample_size);
	wire_put_u64(&b, m->seed);
	wire_put_u64(&b, m->rows);
	wire_put_str(&b, m->created);
	wire_put_f64(&b, m->cv_auc);
	if (m->costs != NULL) {
		wire_put_u8(&b, 1);
		for (size_t i = 0; i < m->nclass * m->nclass; i++)
			wire_put_f64(&b, m->costs[i]);
	} else if (boost)
		wire_put_u8(&b, 0);
	if (boost) {
		wire_put_f64(&b, m->learning_rate);
		wire_put_f64(&b, m->lambda);
		wire_put_u32(&b, (uint32_t)m->rounds);
	}
	if (iso) {
		wire_put_u8(&b, (uint8_t)m->split);
		wire_put_u8(&b, (uint8_t)m->scoring);
	}
	featset_save(m->fs, &b);
	forest_save(m->forest, &b);
	rc = modelfile_write(path, FORESTFILE_KIND, b.data, b.len, err);
	buf_release(&b);
	return rc;
}

/*
 * Decode a payload (p, n; borrowed) read from the file called name.
 * Returns a new model (caller frees with forestfile_free()), or NULL with
 * err set to EX_DATAERR.
 */
struct forestfile *
forestfile_parse(const void *p, size_t n, const char *name, struct ad_err *err)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct wire w;
	uint32_t version;
	char *s;

	wire_init(&w, p, n);
	version = wire_u32(&w);
	if (!w.bad && (version < 1 || version > FORESTFILE_VERSION)) {
		ad_err_set(err, EX_DATAERR,
		    "'%s': unsupported forest model version %u (this program "
		    "reads versions 1 to %d)",
		    name, version, FORESTFILE_VERSION);
		forestfile_free(m);
		return NULL;
	}
	m->mode = wire_u8(&w);
	m->label = wire_str(&w);
	m->normal = wire_str(&w);
	m->nclass = wire_count(&w, 4);
	if (!w.bad && (m->nclass < 1 || m->nclass > FOREST_MAX_CLASSES ||
			  m->mode > FORESTFILE_ISOLATION))
		w.bad = true;
	if (!w.bad) {
		m->classes = xcalloc(m->nclass, sizeof(*m->classes));
		for (size_t i = 0; i < m->nclass; i++)
			m->classes[i] = wire_str(&w);
	} else
		m->nclass = 0;
	m->threshold = wire_f64(&w);
	m->trees = (int)wire_u32(&w);
	m->max_depth = (int)wire_u32(&w);
	m->max_bins = (int)wire_u32(&w);
	m->min_leaf = (int)wire_u32(&w);
	m->mtry = (int)wire_u32(&w);
	m->sample_rate = wire_f64(&w);
	m->fraction = wire_f64(&w);
	m->sample_size = wire_u64(&w);
	m->seed = wire_u64(&w);
	m->rows = wire_u64(&w);
	s = wire_str(&w);
	snprintf(m->created, sizeof(m->created), "%s", s);
	free(s);
	m->cv_auc = wire_f64(&w);
	m->version = version;
	m->split = m->scoring = -1;
	if (!w.bad && (version == 2 || version == 3) && wire_u8(&w) != 0 &&
	    !w.bad) {
		if (m->mode != FORESTFILE_SUPERVISED)
			w.bad = true;
		m->costs = xcalloc(
		    m->nclass ? m->nclass * m->nclass : 1, sizeof(double));
		for (size_t i = 0; i < m->nclass * m->nclass && !w.bad; i++) {
			m->costs[i] = wire_f64(&w);
			if (!(m->costs[i] >= 0 && isfinite(m->costs[i])))
				w.bad = true;
		}
	}
	if (!w.bad && version == 4) {
		m->split = wire_u8(&w);
		m->scoring = wire_u8(&w);
		if (m->mode != FORESTFILE_ISOLATION || m->split > 1 ||
		    m->scoring > 1)
			w.bad = true;
	}
	if (!w.bad && version == 3) {
		m->learning_rate = wire_f64(&w);
		m->lambda = wire_f64(&w);
		m->rounds = (int)wire_u32(&w);
	}
	if (!w.bad)
		m->fs = featset_load(&w);
	if (!w.bad)
		m->forest = forest_load(&w, m->fs->n);
	if (!w.bad && (w.p != w.end ||
			  (m->forest->kind == FOREST_ISOLATION) !=
			      (m->mode == FORESTFILE_ISOLATION) ||
			  (m->forest->kind == FOREST_BOOST) != (version == 3) ||
			  (version == 3 && m->mode != FORESTFILE_SUPERVISED) ||
			  (m->mode != FORESTFILE_ISOLATION &&
			      m->forest->nclass != m->nclass)))
		w.bad = true;
	if (w.bad) {
		ad_err_set(err, EX_DATAERR, "'%s': corrupt forest model", name);
		forestfile_free(m);
		return NULL;
	}
	return m;
}

/*
 * Read the model file at path.  Returns a new model, or NULL with err set:
 * EX_NOINPUT when it cannot be opened, EX_DATAERR when it is truncated,
 * corrupt, of another kind or version.
 */
struct forestfile *
forestfile_read(const char *path, struct ad_err *err)
{
	size_t n;
	void *p = modelfile_read(path, FORESTFILE_KIND, &n, err);
	struct forestfile *m;

	if (p == NULL)
		return NULL;
	m = forestfile_parse(p, n, path, err);
	free(p);
	if (m != NULL && m->created[0] == '\0') {
		/* ad-train-rf leaves the time out; the file's is as good */
		struct stat st;
		struct tm tm;

		if (stat(path, &st) == 0 && gmtime_r(&st.st_mtime, &tm))
			strftime(m->created, sizeof(m->created),
			    "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	return m;
}

/*
 * Make c (a cost matrix file's) m's costs, in m's class order, in place
 * of any it had.  Returns 0, or -1 with err set: EX_USAGE when m is not
 * supervised, EX_DATAERR (at the file's header line) when c lacks one of
 * m's classes.
 */
int
forestfile_set_costs(
    struct forestfile *m, const struct costs *c, struct ad_err *err)
{
	double *k;

	if (m->mode != FORESTFILE_SUPERVISED) {
		ad_err_set(err, EX_USAGE,
		    "costs need a supervised model, not %s",
		    forestfile_mode_name(m->mode));
		return -1;
	}
	k = xcalloc(m->nclass * m->nclass, sizeof(double));
	if (costs_order(c, m->classes, m->nclass, k, err) < 0) {
		free(k);
		return -1;
	}
	free(m->costs);
	m->costs = k;
	return 0;
}

/*
 * The class a supervised model decides for class probabilities proba:
 * the one of least expected cost with a cost matrix, else the most
 * probable (the first on ties).
 */
size_t
forestfile_decide(const struct forestfile *m, const double *proba)
{
	size_t best = 0;

	if (m->costs != NULL)
		return costs_choose(m->costs, m->nclass, proba, NULL);
	for (size_t k = 1; k < m->nclass; k++)
		if (proba[k] > proba[best])
			best = k;
	return best;
}

/* The model's metadata as a new JSON object (ad-score --info). */
json_t *
forestfile_info(const struct forestfile *m)
{
	json_t *o = json_object(), *cl = json_array(), *hp = json_object();

	json_object_set_new(o, "kind", json_string(FORESTFILE_KIND));
	json_object_set_new(o, "version",
	    json_integer(m->version ? m->version
			 : m->mode == FORESTFILE_ISOLATION && m->split >= 0 &&
				 m->scoring >= 0
			     ? 4
			 : m->forest->kind == FOREST_BOOST ? 3
			 : m->costs			   ? 2
							   : 1));
	json_object_set_new(o, "mode",
	    json_string(m->forest->kind == FOREST_BOOST
			    ? "boost"
			    : forestfile_mode_name(m->mode)));
	if (m->mode == FORESTFILE_SUPERVISED) {
		json_object_set_new(o, "label", json_string(m->label));
		if (m->normal[0] != '\0')
			json_object_set_new(
			    o, "normal", json_string(m->normal));
	}
	for (size_t i = 0; i < m->nclass; i++)
		json_array_append_new(cl, json_string(m->classes[i]));
	json_object_set_new(o, "classes", cl);
	json_object_set_new(o, "threshold", json_real(m->threshold));
	if (m->costs != NULL) {
		json_t *rows = json_array();

		for (size_t i = 0; i < m->nclass; i++) {
			json_t *row = json_array();

			for (size_t j = 0; j < m->nclass; j++)
				json_array_append_new(row,
				    json_real(m->costs[i * m->nclass + j]));
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "costs", rows);
	}
	json_object_set_new(
	    o, "trees", json_integer((json_int_t)m->forest->ntrees));
	json_object_set_new(hp, "max_depth", json_integer(m->max_depth));
	if (m->mode != FORESTFILE_ISOLATION) {
		json_object_set_new(hp, "max_bins", json_integer(m->max_bins));
		json_object_set_new(hp, "min_leaf", json_integer(m->min_leaf));
		json_object_set_new(hp, "mtry", json_integer(m->mtry));
		json_object_set_new(
		    hp, "sample_rate", json_real(m->sample_rate));
	}
	if (m->forest->kind == FOREST_BOOST) {
		json_object_set_new(hp, "rounds", json_integer(m->rounds));
		json_object_set_new(
		    hp, "learning_rate", json_real(m->learning_rate));
		json_object_set_new(hp, "lambda", json_real(m->lambda));
	}
	if (m->mode == FORESTFILE_UNSUPERVISED)
		json_object_set_new(hp, "fraction", json_real(m->fraction));
	if (m->mode == FORESTFILE_ISOLATION) {
		json_object_set_new(hp, "sample_size",
		    json_integer((json_int_t)m->sample_size));
		if (m->split >= 0)
			json_object_set_new(hp, "split",
			    json_string(m->split ? "pooled-gain" : "random"));
		if (m->scoring >= 0)
			json_object_set_new(hp, "scoring",
			    json_string(m->scoring ? "adj-depth" : "depth"));
	}
	json_object_set_new(hp, "seed", json_integer((json_int_t)m->seed));
	json_object_set_new(o, "params", hp);
	json_object_set_new(o, "rows", json_integer((json_int_t)m->rows));
	json_object_set_new(
	    o, "nodes", json_integer((json_int_t)forest_nodes(m->forest)));
	json_object_set_new(o, "depth", json_integer(forest_depth(m->forest)));
	if (!isnan(m->cv_auc))
		json_object_set_new(o, "cv_auc", json_real(m->cv_auc));
	json_object_set_new(o, "created", json_string(m->created));
	json_object_set_new(o, "missing",
	    json_string("missing values and unknown categories follow the "
			"branch that held more training rows"));
	json_object_set_new(o, "features", featset_info(m->fs));
	return o;
}

/*
 * ad-score --info: load the model at path and append its metadata
 * (forestfile_info()) to out as one compact JSON line, keys in order,
 * ending with a newline.  Returns 0, or -1 with err set as
 * forestfile_read() sets it (66 cannot open, 65 not a forest model).
 */
int
forestfile_info_line(const char *path, struct buf *out, struct ad_err *err)
{
	struct forestfile *m;
	json_t *o;
	char *text;

	if ((m = forestfile_read(path, err)) == NULL)
		return -1;
	o = forestfile_info(m);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	forestfile_free(m);
	if (text == NULL) {
		ad_err_set(err, EX_OSERR, "out of memory");
		return -1;
	}
	buf_adds(out, text);
	buf_addc(out, '\n');
	free(text);
	return 0;
}
