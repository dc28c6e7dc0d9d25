/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/fctrain: series collected per key and put in time
 * order, short keys skipped and listed, the training/validation split and
 * min-max of the training part, per-key and shared models, the report
 * (windows per model, one loss entry per epoch, decreasing loss), the
 * error statistics, determinism by seed, and no trainable key at all.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/report.h"
#include "lstm/fctrain.h"
#include "tap.h"
#include <jansson.h>
#include <string.h>
#include <unistd.h>
#include "io/io.h"
#include "io/recin.h"

static int epochs_seen;

static void
count_epoch(const char *model, size_t epoch, size_t epochs, double tl,
    double vl, void *arg)
{
	(void)model;
	(void)epoch;
	(void)epochs;
	(void)tl;
	(void)vl;
	(void)arg;
	epochs_seen++;
}

static void
fill(struct fctrain_data *d)
{
	fctrain_data_init(d);
	/* "wave": 100 points added newest first; its training part (80) */
	for (int i = 99; i >= 0; i--)
		fctrain_data_add(d, "wave", true, 1700000000000LL + i * 60000,
		    i < 80 ? 10 + 5 * sin(2 * M_PI * i / 10) : 100);
	for (int i = 0; i < 3; i++)
		fctrain_data_add(d, "short", true, i, i);
	for (int i = 0; i < 60; i++)
		fctrain_data_add(d, "flat", i != 30, i, 7);
}

static char said[4][400];
static size_t nsaid;

static void
collect(void *arg, const char *msg)
{
	(void)arg;
	if (nsaid < 4)
		snprintf(said[nsaid++], sizeof(said[0]), "%s", msg);
}

static struct recin *
open_in(char *path, struct io_conf *io)
{
	static char *operands[1]; /* recin borrows them past this call */
	struct ad_err err;

	operands[0] = path;
	ad_err_clear(&err);
	return recin_new(operands, 1, io, NULL, false, &err);
}

