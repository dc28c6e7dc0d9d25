/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/kafka_source through kafka_source_open() against
 * an in-process librdkafka mock cluster, fed through lib/io/kafka_sink
 * with key=id: a group consumer with exit-at-end reads every record once,
 * each key from one partition, numbered lines with "topic[p]@offset";
 * its commit makes a second member of the group (offset=stored) read
 * nothing, and a commit after part of the input makes the next member
 * read exactly the rest; another group and a groupless consumer read
 * everything; offset=latest reads nothing; payload newlines are dropped
 * and long messages cut; the idle hook runs before waiting and its
 * failure stops the read; the errors of opening (EX_USAGE, EX_CONFIG,
 * EX_UNAVAILABLE for a missing topic and, within the timeout, a closed
 * port).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "io/endpoint.h"
#include "io/kafka.h"
#include "kmock.h"
#include "tap.h"

#define NREC 200
#define NKEYS 7
#define NPART 4

static const char *brokers;
static struct io_conf conf;

/* What a consumer read. */
struct got {
	int seen[NREC];
	int part[NKEYS];
	int lines, badpart, badwhere, badline, other;
	int rc;
	double secs;
	struct ad_err err;
};

static int idle_calls;

static int
idle_count(void *arg, struct ad_err *err)
{
	(void)arg;
	(void)err;
	idle_calls++;
	return 0;
}

/* The caught-up hook: how many lines were read when it first ran. */
struct caught {
	int *lines;
	int calls, lines_then;
};

static void
caught_up(void *arg)
{
	struct caught *c = arg;

	if (c->calls++ == 0)
		c->lines_then = *c->lines;
}

static int
idle_fail(void *arg, struct ad_err *err)
{
	(void)arg;
	idle_calls++;
	ad_err_set(err, EX_IOERR, "idle hook failed");
	return -1;
}

/*
 * Read topic "in" through kafka_source_open(uri suffix), at most max
 * lines, commit and close; account for each line in g.
 */
static void
consume(const char *params, int max, bool commit, struct got *g)
{
	char uri[512], where[64];
	struct source *s;
	struct line l;
	double t0 = now();

	memset(g, 0, sizeof(*g));
	for (int k = 0; k < NKEYS; k++)
		g->part[k] = -1;
	snprintf(uri, sizeof(uri), "kafka://%s/in%s", brokers, params);
	s = kafka_source_open(uri, &conf, &g->err);
	if (s == NULL) {
		g->rc = -2;
		return;
	}
	source_set_idle(s, idle_count, NULL);
	while (g->lines < max && (g->rc = source_next(s, &l, &g->err)) == 1) {
		int k, n, p;
		long long off;
		char rec[64], tmp[64];

		g->lines++;
		/* The line is not NUL-terminated. */
		snprintf(tmp, sizeof(tmp), "%.*s",
		    (int)(l.len < 60 ? l.len : 60), l.buf);
		if (l.lineno != (size_t)g->lines || l.too_long)
			g->badline++;
		if (l.len < 60 &&
		    sscanf(tmp, "{\"id\":\"k%d\",\"n\":%d}", &k, &n) == 2 &&
		    n >= 0 && n < NREC && k == n % NKEYS &&
		    (size_t)snprintf(rec, sizeof(rec),
			"{\"id\":\"k%d\",\"n\":%d}", k, n) == l.len &&
		    memcmp(rec, l.buf, l.len) == 0) {
			g->seen[n]++;
			if (l.where == NULL ||
			    sscanf(l.where, "in[%d]@%lld", &p, &off) != 2 ||
			    p < 0 || p >= NPART || off < 0) {
				g->badwhere++;
				continue;
			}
			snprintf(where, sizeof(where), "in[%d]@%lld", p, off);
			if (strcmp(where, l.where) != 0)
				g->badwhere++;
			if (g->part[k] >= 0 && g->part[k] != p)
				g->badpart++;
			g->part[k] = p;
		} else {
			g->other++;
		}
	}
	if (g->lines == max)
		g->rc = 1;
	if (commit && source_commit(s, &g->err) < 0)
		g->rc = -3;
	source_close(s);
	g->secs = now() - t0;
}

