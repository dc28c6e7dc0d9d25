/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/recin: records across several operands in order,
 * a missing operand reported and skipped (EX_NOINPUT), lines that are not
 * JSON objects rejected with "prog: source:line: reason" and copied raw
 * to the dead-letter file, over-long lines, strict mode, rejecting an
 * earlier line, the counts and the exit status; the live sink, pushed
 * every 100 ms of a stream that never waits, and not per record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "io/io.h"
#include "io/recin.h"
#include "io/sink.h"
#include "tap.h"
#include "tfiles.h"
#include "tsink.h"

static char dir[] = "/tmp/t-recin-XXXXXX";

/* A sink that counts pushes and flushes. */
struct counts {
	int pushes, flushes;
};

static int
cnt_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	(void)impl, (void)buf, (void)len, (void)key, (void)keylen, (void)err;
	return 0;
}

static int
cnt_flush(void *impl, struct ad_err *err)
{
	(void)err;
	((struct counts *)impl)->flushes++;
	return 0;
}

static int
cnt_push(void *impl, struct ad_err *err)
{
	(void)err;
	((struct counts *)impl)->pushes++;
	return 0;
}

static const struct sink_ops cnt_ops = {
    cnt_write, cnt_flush, sink_nop, cnt_push};

/*
 * A file is never waited for, like a busy stream: the live sink must be
 * pushed by the clock, 10 records 30 ms apart (300 ms) at least twice;
 * 20,000 records read at once not per record.
 */
static void
test_live(const char *path, struct io_conf *conf)
{
	char *ops[1] = {(char *)path};
	struct counts c = {0, 0};
	struct sink *snk = sink_new("cnt", &cnt_ops, &c, NULL);
	struct ad_err err;
	struct line line;
	struct recin *in;
	FILE *fp = fopen(path, "w");

	for (int i = 0; i < 20000; i++)
		fprintf(fp, "{\"i\":%d}\n", i);
	fclose(fp);
	ad_err_clear(&err);
	in = recin_new(ops, 1, conf, NULL, false, &err);
	recin_set_live(in, snk);
	for (int i = 0; i < 10; i++) {
		struct timespec ts = {0, 30 * 1000000};

		recin_next_line(in, &line, &err);
		nanosleep(&ts, NULL);
	}
	ok(c.pushes >= 2 && c.flushes == 0,
	    "a quiet-less input: live sink pushed by the clock (%d pushes)",
	    c.pushes);
	c.pushes = 0;
	while (recin_next_line(in, &line, &err) > 0)
		;
	ok(c.pushes < 100, "19,990 records at once: %d pushes, not one each",
	    c.pushes);
	recin_free(in);
	sink_close(snk, &err);
	unlink(path);
}

