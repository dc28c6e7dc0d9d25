/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/record/kddgen: the record text, member by member,
 * the simulated clock, the uuid stream, the sink key, and the three row
 * sources (synthetic, CSV in order, CSV drawn at random).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/kdd.h"
#include "record/kddgen.h"
#include "tap.h"
#include "tsink.h"

/* A sink that keeps what is written: records one per line, and keys. */
struct cap {
	struct buf text;
	char key[8][64];
	size_t n;
};

static int
cap_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct cap *c = impl;

	(void)err;
	buf_add(&c->text, buf, len);
	buf_addc(&c->text, '\n');
	if (c->n < 8)
		snprintf(c->key[c->n], sizeof(c->key[0]), "%.*s", (int)keylen,
		    key ? key : "");
	c->n++;
	return 0;
}

static const struct sink_ops cap_ops = {cap_write, sink_nop, sink_nop, NULL};

static const char *row[KDD_NCOLUMNS] = {"0", "tcp", "http", "SF", "181", "5450",
    "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0",
    "0", "8", "8", "0.00", "0.00", "0.00", "0.00", "1.00", "0.00", "0.00", "9",
    "9", "1.00", "0.00", "0.11", "0.00", "0.00", "0.00", "0.00", "0.00",
    "normal."};

/* Line i (from 0) of text, copied into out. */
static void
line_at(const char *text, size_t i, char *out, size_t size)
{
	const char *p = text, *nl;

	while (i-- > 0 && (nl = strchr(p, '\n')) != NULL)
		p = nl + 1;
	nl = strchr(p, '\n');
	snprintf(out, size, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
}

/* The text of member name in a record line ("" when absent). */
static void
member(const char *line, const char *name, char *out, size_t size)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(line, pat);
	if (p == NULL) {
		*out = '\0';
		return;
	}
	p += strlen(pat);
	end = p + strcspn(p, ",}");
	snprintf(out, size, "%.*s", (int)(end - p), p);
}

static struct sink *
cap_sink(struct cap *c, const char *key_field)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->text);
	return sink_new("cap", &cap_ops, c, key_field);
}

/* Run a generator over conf; the records' text goes into c. */
static int
run(const struct kddgen_conf *conf, struct cap *c, struct reject *rj,
    long long *count, struct ad_err *e)
{
	struct sink *out = cap_sink(c, NULL);
	struct kddgen g;
	int rc;

	kddgen_init(&g, conf, out, rj);
	rc = kddgen_run(&g, e);
	*count = kddgen_count(&g);
	kddgen_release(&g);
	sink_close(out, e);
	buf_addc(&c->text, '\0');
	return rc;
}

static void
test_record_text(void)
{
	struct kddgen_conf conf = {.count = -1,
	    .seed = 42,
	    .sim_clock = true,
	    .start_ms = 1795255200000LL,
	    .interval_ms = 1500};
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
	struct cap c;
	struct sink *out = cap_sink(&c, NULL);
	struct kddgen g;
	struct prng r;
	struct ad_err e;
	char why[200], want_uuid[37], line[2048], *members[64], *save = NULL;
	size_t nm = 0;

	ad_err_clear(&e);
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		field[i] = (char *)row[i];
		len[i] = strlen(row[i]);
	}
	kddgen_init(&g, &conf, out, NULL);
	ok(kddgen_encode(&g, field, len, KDD_NCOLUMNS, why, sizeof(why)) == 0,
	    "a good row encodes");
	ok(kddgen_emit(&g, field, len, 7, &e) == 0 && c.n == 1,
	    "one record written");
	line_at(c.text.data, 0, line, sizeof(line));
	ok(line[0] == '{' && line[strlen(line) - 1] == '}',
	    "the record is one object");
	line[strlen(line) - 1] = '\0';
	for (char *m = strtok_r(line + 1, ",", &save); m && nm < 64;
	     m = strtok_r(NULL, ",", &save))
		members[nm++] = m;
	ok(nm == 46, "46 members (got %zu)", nm);
	for (size_t i = 0; i < KDD_NCOLUMNS && i < nm; i++) {
		char want[128];

		if (kdd_columns[i].type == KDD_STRING)
			snprintf(want, sizeof(want), "\"%s\":\"%s\"",
			    kdd_columns[i].name, row[i]);
		else
			snprintf(want, sizeof(want), "\"%s\":%s",
			    kdd_columns[i].name, row[i]);
		is_str(members[i], want, "member %zu is %s", i + 1, want);
	}
	prng_init(&r, 42);
	prng_uuid4(&r, want_uuid);
	if (nm == 46) {
		char want[64];

		is_str(members[42], "\"utc\":\"2026-11-21T10:00:00.000000Z\"",
		    "utc is the simulated clock's start");
		snprintf(want, sizeof(want), "\"uuid\":\"%s\"", want_uuid);
		is_str(members[43], want, "uuid is the seed's first v4 uuid");
		is_str(members[44], "\"sequence_id\":0", "sequence_id from 0");
		is_str(members[45], "\"index\":7", "index as given");
	} else {
		for (int i = 0; i < 4; i++)
			ok(0, "bookkeeping member %d", i);
	}
	ok(want_uuid[14] == '4' && strchr("89ab", want_uuid[19]) != NULL,
	    "the uuid is version 4, variant 1");

	/* The next record: the clock steps, the counter counts. */
	kddgen_encode(&g, field, len, KDD_NCOLUMNS, why, sizeof(why));
	kddgen_emit(&g, field, len, 3, &e);
	line_at(c.text.data, 1, line, sizeof(line));
	{
		char v[64];

		member(line, "utc", v, sizeof(v));
		is_str(v, "\"2026-11-21T10:00:01.500000Z\"",
		    "second record one interval later");
		member(line, "sequence_id", v, sizeof(v));
		is_str(v, "1", "second sequence_id 1");
		member(line, "index", v, sizeof(v));
		is_str(v, "3", "second index 3");
	}
	ok(kddgen_count(&g) == 2, "two records counted");

	/* Rows that are not KDD records. */
	ok(kddgen_encode(&g, field, len, 41, why, sizeof(why)) < 0,
	    "41 fields rejected");
	is_str(why, "expected 42 fields, got 41", "reason gives the counts");
	field[5] = "x";
	len[5] = 1;
	ok(kddgen_encode(&g, field, len, KDD_NCOLUMNS, why, sizeof(why)) < 0,
	    "a word in a count rejected");
	kddgen_release(&g);
	sink_close(out, &e);
	buf_release(&c.text);
}

