/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the CSV reader (lib/csvin over lib/source) and the
 * KDD row encoder, as kdd-gen uses them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/csvin.h"
#include "io/endpoint.h"
#include "record/kdd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct io_conf conf;
	struct ad_err err;
	struct source *src;
	struct csvin *in;
	struct csv_row row;
	struct buf out;
	FILE *fp;
	int rc;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz-csv.%d", (int)getpid());
	fp = fopen(path, "wb");
	fwrite(data, 1, size, fp);
	fclose(fp);
	io_conf_init(&conf, "fuzz");
	conf.max_line = 4096;
	buf_init(&out);
	if ((src = source_open(path, &conf, &err)) != NULL) {
		in = csvin_new(src);
		while ((rc = csvin_next(in, &row, &err)) != 0) {
			char why[300];

			if (rc < 0) {
				if (rc == -2)
					break;
				continue;
			}
			buf_reset(&out);
			kdd_row_to_json(&out, row.field, row.len, row.nfields,
			    why, sizeof(why));
		}
		csvin_free(in);
		source_close(src);
	}
	buf_release(&out);
	io_conf_release(&conf);
	return 0;
}
