/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/endpoint: every scheme in the table reaches its
 * backend, told apart by what only that backend does: kafka:// URIs are
 * parsed by lib/io/kafka, "file:" sinks write under a .tmp name that is
 * renamed on close (rollfile), paths are written in place (filesink) and
 * read back (filesource), "-" and NULL are stdin and stdout, and "file:"
 * as a source is still a plain path.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/endpoint.h"
#include "tap.h"
#include "tfiles.h"

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct sink *snk;
	struct source *src;
	struct line l;
	char dir[64], cmd[96];

	/* "-" dups stdin, which a test runner may have closed. */
	if (fcntl(STDIN_FILENO, F_GETFD) < 0 &&
	    open("/dev/null", O_RDONLY) != STDIN_FILENO)
		return 1;
	io_conf_init(&conf, "t");
	conf.timeout_ms = 200;
	ad_err_clear(&e);
	snprintf(dir, sizeof(dir), "/tmp/t-endpoint.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return 1;

	/* kafka:// goes to lib/io/kafka, for sinks and sources alike. */
	ok(sink_open("kafka://nohost", &conf, &e) == NULL &&
		e.status == EX_USAGE,
	    "kafka:// sink: parsed by the Kafka backend");
	is_str(e.msg, "'kafka://nohost': expected kafka://HOST:PORT/TOPIC",
	    "kafka:// sink: the Kafka backend's message");
	ad_err_clear(&e);
	ok(source_open("kafka://nohost", &conf, &e) == NULL &&
		e.status == EX_USAGE,
	    "kafka:// source: parsed by the Kafka backend");
	is_str(e.msg, "'kafka://nohost': expected kafka://HOST:PORT/TOPIC",
	    "kafka:// source: the Kafka backend's message");
	ad_err_clear(&e);
	ok(sink_open("kafka://h:1/t?colour=red", &conf, &e) == NULL &&
		strstr(e.msg, "unknown parameter 'colour=red'") != NULL,
	    "kafka:// sink: parameters checked by the Kafka backend");
	ok(!exists("kafka:") && !exists("kafka:/nohost"),
	    "a kafka:// spec never becomes a file");

	/* file: as a sink is a rolling file. */
	ad_err_clear(&e);
	snk = sink_open("file:roll.ndjson", &conf, &e);
	ok(snk != NULL, "file: sink opens");
	is_str(snk ? sink_name(snk) : NULL, "roll.ndjson",
	    "file: is stripped before the rolling backend sees the spec");
	ok(snk != NULL && sink_write(snk, "r", 1, NULL, 0, &e) == 0 &&
		sink_flush(snk, &e) == 0,
	    "file: sink written");
	ok(exists("roll.ndjson.tmp") && !exists("roll.ndjson"),
	    "file: sink writes under .tmp (rollfile)");
	ok(sink_close(snk, &e) == 0 && exists("roll.ndjson") &&
		!exists("roll.ndjson.tmp"),
	    "file: sink renames on close (rollfile)");
	ad_err_clear(&e);
	ok(sink_open("file:x?gzip=2", &conf, &e) == NULL &&
		e.status == EX_USAGE,
	    "file: sink parameters are the rolling backend's");
	is_str(e.msg, "'file:x?gzip=2': gzip= must be 0 or 1",
	    "file: bad parameter: the rolling backend's message");

	/* A path as a sink is written in place; as a source, read. */
	snk = sink_open("plain.ndjson", &conf, &e);
	ok(snk != NULL && sink_write(snk, "p1", 2, NULL, 0, &e) == 0 &&
		sink_flush(snk, &e) == 0,
	    "path sink written");
	ok(exists("plain.ndjson") && !exists("plain.ndjson.tmp"),
	    "path sink writes in place (filesink)");
	ok(sink_close(snk, &e) == 0, "path sink closes");
	src = source_open("plain.ndjson", &conf, &e);
	ok(src != NULL, "path source opens");
	is_str(src ? source_name(src) : NULL, "plain.ndjson",
	    "path source named by its path");
	ok(src != NULL && source_next(src, &l, &e) == 1 && l.len == 2 &&
		memcmp(l.buf, "p1", 2) == 0 && l.lineno == 1,
	    "path source reads what the path sink wrote");
	ok(src != NULL && source_next(src, &l, &e) == 0, "then ends");
	source_close(src);
	ad_err_clear(&e);
	ok(source_open("missing.ndjson", &conf, &e) == NULL &&
		e.status == EX_NOINPUT,
	    "missing path source: 66");
	is_str(e.msg, "cannot open 'missing.ndjson': No such file or directory",
	    "missing path source: the file backend's message");
	ad_err_clear(&e);
	ok(sink_open("no/such/dir/x", &conf, &e) == NULL &&
		e.status == EX_CANTCREAT,
	    "path sink in a missing directory: 73 (no parents made)");

	/* file: as a source is a plain path, as it always was. */
	write_file("file:literal", "lit\n");
	src = source_open("file:literal", &conf, &e);
	ok(src != NULL && source_next(src, &l, &e) == 1 && l.len == 3 &&
		memcmp(l.buf, "lit", 3) == 0,
	    "file: source reads the path named 'file:literal'");
	is_str(src ? source_name(src) : NULL, "file:literal",
	    "file: source keeps its whole name");
	source_close(src);

	/* "-" and NULL: the standard streams. */
	snk = sink_open("-", &conf, &e);
	is_str(snk ? sink_name(snk) : NULL, "<stdout>", "'-' sink is stdout");
	sink_close(snk, &e);
	snk = sink_open(NULL, &conf, &e);
	is_str(snk ? sink_name(snk) : NULL, "<stdout>", "NULL sink is stdout");
	sink_close(snk, &e);
	src = source_open("-", &conf, &e);
	is_str(src ? source_name(src) : NULL, "<stdin>", "'-' source is stdin");
	source_close(src);
	src = source_open(NULL, &conf, &e);
	is_str(
	    src ? source_name(src) : NULL, "<stdin>", "NULL source is stdin");
	source_close(src);

	if (chdir("/") != 0)
		return 1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	io_conf_release(&conf);
	return tap_done();
}