/* How many records were seen exactly once, and more than once. */
static int
once(const struct got *g, int *dups)
{
	int n1 = 0;

	*dups = 0;
	for (int n = 0; n < NREC; n++) {
		n1 += g->seen[n] == 1;
		*dups += g->seen[n] > 1;
	}
	return n1;
}

/* Write records through a kafka_sink; 0 or -1. */
static int
produce(const char *topic, const char *const *recs, size_t nrecs, bool keyed)
{
	char uri[512], rec[64], key[16];
	struct ad_err e;
	struct sink *snk;
	int rc = 0;

	snprintf(uri, sizeof(uri), "kafka://%s/%s%s", brokers, topic,
	    keyed ? "?key=id" : "");
	if ((snk = kafka_sink_open(uri, &conf, &e)) == NULL)
		return -1;
	if (recs != NULL) {
		for (size_t i = 0; i < nrecs; i++)
			rc |= sink_write(
			    snk, recs[i], strlen(recs[i]), NULL, 0, &e);
	} else {
		for (int n = 0; n < NREC; n++) {
			int len = snprintf(rec, sizeof(rec),
			    "{\"id\":\"k%d\",\"n\":%d}", n % NKEYS, n);
			int klen = snprintf(key, sizeof(key), "k%d", n % NKEYS);

			rc |= sink_write(
			    snk, rec, (size_t)len, key, (size_t)klen, &e);
		}
	}
	rc |= sink_close(snk, &e);
	return rc;
}

/* Open uri as a source expecting failure; the time it took. */
static double
open_fails(const char *uri, struct ad_err *e)
{
	double t0 = now();
	struct source *s;

	ad_err_clear(e);
	s = kafka_source_open(uri, &conf, e);
	if (s != NULL) {
		source_close(s);
		e->status = 0;
	}
	return now() - t0;
}