int
main(void)
{
	char a[300], b[300], missing[300], dead[300], msg[2048], data[512];
	char *ops[3];
	struct io_conf conf;
	struct ad_err err;
	struct recin *in;
	json_t *rec;
	struct line line;
	int n = 0, order = 1;
	FILE *fp;
	size_t got;

	mkdtemp(dir);
	io_conf_init(&conf, "t-recin");
	conf.warn = vwarn_at; /* print as a program does */
	put_file(dir, "a.ndjson", "{\"i\":1}\nnot json\n{\"i\":2}\n[3]\n", a,
	    sizeof(a));
	put_file(dir, "b.ndjson", "{\"i\":3}\n\n{\"i\":4}", b, sizeof(b));
	snprintf(missing, sizeof(missing), "%s/missing.ndjson", dir);
	snprintf(dead, sizeof(dead), "%s/dead.ndjson", dir);
	ops[0] = a;
	ops[1] = missing;
	ops[2] = b;

	in = recin_new(ops, 3, &conf, dead, false, &err);
	ok(in != NULL, "reader with a dead-letter file");
	stderr_capture("/tmp/t-recin-err-XXXXXX");
	while (recin_next(in, &rec, &err) == 1) {
		json_t *i = json_object_get(rec, "i");

		if (json_integer_value(i) != ++n)
			order = 0;
		json_decref(rec);
	}
	stderr_release(msg, sizeof(msg));
	ok(n == 4 && order, "records 1..4 in order across the operands");
	ok(strstr(msg, "t-recin: ") != NULL &&
		strstr(msg, "a.ndjson:2: ") != NULL &&
		strstr(msg, "a.ndjson:4: ") != NULL,
	    "bad lines reported as prog: source:line: reason");
	ok(strstr(msg, "missing.ndjson") != NULL,
	    "the missing operand is reported");
	ok(strstr(msg, "b.ndjson:2") != NULL,
	    "the blank line of b is rejected at line 2");
	ok(recin_reject_count(in) == 3 && recin_read_count(in) == 7,
	    "7 lines read, 3 rejected (got %zu, %zu)", recin_read_count(in),
	    recin_reject_count(in));
	ok(recin_status(in) == EX_NOINPUT,
	    "status: EX_NOINPUT (a missing operand outranks bad lines)");
	ok(recin_commit(in, &err) == 0, "commit flushes the dead letters");
	fp = fopen(dead, "r");
	got = fread(data, 1, sizeof(data) - 1, fp);
	data[got] = '\0';
	fclose(fp);
	is_str(data, "not json\n[3]\n\n", "dead letters: the raw lines");
	recin_free(in);

	/* Strict: stop at the first bad line. */
	in = recin_new(ops, 1, &conf, NULL, true, &err);
	stderr_capture("/tmp/t-recin-err-XXXXXX");
	n = 0;
	while (recin_next(in, &rec, &err) == 1) {
		n++;
		json_decref(rec);
	}
	stderr_release(msg, sizeof(msg));
	ok(n == 1 && recin_reject_count(in) == 1 &&
		recin_status(in) == EX_DATAERR,
	    "strict: one record, then the input ends (EX_DATAERR)");
	ok(recin_next(in, &rec, &err) == 0, "and stays ended");
	recin_free(in);

	/* Raw lines, names, line numbers, rejecting an earlier line. */
	in = recin_new(&ops[2], 1, &conf, NULL, false, &err);
	ok(recin_next_line(in, &line, &err) == 1 && line.len == 7 &&
		line.lineno == 1 && strstr(recin_source_name(in), "b.ndjson") &&
		recin_lineno(in) == 1,
	    "next_line: the raw line, its number, its source");
	ok(recin_next_line(in, &line, &err) == 1 && line.len == 0 &&
		recin_lineno(in) == 2,
	    "next_line returns blank lines too");
	stderr_capture("/tmp/t-recin-err-XXXXXX");
	ok(recin_reject_at(in, "earlier.ndjson", 9, "xyz", 3, "late %d", 5) ==
		0,
	    "reject an earlier line");
	stderr_release(msg, sizeof(msg));
	is_str(msg, "t-recin: earlier.ndjson:9: late 5\n",
	    "with its own source and line");
	ok(recin_status(in) == EX_DATAERR && recin_reject_count(in) == 1,
	    "counted; EX_DATAERR");
	recin_free(in);

	/* Over-long lines. */
	{
		char big[3000];

		memset(big, 'x', sizeof(big) - 1);
		big[0] = '{';
		big[sizeof(big) - 1] = '\0';
		fp = fopen(a, "w");
		fprintf(fp, "%s\n{\"ok\":1}\n", big);
		fclose(fp);
		conf.max_line = 100;
		in = recin_new(ops, 1, &conf, NULL, false, &err);
		stderr_capture("/tmp/t-recin-err-XXXXXX");
		n = recin_next(in, &rec, &err);
		stderr_release(msg, sizeof(msg));
		ok(n == 1 && json_object_get(rec, "ok") != NULL &&
			strstr(msg, ":1: line longer than 100 bytes") != NULL,
		    "an over-long line is rejected, the next record read");
		json_decref(rec);
		recin_free(in);
	}

	snprintf(data, sizeof(data), "%s/live.ndjson", dir);
	test_live(data, &conf);

	/* An uncreatable dead-letter file. */
	snprintf(dead, sizeof(dead), "%s/no/dir/dead", dir);
	ok(recin_new(ops, 1, &conf, dead, false, &err) == NULL &&
		err.status == EX_CANTCREAT,
	    "dead-letter file cannot be created: EX_CANTCREAT");
	recin_free(NULL);
	unlink(a);
	unlink(b);
	snprintf(dead, sizeof(dead), "%s/dead.ndjson", dir);
	unlink(dead);
	rmdir(dir);
	return tap_done();
}
