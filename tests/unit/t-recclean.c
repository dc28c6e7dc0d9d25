/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/record/recclean: a whole run over an input file
 * (written, duplicate and rejected lines, by reason; coercion and
 * total_bytes; the sink key) and the -v summary text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/recin.h"
#include "io/sink.h"
#include "record/recclean.h"
#include "tap.h"

/* A sink that keeps what is written: records one per line, and keys. */
struct cap {
	struct buf text, keys;
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
	buf_add(&c->keys, key ? key : "-", key ? keylen : 1);
	buf_addc(&c->keys, ' ');
	c->n++;
	return 0;
}

static int
cap_flush(void *impl, struct ad_err *err)
{
	(void)impl;
	(void)err;
	return 0;
}

static int
cap_close(void *impl, struct ad_err *err)
{
	(void)impl;
	(void)err;
	return 0;
}

static const struct sink_ops cap_ops = {cap_write, cap_flush, cap_close};

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
}

static void
test_run(void)
{
	char spath[] = "/tmp/t-recclean-s-XXXXXX";
	char ipath[] = "/tmp/t-recclean-i-XXXXXX";
	char *files[1] = {ipath};
	struct recclean_counts n;
	struct recclean_conf conf;
	struct io_conf io;
	struct schema *sc;
	struct recin *in;
	struct sink *out;
	struct cap c;
	struct ad_err e;
	struct buf b;

	close(mkstemp(spath));
	close(mkstemp(ipath));
	write_file(spath, "id string\nsrc_bytes int\ndst_bytes int\n"
			  "v number optional\n");
	write_file(ipath,
	    "{\"id\":\"a\",\"src_bytes\":10,\"dst_bytes\":5}\n"
	    "not json\n"
	    "{\"id\":\"a\",\"src_bytes\":1,\"dst_bytes\":2}\n"
	    "{\"src_bytes\":1,\"dst_bytes\":2}\n"
	    "{\"id\":\"b\",\"src_bytes\":\"x\",\"dst_bytes\":2}\n"
	    "{\"id\":\"c\",\"src_bytes\":\"7\",\"dst_bytes\":2,\"v\":0.5}\n");
	ad_err_clear(&e);
	io_conf_init(&io, "t-recclean");
	sc = schema_load(spath, &e);
	ok(sc != NULL, "schema file loads");
	memset(&c, 0, sizeof(c));
	buf_init(&c.text);
	buf_init(&c.keys);
	out = sink_new("cap", &cap_ops, &c, "id");
	fprintf(stderr, "# three warnings (lines 2, 4, 5) are expected:\n");
	in = recin_new(files, 1, &io, NULL, false, &e);
	memset(&n, 0, sizeof(n));
	conf = (struct recclean_conf){
	    .schema = sc, .dedup_field = "id", .dedup_window = 100};
	ok(recclean_run(&conf, in, out, &n, &e) == 0, "the run succeeds");
	ok(n.written == 2 && c.n == 2, "two records written (%zu)", n.written);
	ok(n.duplicates == 1, "one duplicate (%zu)", n.duplicates);
	ok(n.reason[RECCLEAN_INVALID_JSON] == 1, "one invalid JSON");
	ok(n.reason[RECCLEAN_MISSING] == 1, "one missing field");
	ok(n.reason[RECCLEAN_WRONG_TYPE] == 1, "one wrong type");
	ok(n.reason[RECCLEAN_NOT_FINITE] == 0, "none not finite");
	ok(recin_read_count(in) == 6 && recin_reject_count(in) == 3,
	    "the input counted 6 read, 3 rejected");
	buf_addc(&c.text, '\0');
	is_str(c.text.data,
	    "{\"id\":\"a\",\"src_bytes\":10,\"dst_bytes\":5,\"total_bytes\":15}"
	    "\n"
	    "{\"id\":\"c\",\"src_bytes\":7,\"dst_bytes\":2,\"v\":0.5,"
	    "\"total_bytes\":9}\n",
	    "records written with total_bytes, numeric strings coerced");
	buf_addc(&c.keys, '\0');
	is_str(c.keys.data, "a c ", "keyed by the sink's key field");

	buf_init(&b);
	recclean_summary(&b, &n, recin_read_count(in), recin_reject_count(in));
	is_str(b.data,
	    "read 6, written 2, rejected 3 (invalid JSON 1, missing field 1, "
	    "wrong type 1), duplicates 1",
	    "summary of the run");
	buf_release(&b);

	recin_free(in);
	sink_close(out, &e);
	buf_release(&c.text);
	buf_release(&c.keys);
	schema_free(sc);
	io_conf_release(&io);
	unlink(spath);
	unlink(ipath);
}

static void
test_summary(void)
{
	struct recclean_counts n = {.written = 5, .duplicates = 2};
	struct buf b;

	n.reason[RECCLEAN_INVALID_JSON] = 1;
	n.reason[RECCLEAN_MISSING] = 2;
	n.reason[RECCLEAN_NOT_FINITE] = 1;
	buf_init(&b);
	recclean_summary(&b, &n, 14, 6);
	is_str(b.data,
	    "read 14, written 5, rejected 6 (invalid JSON 3, missing field 2, "
	    "not finite 1), duplicates 2",
	    "lines the input refused itself count as invalid JSON");
	buf_reset(&b);
	memset(&n, 0, sizeof(n));
	n.written = 3;
	recclean_summary(&b, &n, 3, 0);
	is_str(b.data, "read 3, written 3, rejected 0, duplicates 0",
	    "no reasons when nothing was rejected");
	buf_reset(&b);
	memset(&n, 0, sizeof(n));
	recclean_summary(&b, &n, 0, 0);
	is_str(b.data, "read 0, written 0, rejected 0, duplicates 0",
	    "empty input");
	buf_release(&b);
}

int
main(void)
{
	test_run();
	test_summary();
	return tap_done();
}
