/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/lstm/fcstream: ad-forecast run's loop over files, with a model that
 * forecasts the last value of its window: the fields added, keys without a
 * model passing through (said once), bad records rejected, stale points,
 * and the hot reload (SIGHUP), good and broken.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/endpoint.h"
#include "io/io.h"
#include "io/recin.h"
#include "io/reload.h"
#include "io/sink.h"
#include "lstm/fcstream.h"
#include "lstm/lstm.h"
#include "tap.h"
#include "tfiles.h"
#include "tlstm.h"
#include "tpipe.h"

static char said[8][400];
static size_t nsaid;

static void
collect(void *arg, const char *msg)
{
	(void)arg;
	if (nsaid < 8)
		snprintf(said[nsaid++], sizeof(said[0]), "%s", msg);
}

static int
fcstream_fn(void *s, struct recin *in, struct sink *sk, struct ad_err *err)
{
	return fcstream_run(s, in, sk, err);
}

/* Run s over the text in a file; the output records in *out (new). */
static int
run_text(struct fcstream *s, const char *dir, const char *text, json_t **out,
    size_t *rejected)
{
	return tpipe_run(
	    dir, "t-fcstream", text, fcstream_fn, s, out, rejected);
}

int
main(void)
{
	char dir[] = "/tmp/t-fcstream.XXXXXX", model_path[300], want[400];
	struct lstmfile *m = persistence_model(3);
	struct forecast_conf fc = {
	    .tolerance = 0.05, .horizon = 1, .resync = FORECAST_RESYNC_WINDOW};
	struct fcstream_conf sc = {.model_path = model_path,
	    .max_keys = 100,
	    .verbose = true,
	    .warn = collect};
	struct fcstream *s;
	struct ad_err err;
	json_t *out;
	size_t rej;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(model_path, sizeof(model_path), "%s/m.lstm", dir);
	ad_err_clear(&err);
	if (lstmfile_write(model_path, m, &err) < 0)
		return 1;
	s = fcstream_new(m, &fc, &sc);
	ok(strcmp(s->idf, "id") == 0 && strcmp(s->valf, "value") == 0,
	    "fields default to the model's");

	ok(run_text(s, dir,
	       "{\"id\":\"k\",\"ts\":1000,\"value\":10}\n"
	       "{\"id\":\"x\",\"ts\":1000,\"value\":5}\n"
	       "{\"id\":\"k\",\"ts\":2000,\"value\":20}\n"
	       "{\"id\":\"k\",\"ts\":3000,\"value\":\"high\"}\n"
	       "{\"id\":\"k\",\"ts\":3000,\"value\":30}\n"
	       "{\"id\":\"x\",\"ts\":2000,\"value\":6}\n"
	       "{\"id\":\"k\",\"ts\":4000,\"value\":31}\n"
	       "{\"id\":\"k\",\"ts\":5000,\"value\":60}\n"
	       "{\"id\":\"k\",\"ts\":5000,\"value\":61}\n",
	       &out, &rej) == 0,
	    "run: 0 at the end of the input");
	ok(json_array_size(out) == 8 && rej == 1,
	    "every good point written, the bad one rejected");
	ok(json_object_get(json_array_get(out, 1), "forecast") == NULL &&
		num(out, 1, "value") == 5,
	    "a key without a model passes through unchanged");
	ok(s->nomodel == 2 && nsaid == 1, "counted twice, said once");
	is_str(said[0], "no model for key 'x': its points pass through",
	    "the message");
	ok(json_is_null(json_object_get(json_array_get(out, 0), "forecast")) &&
		json_is_null(
		    json_object_get(json_array_get(out, 3), "forecast")),
	    "no forecast while the window fills");
	is_near(num(out, 5, "forecast"), 30, 0.1,
	    "the forecast is the window's last value");
	ok(json_is_false(json_object_get(json_array_get(out, 5), "mismatch")),
	    "31 after 30 is within 5%%");
	ok(json_is_true(json_object_get(json_array_get(out, 6), "mismatch")) &&
		num(out, 6, "score") == 0,
	    "60 after 31 is a mismatch; score 0 while the likelihood stage "
	    "learns");
	ok(json_is_null(json_object_get(json_array_get(out, 7), "forecast")) &&
		s->run->stale == 1,
	    "a point not after the key's last is stale");
	json_decref(out);

	/* A reload on SIGHUP: the new file is read between two points. */
	nsaid = 0;
	reload_hup = 1;
	run_text(
	    s, dir, "{\"id\":\"k\",\"ts\":6000,\"value\":62}\n", &out, &rej);
	snprintf(want, sizeof(want), "reloaded '%s'", model_path);
	ok(s->reloads == 1 && nsaid == 1, "reloaded once");
	is_str(said[0], want, "reload said (verbose)");
	ok(json_object_get(json_array_get(out, 0), "score") != NULL &&
		s->run->model != m,
	    "the new model is in service");
	json_decref(out);

	nsaid = 0;
	write_file(model_path, "garbage");
	reload_hup = 1;
	run_text(
	    s, dir, "{\"id\":\"k\",\"ts\":7000,\"value\":63}\n", &out, &rej);
	ok(s->reloads == 1 && nsaid == 1 &&
		strstr(said[0], "; the old model stays in service") != NULL,
	    "a broken file keeps the old model: %s", said[0]);
	ok(json_array_size(out) == 1, "and the point still goes out");
	json_decref(out);

	fcstream_free(s);
	fcstream_free(NULL);
	unlink(model_path);
	snprintf(want, sizeof(want), "%s/in.ndjson", dir);
	unlink(want);
	snprintf(want, sizeof(want), "%s/out.ndjson", dir);
	unlink(want);
	rmdir(dir);
	return tap_done();
}