int
main(void)
{
	rd_kafka_t *mrk;
	rd_kafka_mock_cluster_t *mc;
	struct got g, g2;
	struct ad_err e;
	char uri[512], want[768];
	int n1, dups, parts_used = 0;
	double t0, dt;

	io_conf_init(&conf, "t-kafka_source");
	conf.timeout_ms = 5000;
	conf.exit_at_end = true;
	/*
	 * The mock coordinator waits session.timeout.ms - 1 s for members
	 * that already left before it lets a new one in (tests/e2e does the
	 * same).
	 */
	io_conf_add_prop(&conf, "session.timeout.ms=3200");
	io_conf_add_prop(&conf, "heartbeat.interval.ms=500");
	mc = kmock_start(&mrk);
	ok(mc != NULL, "mock cluster with 3 brokers");
	if (mc == NULL)
		return tap_done();
	rd_kafka_mock_topic_create(mc, "in", NPART, 3);
	rd_kafka_mock_topic_create(mc, "nl", 1, 1);
	brokers = rd_kafka_mock_cluster_bootstraps(mc);

	ok(produce("in", NULL, 0, true) == 0,
	    "%d records produced through kafka_sink with key=id", NREC);

	/* A group member with exit-at-end reads everything once. */
	idle_calls = 0;
	consume("?group=ga", NREC * 2, true, &g);
	n1 = once(&g, &dups);
	ok(g.rc == 0, "group ga: ends at the end of every partition (%s)",
	    g.err.msg);
	ok(g.lines == NREC && n1 == NREC && dups == 0 && g.other == 0,
	    "group ga: every record exactly once (%d lines, %d once)", g.lines,
	    n1);
	ok(g.badline == 0, "lines numbered 1..%d, none flagged", NREC);
	ok(g.badwhere == 0, "where is \"in[PARTITION]@OFFSET\"");
	for (int k = 0; k < NKEYS; k++)
		parts_used |= g.part[k] >= 0 ? 1 << g.part[k] : 0;
	ok(g.badpart == 0 && (parts_used & (parts_used - 1)) != 0,
	    "each key came from one partition, keys from several");
	ok(idle_calls > 0, "the idle hook ran before waiting (%d)", idle_calls);
	ok(g.secs < 5, "group ga: read and closed in %.2f s", g.secs);

	/* Same group, offset=stored: the commit left nothing to read. */
	consume("?group=ga&offset=stored", NREC * 2, false, &g2);
	ok(g2.rc == 0 && g2.lines == 0,
	    "group ga again, offset=stored: nothing left (%d lines, %s)",
	    g2.lines, g2.err.msg);
	ok(g2.secs < 5, "and it ends by itself (%.2f s)", g2.secs);

	/*
	 * Without a group, offset=stored commits under the client id: a
	 * commit after part of the input makes the next reader start right
	 * after it (no group join, so no coordinator delay).
	 */
	consume("?offset=stored", 50, true, &g);
	consume("?offset=stored", NREC * 2, true, &g2);
	for (int n = 0; n < NREC; n++)
		g.seen[n] += g2.seen[n];
	n1 = once(&g, &dups);
	ok(g.lines == 50 && g2.rc == 0 && g2.lines == NREC - 50,
	    "offset=stored: 50 lines, commit, then the next reader gets the "
	    "other %d (%d)",
	    NREC - 50, g2.lines);
	ok(n1 == NREC && dups == 0,
	    "offset=stored: together every record once, none again");
	consume("?offset=stored", NREC * 2, false, &g);
	ok(g.rc == 0 && g.lines == 0, "offset=stored a third time: nothing");

	/* No group: every partition from the start. */
	consume("", NREC * 2, false, &g);
	n1 = once(&g, &dups);
	ok(g.rc == 0 && n1 == NREC && dups == 0 && g.badpart == 0,
	    "no group: every partition assigned, all records once");
	consume("?offset=latest", NREC * 2, false, &g);
	ok(g.rc == 0 && g.lines == 0, "no group, offset=latest: nothing");

	/* source_open() picks this backend (endpoint). */
	snprintf(uri, sizeof(uri), "kafka://%s/in", brokers);
	{
		struct source *s = source_open(uri, &conf, &e);
		struct line l;
		int n = 0;
		struct caught c = {&n, 0, -1};

		if (s != NULL)
			source_set_caught_up(s, caught_up, &c);
		while (s != NULL && source_next(s, &l, &e) == 1)
			n++;
		ok(s != NULL && n == NREC && strcmp(source_name(s), uri) == 0,
		    "source_open(kafka://...) reads the topic (%d)", n);
		ok(c.calls >= 1 && c.lines_then == NREC,
		    "the caught-up hook ran after the last record (%d calls, "
		    "%d lines then)",
		    c.calls, c.lines_then);
		source_close(s);
	}

	/* Payload newlines dropped; long messages cut and flagged. */
	{
		const char *recs[] = {
		    "abc\n", "def\r\n", "", "0123456789abcdefghij", "ok"};
		struct source *s;
		struct line l;
		bool a, b, c, d, f, end;

		ok(produce("nl", recs, 5, false) == 0, "5 records on 'nl'");
		conf.max_line = 10;
		snprintf(uri, sizeof(uri), "kafka://%s/nl", brokers);
		s = kafka_source_open(uri, &conf, &e);
		a = s && source_next(s, &l, &e) == 1 && l.len == 3 &&
		    memcmp(l.buf, "abc", 3) == 0 && l.lineno == 1 &&
		    strcmp(l.where, "nl[0]@0") == 0;
		b = s && source_next(s, &l, &e) == 1 && l.len == 3 &&
		    memcmp(l.buf, "def", 3) == 0 && !l.too_long;
		c = s && source_next(s, &l, &e) == 1 && l.len == 0;
		d = s && source_next(s, &l, &e) == 1 && l.too_long &&
		    l.len == 10 && memcmp(l.buf, "0123456789", 10) == 0 &&
		    l.lineno == 4 && strcmp(l.where, "nl[0]@3") == 0;
		f = s && source_next(s, &l, &e) == 1 && l.len == 2 &&
		    !l.too_long;
		end = s && source_next(s, &l, &e) == 0;
		ok(a, "a trailing newline is dropped");
		ok(b, "a trailing CRLF is dropped");
		ok(c, "an empty message is an empty line");
		ok(d, "a message over max_line is cut and flagged");
		ok(f && end, "then the next one, then the end");
		source_close(s);
		conf.max_line = IO_MAX_LINE_DEFAULT;
	}

	/* A failing idle hook stops the read with its error. */
	{
		struct source *s;
		struct line l;

		snprintf(uri, sizeof(uri), "kafka://%s/in", brokers);
		s = kafka_source_open(uri, &conf, &e);
		ok(s != NULL, "a source for the idle hook test");
		if (s != NULL) {
			source_set_idle(s, idle_fail, NULL);
			idle_calls = 0;
			ad_err_clear(&e);
			ok(source_next(s, &l, &e) == -1 && idle_calls >= 1 &&
				e.status == EX_IOERR &&
				strcmp(e.msg, "idle hook failed") == 0,
			    "the hook's -1 and error come back from "
			    "source_next()");
			source_close(s);
		}
	}

	/* Opening errors. */
	snprintf(uri, sizeof(uri), "kafka://%s/in?offset=never", brokers);
	open_fails(uri, &e);
	ok(e.status == EX_USAGE, "bad offset value: EX_USAGE (64)");
	snprintf(want, sizeof(want),
	    "'kafka://%s/in': offset must be earliest, latest or stored, "
	    "got 'never'",
	    brokers);
	is_str(e.msg, want, "bad offset value: message");
	snprintf(uri, sizeof(uri), "kafka://%s/in?group=g&from=1", brokers);
	open_fails(uri, &e);
	ok(e.status == EX_USAGE, "unknown parameter: EX_USAGE");
	snprintf(want, sizeof(want),
	    "'kafka://%s/in': unknown parameter 'from=1'", brokers);
	is_str(e.msg, want, "unknown parameter: message");
	snprintf(uri, sizeof(uri), "kafka://%s/in?group=g", brokers);
	io_conf_release(&conf);
	io_conf_add_prop(&conf, "fetch.wait.max.ms=never");
	open_fails(uri, &e);
	ok(e.status == EX_CONFIG && strncmp(e.msg, "kafka: ", 7) == 0 &&
		strstr(e.msg, "fetch.wait.max.ms") != NULL,
	    "-X value librdkafka rejects: EX_CONFIG (78) ('%s')", e.msg);
	io_conf_release(&conf);
	io_conf_add_prop(&conf, "fetch.max.bytes=1024");
	open_fails(uri, &e);
	ok(e.status == EX_CONFIG && strstr(e.msg, "fetch.max.bytes") != NULL,
	    "-X combination librdkafka refuses: EX_CONFIG ('%s')", e.msg);
	io_conf_release(&conf);
	rd_kafka_mock_topic_create(mc, "gone", 1, 1);
	rd_kafka_mock_topic_set_error(
	    mc, "gone", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
	snprintf(uri, sizeof(uri), "kafka://%s/gone?group=g", brokers);
	dt = open_fails(uri, &e);
	ok(e.status == EX_UNAVAILABLE &&
		strstr(e.msg, "topic 'gone' does not exist") != NULL,
	    "a missing topic: EX_UNAVAILABLE (69) ('%s')", e.msg);
	ok(dt < 3, "a missing topic fails at once (%.2f s)", dt);

	snprintf(
	    uri, sizeof(uri), "kafka://127.0.0.1:%d/in?group=g", closed_port());
	conf.timeout_ms = 700;
	t0 = now();
	open_fails(uri, &e);
	dt = now() - t0;
	ok(e.status == EX_UNAVAILABLE, "closed port: EX_UNAVAILABLE (69)");
	ok(dt >= 0.6 && dt < 3,
	    "closed port: gives up after the 700 ms timeout (%.2f s)", dt);
	ok(strstr(e.msg, "no answer from the brokers within 700 ms") != NULL,
	    "closed port: message ('%s')", e.msg);

	io_conf_release(&conf);
	kmock_stop(mc, mrk);
	return tap_done();
}