static void
test_keys(void)
{
	struct kddgen_conf conf = {.count = -1, .seed = 1, .sim_clock = true};
	char *field[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS];
	struct cap c1, c2;
	struct sink *s1 = cap_sink(&c1, "service"), *s2 = cap_sink(&c2, "id");
	struct kddgen g1, g2;
	struct ad_err e;
	char why[200], line[2048], uuid[64], want[80];

	ad_err_clear(&e);
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		field[i] = (char *)row[i];
		len[i] = strlen(row[i]);
	}
	kddgen_init(&g1, &conf, s1, NULL);
	kddgen_encode(&g1, field, len, KDD_NCOLUMNS, why, sizeof(why));
	kddgen_emit(&g1, field, len, 0, &e);
	is_str(c1.key[0], "http", "a column's name keys by that field");
	kddgen_init(&g2, &conf, s2, NULL);
	kddgen_encode(&g2, field, len, KDD_NCOLUMNS, why, sizeof(why));
	kddgen_emit(&g2, field, len, 0, &e);
	line_at(c2.text.data, 0, line, sizeof(line));
	member(line, "uuid", uuid, sizeof(uuid));
	snprintf(want, sizeof(want), "\"%s\"", c2.key[0]);
	is_str(uuid, want, "another name keys by the uuid");
	kddgen_release(&g1);
	kddgen_release(&g2);
	sink_close(s1, &e);
	sink_close(s2, &e);
	buf_release(&c1.text);
	buf_release(&c2.text);
}

static void
test_sources(void)
{
	struct kddgen_conf conf = {
	    .count = 5, .seed = 9, .sim_clock = true, .interval_ms = 10};
	struct io_conf io;
	struct reject rj;
	struct cap c, c2;
	struct ad_err e;
	long long n;
	char path[] = "/tmp/t-kddgen-XXXXXX", line[2048], v[64];
	int fd, draws_ok = 1;
	FILE *fp;

	ad_err_clear(&e);
	io_conf_init(&io, "t-kddgen");
	conf.io = &io;
	ok(run(&conf, &c, NULL, &n, &e) == 0 && n == 5,
	    "synthetic: count records");
	line_at(c.text.data, 4, line, sizeof(line));
	member(line, "index", v, sizeof(v));
	is_str(v, "4", "synthetic: index is the sequence_id");
	member(line, "utc", v, sizeof(v));
	is_str(v, "\"1970-01-01T00:00:00.040000Z\"", "synthetic: clock steps");
	run(&conf, &c2, NULL, &n, &e);
	is_str(c2.text.data, c.text.data, "synthetic: same seed, same text");
	buf_release(&c.text);
	buf_release(&c2.text);

	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < KDD_NCOLUMNS; i++)
			fprintf(fp, "%s%s", k == 1 && i == 4 ? "abc" : row[i],
			    i + 1 < KDD_NCOLUMNS ? "," : "\n");
	fclose(fp);
	conf.file = path;
	conf.in_order = true;
	conf.count = -1;
	reject_init(&rj, NULL, false, NULL, &e);
	fprintf(stderr, "# a warning about line 2 is expected:\n");
	ok(run(&conf, &c, &rj, &n, &e) == 0 && n == 2 && rj.count == 1,
	    "in order: 2 written, 1 rejected");
	line_at(c.text.data, 1, line, sizeof(line));
	member(line, "index", v, sizeof(v));
	is_str(v, "2", "in order: index counts the bad row");
	member(line, "sequence_id", v, sizeof(v));
	is_str(v, "1", "in order: sequence_id does not");
	buf_release(&c.text);

	conf.in_order = false;
	conf.count = 50;
	fprintf(stderr, "# a warning about line 2 is expected:\n");
	ok(run(&conf, &c, &rj, &n, &e) == 0 && n == 50,
	    "at random: count records");
	for (size_t i = 0; i < 50; i++) {
		line_at(c.text.data, i, line, sizeof(line));
		member(line, "index", v, sizeof(v));
		if (strcmp(v, "0") != 0 && strcmp(v, "2") != 0)
			draws_ok = 0;
	}
	ok(draws_ok, "at random: only good rows are drawn");
	buf_release(&c.text);

	fp = fopen(path, "w");
	fclose(fp);
	ok(run(&conf, &c, &rj, &n, &e) < 0 && e.status == EX_DATAERR && n == 0,
	    "at random: an empty file is a data error");
	ok(strstr(e.msg, "no usable rows") != NULL, "and says so: %s", e.msg);
	buf_release(&c.text);
	reject_release(&rj);
	unlink(path);
	io_conf_release(&io);
}

int
main(void)
{
	test_record_text();
	test_keys();
	test_sources();
	return tap_done();
}
