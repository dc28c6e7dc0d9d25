/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Record cleaning.  The fast path handles flat objects with plain keys
 * (every KDD record) straight from the line; anything else goes once
 * through jansson: a line jansson refuses is rejected with its reason,
 * one it accepts is written back compactly and scanned again.  Output is
 * rebuilt member by member so that total_bytes, when the record already
 * has it (a second ad-clean in a pipeline), is recomputed in place.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jscan.h"
#include "record/kdd.h"
#include "io/metrics.h"
#include "io/ndjson.h"
#include "io/recin.h"
#include "io/sink.h"
#include "record/recclean.h"

/* Set rc up for conf (copied; its strings and schema are borrowed). */
void
recclean_init(struct recclean *rc, const struct recclean_conf *conf)
{
	memset(rc, 0, sizeof(*rc));
	rc->conf = *conf;
	jscan_init(&rc->js);
	schema_check_init(&rc->ck, conf->schema);
	buf_init(&rc->canon);
	if (conf->dedup_field != NULL)
		rc->dd = dedup_new(conf->dedup_window);
	rc->add_total =
	    conf->schema->src_bytes >= 0 && conf->schema->dst_bytes >= 0;
}

/* Free what rc holds. */
void
recclean_release(struct recclean *rc)
{
	jscan_release(&rc->js);
	schema_check_release(&rc->ck);
	buf_release(&rc->canon);
	dedup_free(rc->dd);
	memset(rc, 0, sizeof(*rc));
}

/* "invalid JSON", "missing field", ... for the summary. */
const char *
recclean_reason_name(enum recclean_reason r)
{
	switch (r) {
	case RECCLEAN_INVALID_JSON:
		return "invalid JSON";
	case RECCLEAN_MISSING:
		return "missing field";
	case RECCLEAN_WRONG_TYPE:
		return "wrong type";
	case RECCLEAN_NOT_FINITE:
		return "not finite";
	case RECCLEAN_NREASONS:
		break;
	}
	return "?";
}

/*
 * Scan line, through jansson when the scanner cannot vouch for it.
 * Returns 0, or -1 with why set (the line is not a JSON object).
 */
static int
scan(
    struct recclean *rc, const char *line, size_t len, char *why, size_t whylen)
{
	enum jscan_result r = jscan_object(&rc->js, line, len);
	json_t *v;

	if (r == JSCAN_OK)
		return 0;
	if ((v = ndjson_parse(line, len, why, whylen)) == NULL)
		return -1;
	buf_reset(&rc->canon);
	ndjson_dump(&rc->canon, v);
	json_decref(v);
	rc->js.nested_ok = rc->js.escaped_keys_ok = true;
	r = jscan_object(&rc->js, rc->canon.data, rc->canon.len);
	rc->js.nested_ok = rc->js.escaped_keys_ok = false;
	if (r != JSCAN_OK) {
		snprintf(why, whylen, "record cannot be scanned");
		return -1;
	}
	return 0;
}

static bool
parse_int(const char *t, size_t n, long long *v)
{
	char tmp[32];

	if (n == 0 || n >= sizeof(tmp) || !jscan_is_number(t, n, true))
		return false;
	memcpy(tmp, t, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtoll(tmp, NULL, 10);
	return errno == 0;
}

static bool
parse_real(const char *t, size_t n, double *v)
{
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp) || !jscan_is_number(t, n, false))
		return false;
	memcpy(tmp, t, n);
	tmp[n] = '\0';
	*v = strtod(tmp, NULL);
	return true;
}

