/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ad-forecast run's loop (fcstream.h): read, hot reload, decode,
 * forecast, write; flush and commit every 4096 records and whenever the
 * input waits (recin_set_sink()).
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/keymap.h"
#include "io/ndjson.h"
#include "io/reload.h"
#include "lstm/fcstream.h"

/* The fields to read: those given, else the model's. */
static void
use_fields(struct fcstream *s)
{
	const struct lstmfile *m = s->run->model;

	s->idf = s->conf.id_field ? s->conf.id_field : m->id_field;
	s->timef = s->conf.time_field ? s->conf.time_field : m->time_field;
	s->valf = s->conf.value_field ? s->conf.value_field : m->value_field;
}

/*
 * Start a run with model (owned from now on, freed by fcstream_free()),
 * the tolerance queue settings fc and conf (copied; its strings are
 * borrowed and must outlive s).  Never fails; caller frees with
 * fcstream_free().
 */
struct fcstream *
fcstream_new(struct lstmfile *model, const struct forecast_conf *fc,
    const struct fcstream_conf *conf)
{
	struct fcstream *s = xcalloc(1, sizeof(*s));

	s->conf = *conf;
	s->run = fcrun_new(model, fc, conf->max_keys);
	s->loaded_ns = metrics_now_ns();
	s->warned = keymap_new(conf->max_keys, NULL, NULL);
	buf_init(&s->scratch);
	buf_init(&s->key);
	use_fields(s);
	return s;
}

/* Load the replaced model file; a bad one leaves the old in service. */
static void
reload(struct fcstream *s, const struct reload *rl)
{
	struct ad_err e;
	struct lstmfile *m;

	ad_err_clear(&e);
	if ((m = lstmfile_read(s->conf.model_path, &e)) == NULL) {
		ad_say(s->conf.warn, s->conf.arg,
		    "%s; the old model stays in service", e.msg);
		return;
	}
	fcrun_swap(s->run, m);
	use_fields(s);
	s->reloads++;
	s->loaded_ns = metrics_now_ns();
	s->mtime_ns = rl->mtime_ns;
	if (s->conf.verbose)
		ad_say(s->conf.warn, s->conf.arg, "reloaded '%s'",
		    s->conf.model_path);
}

/* --metrics fill (arg: the struct fcstream): keys and the model. */
static void
fill_metrics(struct metrics *m, void *arg)
{
	const struct fcstream *s = arg;

	fcrun_fill_metrics(m, s->run);
	metrics_set_model(m, s->loaded_ns, s->mtime_ns, s->reloads);
}

/*
 * Forecast every point of in and write it to out, until the input ends
 * (or a stop signal, or --strict's first bad record, as recin decides).
 * Bad points are rejected through recin_reject().  Sets in's idle sink
 * to out.  Returns 0, or -1 with err set on a read or write error; the
 * caller still closes out and commits in.
 */
int
fcstream_run(
    struct fcstream *s, struct recin *in, struct sink *out, struct ad_err *err)
{
	struct reload rl;
	struct forecast_point p;
	char why[300];
	json_t *rec;
	int rc;

	recin_set_sink(in, out);
	reload_init(&rl, s->conf.model_path);
	s->mtime_ns = rl.mtime_ns;
	recin_set_metrics_fill(in, fill_metrics, s);
	while ((rc = recin_next(in, &rec, err)) > 0) {
		if (reload_changed(&rl))
			reload(s, &rl);
		if (forecast_decode(rec, s->idf, s->timef, s->valf, &s->key, &p,
			why, sizeof(why)) < 0) {
			json_decref(rec);
			if (recin_reject(in, "%s", why) < 0)
				break;
			continue;
		}
		if (fcrun_point(s->run, &p, rec) == FCRUN_NO_MODEL) {
			s->nomodel++;
			if (keymap_get(s->warned, p.key) == NULL) {
				keymap_put(s->warned, p.key, s);
				if (!s->conf.quiet)
					ad_say(s->conf.warn, s->conf.arg,
					    "no model for key '%s': its points "
					    "pass through",
					    p.key);
			}
		}
		rc = ndjson_write(out, &s->scratch, rec, err);
		json_decref(rec);
		if (rc < 0)
			return -1;
		if (recin_read_count(in) % 4096 == 0 &&
		    (sink_flush(out, err) < 0 || recin_commit(in, err) < 0))
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* Free s and its model; s may be NULL. */
void
fcstream_free(struct fcstream *s)
{
	if (s == NULL)
		return;
	keymap_free(s->warned);
	fcrun_free(s->run);
	buf_release(&s->scratch);
	buf_release(&s->key);
	free(s);
}
