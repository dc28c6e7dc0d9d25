/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/schema: the KDD schema's fields, schema files (types,
 * required/optional, comments, every kind of bad line), and the check of
 * scanned records: coercions of numeric and boolean strings, integral
 * reals for int fields, rejections with their reasons and problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/kdd.h"
#include "record/schema.h"
#include "tap.h"

static char path[64];

/* Write text to a temporary schema file and load it. */
static struct schema *
load(const char *text, struct ad_err *err)
{
	int fd;
	FILE *fp;
	struct schema *sc;

	snprintf(path, sizeof(path), "/tmp/t-schema-XXXXXX");
	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	ad_err_clear(err);
	sc = schema_load(path, err);
	unlink(path);
	return sc;
}

static struct jscan js;
static struct schema_check ck;
static char why[256];

/* Scan line and check it against sc. */
static int
check(const struct schema *sc, const char *line)
{
	why[0] = '\0';
	if (jscan_object(&js, line, strlen(line)) != JSCAN_OK)
		return -2;
	return schema_check(sc, &js, &ck, why, sizeof(why));
}

/* The value written for the member called name, NUL-terminated. */
static const char *
value(const char *name)
{
	static char tmp[128];
	const char *v;
	size_t len;

	for (size_t k = 0; k < js.n; k++)
		if (js.m[k].keylen == strlen(name) &&
		    memcmp(js.m[k].key, name, js.m[k].keylen) == 0) {
			v = schema_value(&ck, &js, k, &len);
			snprintf(tmp, sizeof(tmp), "%.*s", (int)len, v);
			return tmp;
		}
	return "(absent)";
}