/* Append src_bytes + dst_bytes to out; false if either is not a number. */
static bool
add_total(struct recclean *rc, struct buf *out)
{
	const struct schema *sc = rc->conf.schema;
	long s = rc->ck.at[sc->src_bytes], d = rc->ck.at[sc->dst_bytes];
	const char *st, *dt;
	size_t sl, dl;
	long long si, di, sum;
	double sr, dr;

	if (s < 0 || d < 0)
		return false;
	st = schema_value(&rc->ck, &rc->js, (size_t)s, &sl);
	dt = schema_value(&rc->ck, &rc->js, (size_t)d, &dl);
	if (parse_int(st, sl, &si) && parse_int(dt, dl, &di) &&
	    !__builtin_add_overflow(si, di, &sum)) {
		buf_add_long(out, sum);
		return true;
	}
	if (!parse_real(st, sl, &sr) || !parse_real(dt, dl, &dr))
		return false;
	buf_add_double(out, sr + dr);
	return true;
}

/*
 * Clean one line.  RECCLEAN_OK: the record to write is in out (reset
 * first; no newline) and *key, *keylen give the sink key (NULL when there
 * is none; borrowed until the next call).  RECCLEAN_DUPLICATE: drop it.
 * RECCLEAN_REJECT: *reason and why say why.
 */
enum recclean_result
recclean_line(struct recclean *rc, const char *line, size_t len,
    struct buf *out, const char **key, size_t *keylen,
    enum recclean_reason *reason, char *why, size_t whylen)
{
	const struct jscan_member *m;
	bool total_done = false;

	*key = NULL;
	*keylen = 0;
	if (scan(rc, line, len, why, whylen) < 0) {
		*reason = RECCLEAN_INVALID_JSON;
		return RECCLEAN_REJECT;
	}
	if (schema_check(rc->conf.schema, &rc->js, &rc->ck, why, whylen) < 0) {
		*reason = rc->ck.problem == SCHEMA_MISSING ? RECCLEAN_MISSING
			  : rc->ck.problem == SCHEMA_NOT_FINITE
			      ? RECCLEAN_NOT_FINITE
			      : RECCLEAN_WRONG_TYPE;
		return RECCLEAN_REJECT;
	}
	if (rc->dd != NULL) {
		const char *f = rc->conf.dedup_field;

		if ((m = jscan_find(&rc->js, f, strlen(f))) == NULL) {
			snprintf(why, whylen, "missing field '%s'", f);
			*reason = RECCLEAN_MISSING;
			return RECCLEAN_REJECT;
		}
		if (m->type == JSCAN_STRING
			? dedup_seen(rc->dd, m->val + 1, m->vallen - 2)
			: dedup_seen(rc->dd, m->val, m->vallen))
			return RECCLEAN_DUPLICATE;
	}
	buf_reset(out);
	buf_addc(out, '{');
	for (size_t k = 0; k < rc->js.n; k++) {
		const struct jscan_member *mk = &rc->js.m[k];
		const char *v;
		size_t vl;

		buf_grow(out, mk->keylen + mk->vallen + 4);
		if (k > 0)
			out->data[out->len++] = ',';
		out->data[out->len++] = '"';
		memcpy(out->data + out->len, mk->key, mk->keylen);
		out->len += mk->keylen;
		out->data[out->len++] = '"';
		out->data[out->len++] = ':';
		if (rc->add_total && mk->keylen == 11 &&
		    memcmp(mk->key, "total_bytes", 11) == 0) {
			size_t mark = out->len;

			if (add_total(rc, out)) {
				total_done = true;
				continue;
			}
			out->len = mark;
		}
		v = schema_value(&rc->ck, &rc->js, k, &vl);
		buf_add(out, v, vl);
	}
	if (rc->add_total && !total_done) {
		size_t mark = out->len;

		buf_adds(out,
		    rc->js.n > 0 ? ",\"total_bytes\":" : "\"total_bytes\":");
		if (!add_total(rc, out))
			out->len = mark;
	}
	buf_addc(out, '}');
	if (rc->conf.key_field != NULL &&
	    (m = jscan_find(&rc->js, rc->conf.key_field,
		 strlen(rc->conf.key_field))) != NULL) {
		*key = m->type == JSCAN_STRING ? m->val + 1 : m->val;
		*keylen = m->type == JSCAN_STRING ? m->vallen - 2 : m->vallen;
	}
	return RECCLEAN_OK;
}

