/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the NDJSON line reader and parser.  The input is
 * written to a file and read through lib/source (line splitting, the
 * length limit, gzip detection) and lib/ndjson (parse, then dump again).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/endpoint.h"
#include "io/ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct io_conf conf;
	struct ad_err err;
	struct source *src;
	struct line line;
	struct buf out;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(
		    path, sizeof(path), "/tmp/fuzz-ndjson.%d", (int)getpid());
	fp = fopen(path, "wb");
	fwrite(data, 1, size, fp);
	fclose(fp);
	io_conf_init(&conf, "fuzz");
	conf.max_line = 4096;
	buf_init(&out);
	if ((src = source_open(path, &conf, &err)) != NULL) {
		while (source_next(src, &line, &err) == 1) {
			char why[300];
			json_t *v =
			    ndjson_parse(line.buf, line.len, why, sizeof(why));

			if (v != NULL) {
				buf_reset(&out);
				ndjson_dump(&out, v);
				json_decref(v);
			}
		}
		source_close(src);
	}
	buf_release(&out);
	io_conf_release(&conf);
	return 0;
}