int
main(void)
{
	struct ad_err err;
	struct schema *kdd = schema_kdd(), *sc, *none = schema_none();
	int all;

	/* The built-in KDD schema. */
	ok(kdd->n == KDD_NCOLUMNS && kdd->n == 42, "KDD schema: 42 fields");
	all = 1;
	for (size_t i = 0; i < kdd->n; i++)
		if (!kdd->f[i].required || schema_lookup(kdd, kdd->f[i].name,
					       kdd->f[i].namelen) != (long)i)
			all = 0;
	ok(all, "every KDD field is required and found by name");
	ok(schema_lookup(kdd, "duration", 8) == 0 &&
		schema_lookup(kdd, "label", 5) == 41,
	    "duration is field 0, label field 41");
	ok(kdd->f[1].type == SCHEMA_STRING && kdd->f[0].type == SCHEMA_INT &&
		kdd->f[schema_lookup(kdd, "serror_rate", 11)].type ==
		    SCHEMA_NUMBER,
	    "protocol_type string, duration int, serror_rate number");
	ok(kdd->src_bytes == schema_lookup(kdd, "src_bytes", 9) &&
		kdd->dst_bytes == schema_lookup(kdd, "dst_bytes", 9) &&
		kdd->src_bytes >= 0 && kdd->dst_bytes >= 0,
	    "KDD: src_bytes and dst_bytes located");
	ok(schema_lookup(kdd, "src_byte", 8) == -1 &&
		schema_lookup(kdd, "src_bytes_", 10) == -1 &&
		schema_lookup(kdd, "", 0) == -1,
	    "near misses and '' are not fields");
	ok(none->none && schema_lookup(none, "x", 1) == -1 &&
		none->src_bytes == -1,
	    "schema_none: accepts anything, no fields");
	is_str(schema_type_name(SCHEMA_INT), "int", "type name int");
	is_str(schema_type_name(SCHEMA_BOOL), "bool", "type name bool");

	/* Schema files. */
	sc = load("# a metric record\n"
		  "\n"
		  "host   string\n"
		  "n\tint required   # trailing comment\n"
		  "rate   real   optional\n"
		  "up     boolean\n"
		  "src_bytes integer\n"
		  "dst_bytes string\r\n",
	    &err);
	ok(sc != NULL && sc->n == 6, "file: 6 fields (comments, blank, CRLF)");
	ok(sc && sc->f[0].type == SCHEMA_STRING && sc->f[0].required &&
		sc->f[1].type == SCHEMA_INT && sc->f[1].required &&
		sc->f[2].type == SCHEMA_NUMBER && !sc->f[2].required &&
		sc->f[3].type == SCHEMA_BOOL && sc->f[4].type == SCHEMA_INT,
	    "file: types and required/optional as written, aliases too");
	ok(sc && strcmp(sc->f[5].name, "dst_bytes") == 0 &&
		sc->src_bytes == 4 && sc->dst_bytes == -1,
	    "a string dst_bytes is not summed");
	schema_free(sc);
	ok(load("a int\nb flt\n", &err) == NULL && err.status == EX_CONFIG &&
		err.line == 2 &&
		strcmp(err.msg,
		    "unknown type 'flt' (int, number, string, bool)") == 0,
	    "unknown type: line 2, message (%s)", err.msg);
	ok(load("a\n", &err) == NULL && err.status == EX_CONFIG &&
		err.line == 1 &&
		strcmp(err.msg, "expected 'name type [required|optional]'") ==
		    0,
	    "one word: error");
	ok(load("a int required extra\n", &err) == NULL && err.line == 1,
	    "four words: error");
	ok(load("a int maybe\n", &err) == NULL &&
		strcmp(err.msg,
		    "expected 'required' or 'optional', got 'maybe'") == 0,
	    "bad third word: error (%s)", err.msg);
	ok(load("a int\n# x\na string\n", &err) == NULL && err.line == 3 &&
		strcmp(err.msg, "field 'a' given twice") == 0,
	    "duplicate field: line 3 (%s)", err.msg);
	ok(load("# only comments\n\n", &err) == NULL &&
		err.status == EX_CONFIG && strstr(err.msg, "no fields") != NULL,
	    "no fields: error (%s)", err.msg);
	ok(load("", &err) == NULL && strstr(err.msg, "no fields") != NULL,
	    "empty file: error");
	ad_err_clear(&err);
	ok(schema_load("/nonexistent/schema", &err) == NULL &&
		err.status == EX_NOINPUT &&
		strstr(err.msg, "cannot open '/nonexistent/schema'") != NULL,
	    "missing file: EX_NOINPUT (%s)", err.msg);
	schema_free(NULL);

	/* Many fields: the name table grows and still finds each. */
	{
		char big[200 * 16];
		size_t len = 0;

		for (int i = 0; i < 200; i++)
			len += (size_t)snprintf(
			    big + len, sizeof(big) - len, "f%d number\n", i);
		sc = load(big, &err);
		all = sc != NULL && sc->n == 200;
		for (int i = 0; all && i < 200; i++) {
			char name[8];
			int n = snprintf(name, sizeof(name), "f%d", i);

			if (schema_lookup(sc, name, (size_t)n) != i)
				all = 0;
		}
		ok(all, "200 fields: each found at its index");
		ok(sc && schema_lookup(sc, "f200", 4) == -1, "f200 is not one");
		schema_free(sc);
	}

	/* Checks against a file schema. */
	sc = load("host string\nn int\nrate number optional\nup bool "
		  "optional\nsrc_bytes int\n",
	    &err);
	jscan_init(&js);
	schema_check_init(&ck, sc);
	ok(check(sc, "{\"host\":\"h\",\"n\":3,\"src_bytes\":1}") == 0 &&
		ck.nedit == 0,
	    "good record: no edits");
	ok(check(sc,
	       "{\"extra\":\"NaN\",\"host\":\"h\",\"n\":3,\"src_bytes\":1}") ==
		0,
	    "unknown fields pass");
	ok(check(sc, "{\"host\":\"h\",\"n\":\"12\",\"src_bytes\":\" 7 \"}") ==
		    0 &&
		strcmp(value("n"), "12") == 0 &&
		strcmp(value("src_bytes"), "7") == 0 && ck.nedit == 2,
	    "numeric strings become numbers, blanks trimmed");
	ok(check(sc, "{\"host\":\"h\",\"n\":12.0,\"src_bytes\":1e3}") == 0 &&
		strcmp(value("n"), "12") == 0 &&
		strcmp(value("src_bytes"), "1000") == 0,
	    "integral reals become integers for int fields");
	ok(check(sc, "{\"host\":\"h\",\"n\":\"+5\",\"src_bytes\":\"-0\","
		     "\"rate\":\".5\"}") == 0 &&
		strcmp(value("n"), "5") == 0 &&
		strcmp(value("src_bytes"), "-0") == 0 &&
		strcmp(value("rate"), "0.5") == 0,
	    "'+5' -> 5, '-0' kept, '.5' -> 0.5");
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"rate\":\"5."
		     "\"}") == 0 &&
		strcmp(value("rate"), "5.0") == 0,
	    "'5.' -> 5.0");
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"rate\":\"2.50"
		     "\"}") == 0 &&
		strcmp(value("rate"), "2.50") == 0 &&
		strcmp(value("host"), "\"h\"") == 0,
	    "a JSON-form string number is kept as written; strings untouched");
	ok(check(sc,
	       "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"up\":\"true\"}") ==
		    0 &&
		strcmp(value("up"), "true") == 0,
	    "'true' -> true");
	ok(check(sc,
	       "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"up\":\"false\"}") ==
		    0 &&
		strcmp(value("up"), "false") == 0,
	    "'false' -> false");
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"rate\":null,"
		     "\"up\":null}") == 0,
	    "null in optional fields passes");

	/* Rejections. */
	ok(check(sc, "{\"n\":1,\"src_bytes\":1}") == -1 &&
		ck.problem == SCHEMA_MISSING &&
		strcmp(why, "missing field 'host'") == 0,
	    "missing required field (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":1}") == -1 &&
		strcmp(why, "missing field 'src_bytes'") == 0,
	    "missing the last field (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":\"abc\",\"src_bytes\":1}") == -1 &&
		ck.problem == SCHEMA_WRONG_TYPE &&
		strcmp(why, "field 'n': expected a number, got \"abc\"") == 0,
	    "non-numeric string (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":1.5,\"src_bytes\":1}") == -1 &&
		ck.problem == SCHEMA_WRONG_TYPE &&
		strcmp(why, "field 'n': expected an integer, got 1.5") == 0,
	    "1.5 for an int (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":\"2.5\",\"src_bytes\":1}") == -1 &&
		strcmp(why, "field 'n': expected an integer, got \"2.5\"") == 0,
	    "'2.5' for an int (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":\"NaN\",\"src_bytes\":1}") == -1 &&
		ck.problem == SCHEMA_NOT_FINITE &&
		strcmp(why, "field 'n': expected a finite number, got "
			    "\"NaN\"") == 0,
	    "'NaN' string: not finite (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"rate\":\"-"
		     "Infinity\"}") == -1 &&
		ck.problem == SCHEMA_NOT_FINITE,
	    "'-Infinity' string: not finite");
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"rate\":\"1e999"
		     "\"}") == -1 &&
		ck.problem == SCHEMA_NOT_FINITE,
	    "'1e999' string overflows: not finite (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":null,\"src_bytes\":1}") == -1 &&
		ck.problem == SCHEMA_WRONG_TYPE &&
		strcmp(why, "field 'n': expected a number, got null") == 0,
	    "null in a required field (%s)", why);
	ok(check(sc, "{\"host\":7,\"n\":1,\"src_bytes\":1}") == -1 &&
		strcmp(why, "field 'host': expected a string, got 7") == 0,
	    "number for a string (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"up\":1}") ==
		    -1 &&
		strcmp(why, "field 'up': expected a boolean, got 1") == 0,
	    "1 for a bool (%s)", why);
	ok(check(sc,
	       "{\"host\":\"h\",\"n\":1,\"src_bytes\":1,\"up\":\"True\"}") ==
		-1,
	    "'True' is not coerced");
	ok(check(sc, "{\"host\":\"h\",\"n\":\"\",\"src_bytes\":1}") == -1 &&
		strcmp(why, "field 'n': expected a number, got \"\"") == 0,
	    "empty string (%s)", why);
	ok(check(sc, "{\"host\":\"h\",\"n\":\"0x10\",\"src_bytes\":1}") == -1,
	    "hex is not a number");
	ok(check(sc, "{\"host\":\"h\",\"n\":\"1 2\",\"src_bytes\":1}") == -1,
	    "'1 2' is not a number");
	ok(check(sc, "{\"host\":\"h\",\"n\":\"99999999999999999999\","
		     "\"src_bytes\":1}") == -1 &&
		strstr(why, "expected an integer") != NULL,
	    "an int beyond int64 in a string (%s)", why);
	js.nested_ok = true;
	ok(check(sc, "{\"host\":\"h\",\"n\":{\"a\":1},\"src_bytes\":1}") ==
		    -1 &&
		strcmp(why, "field 'n': expected a number, got {\"a\":1}") == 0,
	    "an object for an int (%s)", why);
	ok(check(sc,
	       "{\"extra\":[1,2],\"host\":\"h\",\"n\":3,\"src_bytes\":1}") == 0,
	    "a nested unknown field passes");
	js.nested_ok = false;
	ok(check(sc, "{\"host\":\"h\",\"n\":\"1.0e2\",\"src_bytes\":1}") == 0 &&
		strcmp(value("n"), "100") == 0,
	    "'1.0e2' for an int -> 100");
	{
		char longv[200];

		snprintf(longv, sizeof(longv),
		    "{\"host\":\"%s\",\"n\":1,\"src_bytes\":true}",
		    "0123456789012345678901234567890123456789ABCDEF");
		ok(check(sc, longv) == -1 &&
			strcmp(why, "field 'src_bytes': expected a number, "
				    "got true") == 0,
		    "bool for an int (%s)", why);
		snprintf(longv, sizeof(longv),
		    "{\"host\":\"h\",\"n\":\"%s\",\"src_bytes\":1}",
		    "0123456789012345678901234567890123456789ABCDEF");
		ok(check(sc, longv) == -1 &&
			strcmp(why, "field 'n': expected a number, got "
				    "\"012345678901234567890123456789012345678"
				    "...") == 0,
		    "long value cut at 40 bytes (%s)", why);
	}
	/* The same shape again reuses the lookups, with a new result. */
	ok(check(sc, "{\"host\":\"a\",\"n\":\"1\",\"src_bytes\":2}") == 0 &&
		check(sc, "{\"host\":\"b\",\"n\":\"x\",\"src_bytes\":2}") ==
		    -1 &&
		check(sc, "{\"host\":\"c\",\"n\":4,\"src_bytes\":2}") == 0 &&
		ck.nedit == 0 && strcmp(value("n"), "4") == 0,
	    "same shape three times: each record judged on its own");
	ok(check(sc, "{\"src_bytes\":2,\"n\":\"9\",\"host\":\"d\"}") == 0 &&
		strcmp(value("n"), "9") == 0,
	    "another key order");
	schema_check_release(&ck);

	/* schema_none: anything. */
	schema_check_init(&ck, none);
	ok(check(none, "{}") == 0 && check(none, "{\"a\":\"NaN\"}") == 0 &&
		ck.nedit == 0,
	    "schema_none accepts anything, unchanged");
	schema_check_release(&ck);

	/* KDD: a full record with a numeric string. */
	schema_check_init(&ck, kdd);
	{
		char rec[2048];
		size_t len = 0;

		len += (size_t)snprintf(rec, sizeof(rec), "{");
		for (int i = 0; i < KDD_NCOLUMNS; i++)
			len += (size_t)snprintf(rec + len, sizeof(rec) - len,
			    "%s\"%s\":%s", i ? "," : "", kdd_columns[i].name,
			    kdd_columns[i].type == KDD_INT    ? "\"3\""
			    : kdd_columns[i].type == KDD_REAL ? "0.5"
							      : "\"x\"");
		snprintf(rec + len, sizeof(rec) - len, "}");
		ok(check(kdd, rec) == 0 && strcmp(value("src_bytes"), "3") == 0,
		    "full KDD record with int strings: coerced");
		ok(check(kdd, "{\"duration\":0}") == -1 &&
			ck.problem == SCHEMA_MISSING &&
			strcmp(why, "missing field 'protocol_type'") == 0,
		    "KDD record with one field: first missing (%s)", why);
	}
	schema_check_release(&ck);
	jscan_release(&js);
	schema_free(sc);
	schema_free(kdd);
	schema_free(none);
	return tap_done();
}
