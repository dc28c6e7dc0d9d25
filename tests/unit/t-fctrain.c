/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/lstm/fctrain: the defaults, reading points from a recin (bad ones
 * rejected, series kept per key), training from a recin with a key too
 * short to train on, an input that cannot be opened, and the report
 * writer.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"
#include "io/recin.h"
#include "lstm/fctrain.h"
#include "tap.h"

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
	struct ad_err err;
	char *operands[1] = {path};

	ad_err_clear(&err);
	return recin_new(operands, 1, io, NULL, false, &err);
}

int
main(void)
{
	char dir[] = "/tmp/t-fctrain.XXXXXX", in_path[300], rep_path[300];
	struct fctrain_conf c;
	struct fc_data d;
	struct io_conf io;
	struct recin *in;
	struct ad_err err;
	struct lstm_model *m;
	json_t *report, *back;
	json_error_t je;
	FILE *fp;

	if (mkdtemp(dir) == NULL)
		return 1;
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
	fc_data_init(&d);
	ok(fc_data_read(&d, in, "id", "ts", "value", &err) == 0,
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
	fc_data_release(&d);
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
		lstm_model_key(m, "long") != NULL &&
		lstm_model_key(m, "short") == NULL,
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
	ok(fctrain_report_write(rep_path, report, &err) == 0, "report written");
	back = json_load_file(rep_path, 0, &je);
	ok(back != NULL && json_equal(back, report), "and reads back equal");
	json_decref(back);
	ad_err_clear(&err);
	ok(fctrain_report_write("/nonexistent/dir/r.json", report, &err) < 0 &&
		err.status == EX_CANTCREAT &&
		strstr(err.msg, "cannot create '/nonexistent/dir/r.json'") ==
		    err.msg,
	    "an uncreatable report: EX_CANTCREAT");
	ad_err_clear(&err);
	ok(access("/dev/full", W_OK) != 0 ||
		(fctrain_report_write("/dev/full", report, &err) < 0 &&
		    err.status == EX_IOERR),
	    "a full disk: EX_IOERR");
	json_decref(report);
	lstm_model_free(m);

	/* quiet: no warning */
	nsaid = 0;
	c.quiet = true;
	in = open_in(in_path, &io);
	m = fctrain_recin(in, &c, &report, &err);
	ok(m != NULL && nsaid == 0, "quiet: no warning");
	json_decref(report);
	lstm_model_free(m);
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
	return tap_done();
}