static void
test_recin_and_defaults(void)
{
	char dir[] = "/tmp/t-fctrain.XXXXXX", in_path[300], rep_path[300];
	struct fctrain_conf c;
	struct fctrain_data d;
	struct io_conf io;
	struct recin *in;
	struct ad_err err;
	struct lstmfile *m;
	json_t *report, *back;
	json_error_t je;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return;
	io_conf_init(&io, "t-fctrain");
	fctrain_conf_init(&c);
	ok(c.window == 30 && c.hidden == 64 && c.epochs == 20 &&
		c.batch == 128 && c.lr == 0.001 && c.val == 0.2 && !c.shared &&
		c.threads >= 1 && c.threads <= 64 &&
		strcmp(c.id_field, "id") == 0 &&
		strcmp(c.time_field, "ts") == 0 &&
		strcmp(c.value_field, "value") == 0,
	    "defaults");

	/* reading: two keys, out of time order, one bad record */
	snprintf(in_path, sizeof(in_path), "%s/in.ndjson", dir);
	fp = fopen(in_path, "w");
	fputs("{\"id\":\"a\",\"ts\":2000,\"value\":2}\n"
	      "{\"id\":\"b\",\"value\":7}\n"
	      "{\"id\":\"a\",\"ts\":1000,\"value\":1}\n"
	      "{\"id\":\"a\",\"ts\":3000}\n",
	    fp);
	fclose(fp);
	in = open_in(in_path, &io);
	fctrain_data_init(&d);
	ok(fctrain_data_read(&d, in, "id", "ts", "value", &err) == 0,
	    "read to the end");
	ok(d.n == 2 && strcmp(d.s[0].key, "a") == 0 && d.s[0].n == 2 &&
		d.s[0].v[0] == 2 && d.s[0].t[0] == 2 * d.s[0].t[1] &&
		d.s[0].timed,
	    "key a: two points, in input order, timed");
	ok(strcmp(d.s[1].key, "b") == 0 && d.s[1].n == 1 && !d.s[1].timed &&
		d.s[1].v[0] == 7,
	    "key b: one point without time");
	ok(recin_reject_count(in) == 1 && recin_read_count(in) == 4,
	    "the point without a value rejected");
	fctrain_data_release(&d);
	recin_free(in);

	/* training: key "long" trains, key "short" is too short */
	fp = fopen(in_path, "w");
	for (int i = 0; i < 40; i++)
		fprintf(fp, "{\"id\":\"long\",\"ts\":%d,\"value\":%d}\n",
		    1000 * (i + 1), i % 5);
	fputs(
	    "{\"id\":\"short\",\"value\":1}\n{\"id\":\"short\",\"value\":2}\n",
	    fp);
	fclose(fp);
	c.window = 3;
	c.hidden = 2;
	c.epochs = 2;
	c.batch = 8;
	c.threads = 1;
	c.seed = 1;
	c.warn = collect;
	in = open_in(in_path, &io);
	m = fctrain_recin(in, &c, &report, &err);
	ok(m != NULL && m->nkeys == 1 && m->window == 3 &&
		lstmfile_find_key(m, "long") != NULL &&
		lstmfile_find_key(m, "short") == NULL,
	    "one key trained, the short one left out");
	ok(nsaid == 1, "one warning");
	is_str(said[0], "key 'short': 2 points, too few to train on",
	    "the warning");
	ok(report != NULL &&
		json_array_size(json_object_get(report, "skipped")) == 1 &&
		json_integer_value(json_object_get(report, "window")) == 3,
	    "the report lists the skipped key and the settings");
	recin_free(in);

	snprintf(rep_path, sizeof(rep_path), "%s/report.json", dir);
	ok(report_write(rep_path, report, &err) == 0, "report written");
	back = json_load_file(rep_path, 0, &je);
	ok(back != NULL && json_equal(back, report), "and reads back equal");
	json_decref(back);
	ad_err_clear(&err);
	ok(report_write("/nonexistent/dir/r.json", report, &err) < 0 &&
		err.status == EX_CANTCREAT &&
		strstr(err.msg, "cannot create '/nonexistent/dir/r.json'") ==
		    err.msg,
	    "an uncreatable report: EX_CANTCREAT");
	ad_err_clear(&err);
	ok(access("/dev/full", W_OK) != 0 ||
		(report_write("/dev/full", report, &err) < 0 &&
		    err.status == EX_IOERR),
	    "a full disk: EX_IOERR");
	json_decref(report);
	lstmfile_free(m);

	/* quiet: no warning */
	nsaid = 0;
	c.quiet = true;
	in = open_in(in_path, &io);
	m = fctrain_recin(in, &c, &report, &err);
	ok(m != NULL && nsaid == 0, "quiet: no warning");
	json_decref(report);
	lstmfile_free(m);
	recin_free(in);

	/* too few everywhere: EX_DATAERR */
	fp = fopen(in_path, "w");
	fputs("{\"id\":\"short\",\"value\":1}\n", fp);
	fclose(fp);
	in = open_in(in_path, &io);
	ad_err_clear(&err);
	m = fctrain_recin(in, &c, &report, &err);
	ok(m == NULL && err.status == EX_DATAERR &&
		strstr(err.msg, "no key has enough points") != NULL,
	    "no key to train: EX_DATAERR");
	json_decref(report);
	recin_free(in);

	/* an input that cannot be opened: NULL, err clear */
	unlink(in_path);
	in = open_in(in_path, &io);
	ok(in != NULL, "recin opens lazily");
	ad_err_clear(&err);
	m = fctrain_recin(in, &c, &report, &err);
	ok(m == NULL && report == NULL && err.status == EX_OK &&
		recin_status(in) == EX_NOINPUT,
	    "a missing input: NULL, err clear, recin says EX_NOINPUT");
	recin_free(in);

	io_conf_release(&io);
	unlink(rep_path);
	rmdir(dir);
}

