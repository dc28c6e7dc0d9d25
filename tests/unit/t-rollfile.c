/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/rollfile: records go to NAME.tmp and appear under
 * their final name only when the file is closed (rename), files roll by
 * size (sequence numbers) and when the time pattern moves on, gzip=1
 * output inflates back to the records, and bad specs are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "io/rollfile.h"
#include "tap.h"

static char dir[64];

/* DIR/name in a static buffer (one of two, so two can be compared). */
static const char *
at(const char *name)
{
	static char buf[2][256];
	static int i;

	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The whole file at path, NUL-terminated, inflated when gzip. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	gzFile f = gzopen(path, "rb");
	int n;

	if (f == NULL)
		return "(missing)";
	n = gzread(f, buf, sizeof(buf) - 1);
	gzclose(f);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
put(struct sink *s, const char *rec, struct ad_err *e)
{
	return sink_write(s, rec, strlen(rec), NULL, 0, e);
}

/* Sleep until the wall clock's second changes. */
static void
next_second(void)
{
	time_t t = time(NULL);

	while (time(NULL) == t)
		usleep(20000);
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct sink *s;
	char spec[300];

	io_conf_init(&conf, "t");
	ad_err_clear(&e);
	snprintf(dir, sizeof(dir), "/tmp/t-rollfile.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;

	/* One file, no roll: .tmp while open, final name after close. */
	snprintf(spec, sizeof(spec), "%s/sub/plain.ndjson", dir);
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL, "plain pattern opens");
	is_str(sink_name(s), spec, "named by its pattern");
	ok(!exists(at("sub")), "nothing is created before the first record");
	ok(put(s, "{\"a\":1}", &e) == 0 && put(s, "{\"a\":2}", &e) == 0,
	    "two records written");
	ok(sink_flush(s, &e) == 0, "flushed");
	ok(exists(at("sub/plain.ndjson.tmp")) &&
		!exists(at("sub/plain.ndjson")),
	    "while open only the .tmp name exists (parents made)");
	is_str(slurp(at("sub/plain.ndjson.tmp")), "{\"a\":1}\n{\"a\":2}\n",
	    "a flush makes the .tmp file current");
	ok(sink_close(s, &e) == 0, "closed");
	ok(exists(at("sub/plain.ndjson")) &&
		!exists(at("sub/plain.ndjson.tmp")),
	    "close renames .tmp to the final name");
	is_str(slurp(at("sub/plain.ndjson")), "{\"a\":1}\n{\"a\":2}\n",
	    "final file holds the records");

	/* The same pattern again never overwrites: it gets a number. */
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL && put(s, "again", &e) == 0 && sink_close(s, &e) == 0,
	    "second run on the same pattern");
	is_str(slurp(at("sub/plain.0001.ndjson")), "again\n",
	    "an existing final name gets the next number, .0001");
	is_str(slurp(at("sub/plain.ndjson")), "{\"a\":1}\n{\"a\":2}\n",
	    "the earlier file is untouched");

	/* By size: roll=10 holds two 4-byte records (5 with newline). */
	snprintf(spec, sizeof(spec), "%s/size.ndjson?roll=10", dir);
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL, "roll=10 opens");
	ok(put(s, "aaaa", &e) == 0 && put(s, "bbbb", &e) == 0,
	    "first file filled to the limit");
	ok(exists(at("size.0000.ndjson.tmp")) &&
		!exists(at("size.0000.ndjson")),
	    "with roll= names are numbered from .0000");
	ok(put(s, "cccc", &e) == 0, "one more record");
	ok(exists(at("size.0000.ndjson")) &&
		!exists(at("size.0000.ndjson.tmp")) &&
		exists(at("size.0001.ndjson.tmp")),
	    "the limit closed and renamed the first file, opened .0001");
	is_str(slurp(at("size.0000.ndjson")), "aaaa\nbbbb\n",
	    "first file: the records that fit");
	ok(put(s, "dddddddddddddddd", &e) == 0 && put(s, "e", &e) == 0,
	    "a record longer than roll= still goes somewhere");
	ok(sink_close(s, &e) == 0, "roll sink closes");
	is_str(slurp(at("size.0001.ndjson")), "cccc\n", "second file");
	is_str(slurp(at("size.0002.ndjson")), "dddddddddddddddd\n",
	    "an over-long record gets a file of its own");
	is_str(slurp(at("size.0003.ndjson")), "e\n", "and the next goes on");
	ok(!exists(at("size.0004.ndjson")) &&
		!exists(at("size.0003.ndjson.tmp")),
	    "no extra or leftover file");

	/* By time: a pattern with seconds moves on every second. */
	snprintf(spec, sizeof(spec), "%s/t-%%H%%M%%S.ndjson", dir);
	next_second();
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL && put(s, "first", &e) == 0, "time pattern: first record");
	{
		char name1[64], name2[64], tmp1[80];
		time_t t1 = time(NULL), t2;

		strftime(name1, sizeof(name1), "t-%H%M%S.ndjson", gmtime(&t1));
		snprintf(tmp1, sizeof(tmp1), "%s.tmp", name1);
		ok(exists(at(tmp1)) && !exists(at(name1)),
		    "expanded in UTC, written under .tmp");
		next_second();
		ok(put(s, "second", &e) == 0, "time pattern: next second");
		t2 = time(NULL);
		strftime(name2, sizeof(name2), "t-%H%M%S.ndjson", gmtime(&t2));
		ok(!exists(at(tmp1)), "the old period's .tmp is gone");
		is_str(slurp(at(name1)), "first\n",
		    "the old period's file was renamed with its record");
		ok(sink_close(s, &e) == 0, "time sink closes");
		is_str(slurp(at(name2)), "second\n", "the new period's file");
	}

	/* gzip=1: ".gz" added, and the content inflates back. */
	snprintf(spec, sizeof(spec), "%s/z.ndjson?gzip=1&flush=1s", dir);
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL && put(s, "{\"z\":1}", &e) == 0 &&
		put(s, "{\"z\":2}", &e) == 0 && sink_close(s, &e) == 0,
	    "gzip sink written and closed");
	ok(!exists(at("z.ndjson")) && exists(at("z.ndjson.gz")),
	    "gzip=1 adds .gz");
	{
		FILE *f = fopen(at("z.ndjson.gz"), "rb");
		unsigned char m[2] = {0, 0};

		if (f != NULL) {
			if (fread(m, 1, 2, f) != 2)
				m[0] = 0;
			fclose(f);
		}
		ok(m[0] == 0x1f && m[1] == 0x8b, "the file is gzip");
	}
	is_str(slurp(at("z.ndjson.gz")), "{\"z\":1}\n{\"z\":2}\n",
	    "and inflates to the records");
	snprintf(spec, sizeof(spec), "%s/y.ndjson.gz?gzip=1", dir);
	s = rollfile_open(spec, &conf, &e);
	ok(s != NULL && put(s, "y", &e) == 0 && sink_close(s, &e) == 0 &&
		exists(at("y.ndjson.gz")) && !exists(at("y.ndjson.gz.gz")),
	    "a pattern ending in .gz keeps its name");

	/* Bad specs. */
	ad_err_clear(&e);
	ok(rollfile_open("", &conf, &e) == NULL && e.status == EX_USAGE,
	    "empty pattern refused");
	is_str(e.msg, "'file:': no file name", "empty pattern: message");
	ok(rollfile_open("dir/", &conf, &e) == NULL && e.status == EX_USAGE,
	    "a directory is not a file name");
	ok(rollfile_open("x?gzip=2", &conf, &e) == NULL && e.status == EX_USAGE,
	    "gzip=2 refused");
	is_str(
	    e.msg, "'file:x?gzip=2': gzip= must be 0 or 1", "gzip=: message");
	ok(rollfile_open("x?colour=red", &conf, &e) == NULL &&
		e.status == EX_USAGE,
	    "unknown parameter refused");
	is_str(e.msg, "'file:x?colour=red': unknown parameter 'colour'",
	    "unknown parameter: message");
	ok(rollfile_open("x?roll=lots", &conf, &e) == NULL && e.status != 0,
	    "roll= must be a size");

	snprintf(spec, sizeof(spec), "rm -rf '%s'", dir);
	if (system(spec) != 0)
		return 1;
	io_conf_release(&conf);
	return tap_done();
}
