/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A streaming loop run over NDJSON text in a file, its output records
 * read back as JSON, for the unit tests of the run loops.
 */
#ifndef TPIPE_H
#define TPIPE_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "base/ad.h"
#include "io/io.h"
#include "io/recin.h"
#include "io/sink.h"
#include "tfiles.h"

/* The loop under test: records from in to sk. */
typedef int (*tpipe_fn)(
    void *arg, struct recin *in, struct sink *sk, struct ad_err *err);

/*
 * fn(arg) over text in dir/in.ndjson, writing dir/out.ndjson, as prog;
 * its result, the output records in *out (new), the count of rejected
 * input lines in *rejected.
 */
static inline int
tpipe_run(const char *dir, const char *prog, const char *text, tpipe_fn fn,
    void *arg, json_t **out, size_t *rejected)
{
	char in_path[300], out_path[300], line[1000];
	char *operands[1] = {in_path};
	struct io_conf io;
	struct recin *in;
	struct sink *sk;
	struct ad_err err;
	json_error_t je;
	FILE *fp;
	int rc;

	snprintf(in_path, sizeof(in_path), "%s/in.ndjson", dir);
	snprintf(out_path, sizeof(out_path), "%s/out.ndjson", dir);
	write_file(in_path, text);
	io_conf_init(&io, prog);
	ad_err_clear(&err);
	in = recin_new(operands, 1, &io, NULL, false, &err);
	sk = sink_open(out_path, &io, &err);
	rc = fn(arg, in, sk, &err);
	sink_close(sk, &err);
	*rejected = recin_reject_count(in);
	recin_free(in);
	io_conf_release(&io);
	*out = json_array();
	fp = fopen(out_path, "r");
	while (fgets(line, sizeof(line), fp) != NULL)
		json_array_append_new(*out, json_loads(line, 0, &je));
	fclose(fp);
	return rc;
}

/* The number field of record i of a, NAN if none. */
static inline double
num(json_t *a, size_t i, const char *field)
{
	json_t *v = json_object_get(json_array_get(a, i), field);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

#endif
