/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * KDD record generator: the row source (CSV in order, CSV rows drawn at
 * random from an in-memory table, or synthetic traffic), the record
 * encoding (the row's members, then utc, uuid, sequence_id, index) and
 * the throttle that keeps a rate limited stream on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/csvin.h"
#include "io/endpoint.h"
#include "io/source.h"
#include "record/kdd.h"
#include "record/kddgen.h"
#include "record/kddrows.h"
#include "record/kddsynth.h"
#include "base/clock.h"
#include "base/timefmt.h"

/*
 * Start g for conf (borrowed, as are out and rj, which must outlive g):
 * seed the generator and fill the token bucket.
 */
void
kddgen_init(struct kddgen *g, const struct kddgen_conf *conf, struct sink *out,
    struct reject *rj)
{
	memset(g, 0, sizeof(*g));
	g->conf = conf;
	g->out = out;
	g->rj = rj;
	prng_init(&g->rng, conf->seed);
	tokenbucket_init(&g->tb, conf->rate, conf->burst, clock_now_ns());
	buf_init(&g->line);
}

/* Free what g owns (not the sink nor the reject). */
void
kddgen_release(struct kddgen *g)
{
	buf_release(&g->line);
}

/* How many records g has written. */
long long
kddgen_count(const struct kddgen *g)
{
	return g->seq;
}

static const char *
key_for(char *const *field, const size_t *len, const char *uuid,
    const char *name, size_t *keylen)
{
	int col = kdd_column_index(name);

	if (col >= 0) {
		*keylen = len[col];
		return field[col];
	}
	*keylen = strlen(uuid);
	return uuid;
}

/*
 * Write one record: g->line holds "{" and the row's 42 members (from
 * kddgen_encode()); the bookkeeping fields (utc, uuid, sequence_id, index)
 * are added here, after waiting for the token bucket when throttled.  The
 * sink's key, when it wants one, is the row's field of that name, else the
 * uuid.  Returns 0 (also when a stop signal cut the wait short: nothing is
 * written then) or -1 with err set.
 */
int
kddgen_emit(struct kddgen *g, char *const *field, const size_t *len,
    size_t index, struct ad_err *err)
{
	char uuid[37];
	const char *key = NULL;
	size_t keylen = 0;
	int64_t us;

	if (g->conf->rate > 0) {
		int64_t deadline = tokenbucket_take(&g->tb, clock_now_ns());

		/*
		 * Whoever reads a throttled stream sees records on time: flush
		 * before a long nap, or when the last flush is 5 ms old.
		 */
		if (deadline > 0) {
			int64_t now = clock_now_ns();

			if (deadline - now >= 1000000 ||
			    now - g->flushed_ns >= 5000000) {
				if (sink_push(g->out, err) < 0)
					return -1;
				g->flushed_ns = now;
			}
			clock_sleep_until_ns(deadline);
			if (ad_stop)
				return 0;
		}
	}
	if (g->conf->sim_clock) {
		us = (g->conf->start_ms + g->seq * g->conf->interval_ms) * 1000;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	prng_uuid4(&g->rng, uuid);
	buf_add(&g->line, ",\"utc\":", 7);
	timefmt_format_iso_us(&g->line, us);
	buf_add(&g->line, ",\"uuid\":\"", 9);
	buf_add(&g->line, uuid, 36);
	buf_add(&g->line, "\",\"sequence_id\":", 16);
	buf_add_long(&g->line, g->seq);
	buf_add(&g->line, ",\"index\":", 9);
	buf_add_long(&g->line, (long long)index);
	buf_addc(&g->line, '}');
	if (sink_key_field(g->out) != NULL)
		key =
		    key_for(field, len, uuid, sink_key_field(g->out), &keylen);
	g->seq++;
	return sink_write(g->out, g->line.data, g->line.len, key, keylen, err);
}

/*
 * Start g->line with "{" and the members of a row of n fields.  Returns 0,
 * or -1 with the reason in why (whylen bytes) when the row is not a KDD
 * record (field count, a non-number in a numeric column).
 */
int
kddgen_encode(struct kddgen *g, char *const *field, const size_t *len, size_t n,
    char *why, size_t whylen)
{
	buf_reset(&g->line);
	buf_addc(&g->line, '{');
	return kdd_row_to_json(&g->line, field, len, n, why, whylen);
}

/* Encode a row known to be good (synthetic, or checked when loaded). */
static int
encode_emit(struct kddgen *g, char *const *field, const size_t *len,
    size_t index, struct ad_err *err)
{
	char why[200];

	if (kddgen_encode(g, field, len, KDD_NCOLUMNS, why, sizeof(why)) < 0) {
		ad_err_set(err, EX_SOFTWARE, "checked row failed: %s", why);
		return -1;
	}
	return kddgen_emit(g, field, len, index, err);
}

static bool
more(const struct kddgen *g)
{
	return !ad_stop && (g->conf->count < 0 || g->seq < g->conf->count);
}

/* Read CSV rows: emit them in order, or keep them in rows. */
static int
read_rows(struct kddgen *g, struct source *src, struct kddrows *rows,
    struct ad_err *err)
{
	struct csvin *csv = csvin_new(src);
	struct csv_row row;
	char why[sizeof(err->msg)];
	size_t index = 0;
	int rc = 0;

	while ((!rows ? more(g) : !ad_stop) &&
	       (rc = csvin_next(csv, &row, err)) != 0) {
		if (rc == -2)
			break;
		if (rc < 0)
			snprintf(why, sizeof(why), "%s", err->msg);
		if (rc < 0 || kddgen_encode(g, row.field, row.len, row.nfields,
				  why, sizeof(why)) < 0) {
			index++;
			rc = 0;
			if (reject_line(g->rj, source_name(src), row.lineno,
				row.raw, row.rawlen, "%s", why) < 0)
				break;
			continue;
		}
		if (rows != NULL)
			kddrows_add(rows, row.field, row.len, index);
		else if ((rc = kddgen_emit(g, row.field, row.len, index, err)) <
			 0)
			break;
		index++;
		rc = 0;
	}
	csvin_free(csv);
	return rc < 0 ? -1 : 0;
}

/*
 * Write records until the count is reached, the input ends (in order) or a
 * stop signal arrives.  Bad CSV rows are passed to the reject (a strict
 * one ends the run early, with 0).  Returns 0, or -1 with err set: the
 * file cannot be opened or read, it has no usable row to draw from
 * (EX_DATAERR), or the sink failed.
 */
int
kddgen_run(struct kddgen *g, struct ad_err *err)
{
	struct kddrows rows;
	struct kddsynth *synth;
	struct source *src;
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
	int rc = 0;

	if (g->conf->file == NULL) {
		synth = xmalloc(sizeof(*synth));
		kddsynth_init(synth, g->conf->seed);
		while (rc == 0 && more(g)) {
			kddsynth_next(synth);
			rc = encode_emit(
			    g, synth->field, synth->len, (size_t)g->seq, err);
		}
		free(synth);
		return rc;
	}
	if ((src = source_open(g->conf->file, g->conf->io, err)) == NULL)
		return -1;
	if (g->conf->in_order) {
		rc = read_rows(g, src, NULL, err);
		source_close(src);
		return rc;
	}
	kddrows_init(&rows);
	rc = read_rows(g, src, &rows, err);
	source_close(src);
	if (rc == 0 && rows.n == 0 && !ad_stop) {
		ad_err_set(
		    err, EX_DATAERR, "'%s': no usable rows", g->conf->file);
		rc = -1;
	}
	while (rc == 0 && more(g)) {
		size_t i = (size_t)prng_below(&g->rng, rows.n);

		kddrows_get(&rows, i, field, len);
		rc = encode_emit(g, field, len, rows.index[i], err);
	}
	kddrows_release(&rows);
	return rc;
}