int
main(void)
{
	struct fctrain_conf c = {.window = 5,
	    .hidden = 6,
	    .epochs = 40,
	    .batch = 8,
	    .threads = 1,
	    .lr = 0.01,
	    .val = 0.2,
	    .shared = false,
	    .quiet = true,
	    .seed = 3,
	    .id_field = "id",
	    .time_field = "ts",
	    .value_field = "value",
	    .on_epoch = count_epoch};
	struct fctrain_data d;
	struct lstmfile *m, *m2;
	const struct lstmfile_key *k;
	json_t *rep, *rep2, *loss;
	struct ad_err err;
	double first, last;
	char *s;

	fill(&d);
	ok(d.n == 3 && d.s[0].n == 100 && d.s[0].timed && !d.s[2].timed,
	    "three keys; flat has a point without time");
	m = fctrain(&d, &c, &rep, &err);
	ok(m != NULL && m->nkeys == 2 && m->nnets == 2 && !m->shared &&
		m->window == 5 && m->hidden == 6 &&
		strcmp(m->keys[0].name, "flat") == 0 &&
		strcmp(m->keys[1].name, "wave") == 0,
	    "two keys trained (sorted), one net each");
	s = json_dumps(json_object_get(rep, "skipped"), JSON_COMPACT);
	is_str(s, "[{\"key\":\"short\",\"points\":3}]", "short is skipped");
	free(s);
	k = lstmfile_find_key(m, "wave");
	{
		double lo = INFINITY, hi = -INFINITY;

		for (int i = 0; i < 80; i++) {
			lo = fmin(lo, 10 + 5 * sin(2 * M_PI * i / 10));
			hi = fmax(hi, 10 + 5 * sin(2 * M_PI * i / 10));
		}
		ok(k != NULL && k->min == lo && k->max == hi &&
			k->points == 100,
		    "wave: min/max of the first 80 points in time order "
		    "(%g..%g; the tail's 100 not counted)",
		    lo, hi);
	}
	k = lstmfile_find_key(m, "flat");
	ok(k != NULL && k->min == 7 && k->max == 7, "flat: min = max = 7");
	ok(isfinite(m->keys[0].err_mean) && m->keys[0].err_sd >= 0 &&
		isfinite(m->keys[1].err_sd),
	    "error statistics finite");
	ok(json_array_size(json_object_get(rep, "models")) == 2,
	    "report: two models");
	loss = json_object_get(
	    json_array_get(json_object_get(rep, "models"), 1), "loss");
	ok(json_array_size(loss) == 40 && epochs_seen == 80,
	    "40 loss entries per model; on_epoch called 80 times");
	first =
	    json_real_value(json_object_get(json_array_get(loss, 0), "train"));
	last =
	    json_real_value(json_object_get(json_array_get(loss, 39), "train"));
	ok(last < first, "wave's training loss falls (%g -> %g)", first, last);
	ok(json_integer_value(json_object_get(
	       json_array_get(json_object_get(rep, "models"), 1),
	       "train_windows")) == 80 - 5 &&
		json_integer_value(json_object_get(
		    json_array_get(json_object_get(rep, "models"), 1),
		    "val_windows")) == 20,
	    "wave: 75 training windows, 20 validation windows");
	ok(json_integer_value(json_object_get(rep, "window")) == 5 &&
		json_is_false(json_object_get(rep, "shared")),
	    "report: parameters");

	/* Same seed, same weights. */
	fctrain_data_release(&d);
	fill(&d);
	m2 = fctrain(&d, &c, &rep2, &err);
	ok(m2 != NULL && memcmp(m->nets[1]->p, m2->nets[1]->p,
			     m->nets[1]->nparam * sizeof(float)) == 0,
	    "same seed: identical weights");
	lstmfile_free(m2);
	json_decref(rep2);
	lstmfile_free(m);
	json_decref(rep);

	/* Shared. */
	fctrain_data_release(&d);
	fill(&d);
	c.shared = true;
	c.epochs = 5;
	m = fctrain(&d, &c, &rep, &err);
	ok(m != NULL && m->nnets == 1 && m->shared && m->keys[0].net == 0 &&
		m->keys[1].net == 0,
	    "shared: one net for both keys");
	ok(json_integer_value(json_object_get(
	       json_array_get(json_object_get(rep, "models"), 0),
	       "train_windows")) == 75 + 43,
	    "shared: the training windows of both keys (75 + 43)");
	lstmfile_free(m);
	json_decref(rep);
	fctrain_data_release(&d);

	/* Nothing to train on. */
	fctrain_data_init(&d);
	fctrain_data_add(&d, "tiny", false, 0, 1);
	ad_err_clear(&err);
	m = fctrain(&d, &c, &rep, &err);
	ok(m == NULL && err.status == EX_DATAERR &&
		strcmp(err.msg, "no key has enough points to train on (a "
				"window of 5 needs at least 6 training "
				"points)") == 0,
	    "no trainable key: EX_DATAERR (%s)", err.msg);
	ok(rep != NULL && json_array_size(json_object_get(rep, "skipped")) == 1,
	    "the report still lists what was skipped");
	json_decref(rep);
	fctrain_data_release(&d);
	fctrain_data_init(&d);
	m = fctrain(&d, &c, &rep, &err);
	ok(m == NULL && err.status == EX_DATAERR, "no keys at all: EX_DATAERR");
	json_decref(rep);
	fctrain_data_release(&d);
	test_recin_and_defaults();
	return tap_done();
}
