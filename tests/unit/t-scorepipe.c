/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/scorepipe: 1000 records (several batches of 256)
 * scored on two threads come out exactly as one scorer writes them,
 * in input order, with --anomalies filtering, a model swapped midway,
 * the proxy sink's flush writing everything pushed so far, and a write
 * failure (/dev/full) reported as an error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "forest/rftrain.h"
#include "forest/scorepipe.h"
#include "io/io.h"
#include "io/endpoint.h"
#include "io/sink.h"
#include "tap.h"

static struct forestfile *
train(uint64_t seed)
{
	struct forestfile *m = xcalloc(1, sizeof(*m));
	struct dataset *ds;
	struct rftrain p = {.mode = FORESTFILE_SUPERVISED,
	    .trees = 15,
	    .max_depth = 10,
	    .max_bins = 255,
	    .min_leaf = 1,
	    .sample_rate = 1,
	    .fraction = 1,
	    .sample_size = 256,
	    .seed = seed,
	    .threads = 1,
	    .nclass = 2};
	double x[2];

	m->fs = featset_new();
	featset_add(m->fs, "x", 1, FEATURE_NUMERIC);
	featset_add(m->fs, "p", 1, FEATURE_CATEGORICAL);
	featset_cat_add(&m->fs->f[1], "tcp", 3);
	featset_cat_add(&m->fs->f[1], "udp", 3);
	ds = dataset_new(m->fs);
	for (int i = 0; i < 300; i++) {
		x[0] = i % 150;
		x[1] = i % 2;
		dataset_add(ds, x, x[0] >= 100 || (x[0] > 60 && x[1] == 1));
	}
	dataset_bin(ds, 255, 1);
	m->forest = rftrain_fit(ds, &p, NULL, 0);
	dataset_free(ds);
	m->mode = FORESTFILE_SUPERVISED;
	m->nclass = 2;
	m->classes = xcalloc(2, sizeof(char *));
	m->classes[0] = xstrdup("normal");
	m->classes[1] = xstrdup("attack");
	m->label = xstrdup("label");
	m->normal = xstrdup("normal");
	m->threshold = 0.5;
	m->cv_auc = NAN;
	return m;
}

static char lines[1000][96];

/* What one scorer writes for lines[from..to) with m (borrowed). */
static void
reference(struct forestfile *m, size_t from, size_t to, bool anomalies,
    struct buf *all)
{
	struct scorer s;
	struct buf out;
	double x[8], contrib[8];

	scorer_init(&s, m);
	s.threshold = NAN;
	s.anomalies_only = anomalies;
	buf_init(&out);
	for (size_t i = from; i < to; i++) {
		struct forest_acc acc;
		char why[200];
		bool comma;

		if (scorer_prepare(&s, lines[i], strlen(lines[i]), x, &out,
			&comma, why, sizeof(why)) < 0)
			continue;
		scorer_begin(&s, x, 0, &acc, contrib);
		if (scorer_finish(&s, x, &out, comma, &acc, contrib, 0) == 0)
			continue;
		buf_add(all, out.data, out.len);
		buf_addc(all, '\n');
	}
	s.m = NULL;
	scorer_release(&s);
	buf_release(&out);
}

/* Push lines[from..to) through the pipeline with the reader rd. */
static int
push(struct scorepipe *p, struct scorer *rd, size_t from, size_t to,
    struct ad_err *err)
{
	for (size_t i = from; i < to; i++) {
		struct scorepipe_item *it = scorepipe_slot(p, rd->m->fs->n);
		char why[200];

		if (scorer_prepare(rd, lines[i], strlen(lines[i]), it->x,
			&it->text, &it->comma, why, sizeof(why)) < 0)
			continue;
		it->from = (size_t)(0.4 * (double)rd->m->forest->ntrees);
		scorer_begin(
		    rd, it->x, it->from, &it->acc, it->x + rd->m->fs->n);
		if (scorepipe_push(p, err) < 0)
			return -1;
	}
	return 0;
}

static size_t
slurp(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "r");
	char tmp[4096];
	size_t n;

	buf_reset(b);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(b, tmp, n);
	fclose(fp);
	return b->len;
}

int
main(void)
{
	char dir[] = "/tmp/t-scorepipe-XXXXXX", path[300];
	struct io_conf conf;
	struct ad_err err;
	struct forestfile *m = train(1), *m2 = train(2);
	struct scorer wr, rd;
	struct scorepipe *p;
	struct sink *out;
	struct buf want, got;
	int rc;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/out", dir);
	io_conf_init(&conf, "t-scorepipe");
	for (size_t i = 0; i < 1000; i++)
		if (i % 97 == 50)
			snprintf(lines[i], sizeof(lines[i]), "not json %zu", i);
		else
			snprintf(lines[i], sizeof(lines[i]),
			    "{\"i\":%zu,\"x\":%zu,\"p\":\"%s\"}", i, i % 160,
			    i % 3 ? "tcp" : "udp");
	buf_init(&want);
	buf_init(&got);

	/* Everything, in order, as one scorer writes it. */
	out = sink_open(path, &conf, &err);
	scorer_init(&wr, m);
	wr.threshold = NAN;
	scorer_init(&rd, m);
	p = scorepipe_new(&wr, out, &err);
	ok(p != NULL && scorepipe_proxy(p) != NULL, "pipeline and proxy");
	ok(push(p, &rd, 0, 1000, &err) == 0, "1000 lines pushed");
	ok(scorepipe_free(p, &err) == 0, "freed: everything written");
	sink_close(out, &err);
	reference(m, 0, 1000, false, &want);
	slurp(path, &got);
	ok(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
	    "output = one scorer's, byte for byte (%zu bytes)", got.len);

	/* Flush through the proxy, then a model swap midway, --anomalies. */
	out = sink_open(path, &conf, &err);
	wr.anomalies_only = true;
	p = scorepipe_new(&wr, out, &err);
	push(p, &rd, 0, 300, &err);
	ok(sink_flush(scorepipe_proxy(p), &err) == 0,
	    "proxy flush: everything pushed so far written");
	buf_reset(&want);
	reference(m, 0, 300, true, &want);
	slurp(path, &got);
	ok(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
	    "after the flush the file holds the first 300 lines' anomalies");
	scorer_borrow_model(&rd, m2);
	ok(scorepipe_set_model(p, m2, &err) == 0, "model swapped");
	m = NULL; /* freed by the swap */
	push(p, &rd, 300, 1000, &err);
	scorepipe_free(p, &err);
	sink_close(out, &err);
	reference(m2, 300, 1000, true, &want);
	slurp(path, &got);
	ok(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
	    "the rest scored with the new model, anomalies only");
	ok(strstr(got.data, "\"anomaly\":false") == NULL,
	    "no normal record written");
	wr.anomalies_only = false;

	/* A sink that fails. */
	if (access("/dev/full", W_OK) == 0) {
		out = sink_open("/dev/full", &conf, &err);
		p = scorepipe_new(&wr, out, &err);
		rc = push(p, &rd, 0, 1000, &err);
		if (rc == 0)
			rc = scorepipe_sync(p, &err);
		ok(rc == -1 && err.status == EX_IOERR,
		    "/dev/full: an I/O error (%s)", err.msg);
		ad_err_clear(&err);
		ok(scorepipe_free(p, &err) == -1, "and free reports it too");
		sink_close(out, &err);
	} else {
		ok(1, "# SKIP no /dev/full");
		ok(1, "# SKIP no /dev/full");
	}
	rd.m = NULL;
	scorer_release(&rd);
	scorer_release(&wr);
	buf_release(&want);
	buf_release(&got);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