/*
 * --metrics fill (arg: the struct recclean) with --dedup: the values
 * remembered as the keys held, the window's bytes, and the values it
 * forgot as evictions.
 */
static void
fill_metrics(struct metrics *m, void *arg)
{
	const struct recclean *rc = arg;

	metrics_set_state(
	    m, dedup_count(rc->dd), dedup_bytes(rc->dd), dedup_evicted(rc->dd));
}

/*
 * Read every line of in, clean it and write the good ones to out, keyed
 * by the sink's key field (conf->key_field is ignored); rejected lines go
 * to recin_reject() with their reason, and every 4096 records written the
 * sink is flushed and the input committed (at-least-once).  Adds what
 * happened to n, which the caller zeroes.  Returns 0, or -1 with err set
 * (a read, write or commit failed).
 */
int
recclean_run(const struct recclean_conf *conf, struct recin *in,
    struct sink *out, struct recclean_counts *n, struct ad_err *err)
{
	struct recclean_conf c = *conf;
	struct recclean rc;
	struct buf line;
	struct line ln;
	char why[512];
	int r;

	c.key_field = sink_key_field(out);
	recclean_init(&rc, &c);
	if (rc.dd != NULL)
		recin_set_metrics_fill(in, fill_metrics, &rc);
	buf_init(&line);
	while ((r = recin_next_line(in, &ln, err)) > 0) {
		enum recclean_reason reason;
		const char *key;
		size_t keylen;

		switch (recclean_line(&rc, ln.buf, ln.len, &line, &key, &keylen,
		    &reason, why, sizeof(why))) {
		case RECCLEAN_OK:
			if ((r = sink_write(out, line.data, line.len, key,
				 keylen, err)) < 0)
				goto out;
			n->written++;
			/* At-least-once: commit what is written, now and then. */
			if (n->written % 4096 == 0 &&
			    ((r = sink_flush(out, err)) < 0 ||
				(r = recin_commit(in, err)) < 0))
				goto out;
			break;
		case RECCLEAN_DUPLICATE:
			n->duplicates++;
			break;
		case RECCLEAN_REJECT:
			n->reason[reason]++;
			recin_reject(in, "%s", why);
			break;
		}
	}
out:
	buf_release(&line);
	if (rc.dd != NULL) {
		/* rc goes: the figures at the end, then no fill of it */
		recin_write_metrics(in);
		recin_set_metrics_fill(in, NULL, NULL);
	}
	recclean_release(&rc);
	return r < 0 ? -1 : 0;
}

/*
 * Append the -v summary of a run to b (no newline): "read R, written W,
 * rejected J (invalid JSON 1, missing field 2), duplicates D", where nread
 * and nrejected are the input's counts.  Lines the input refused itself
 * (too long), the rejected ones n does not know of, count as invalid JSON.
 */
void
recclean_summary(struct buf *b, const struct recclean_counts *n, size_t nread,
    size_t nrejected)
{
	size_t ours = 0;

	for (int i = 0; i < RECCLEAN_NREASONS; i++)
		ours += n->reason[i];
	buf_addf(b, "read %zu, written %zu, rejected %zu", nread, n->written,
	    nrejected);
	if (nrejected > 0) {
		const char *sep = " (";

		for (int i = 0; i < RECCLEAN_NREASONS; i++) {
			size_t k = n->reason[i];

			if (i == RECCLEAN_INVALID_JSON)
				k += nrejected - ours;
			if (k == 0)
				continue;
			buf_addf(b, "%s%s %zu", sep,
			    recclean_reason_name((enum recclean_reason)i), k);
			sep = ", ";
		}
		buf_addc(b, ')');
	}
	buf_addf(b, ", duplicates %zu", n->duplicates);
}
