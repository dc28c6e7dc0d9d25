/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/* Unit tests for lib/modelfile: round trip and every kind of damage. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/modelfile.h"
#include "tap.h"

int
main(void)
{
	char path[64], payload[1000];
	struct ad_err e;
	size_t len, size;
	char *p, *data;
	FILE *f;
	int all_refused = 1;

	snprintf(path, sizeof(path), "/tmp/t-modelfile.%d", (int)getpid());
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (char)(i * 7);
	ok(modelfile_write(path, "forest", payload, sizeof(payload), &e) == 0,
	    "write");
	p = modelfile_read(path, "forest", &len, &e);
	ok(p != NULL && len == sizeof(payload) && memcmp(p, payload, len) == 0,
	    "read back the same payload");
	free(p);
	ok(modelfile_read(path, "lstm", &len, &e) == NULL &&
		e.status == EX_DATAERR &&
		strstr(e.msg, "a 'forest' model") != NULL,
	    "wrong kind refused: %s", e.msg);

	f = fopen(path, "rb");
	data = malloc(4096);
	size = fread(data, 1, 4096, f);
	fclose(f);
	for (int tenth = 0; tenth < 10; tenth++) {
		size_t cut = size * (size_t)tenth / 10;

		all_refused &= modelfile_parse(data, cut, "m", "forest", &len,
				   &e) == NULL &&
			       e.status == EX_DATAERR;
	}
	ok(all_refused, "truncated at every tenth: refused");
	data[500] ^= 1;
	ok(modelfile_parse(data, size, "m", "forest", &len, &e) == NULL &&
		strstr(e.msg, "checksum") != NULL,
	    "flipped byte: checksum mismatch");
	data[500] ^= 1;
	data[8] = 9;
	ok(modelfile_parse(data, size, "m", "forest", &len, &e) == NULL &&
		strstr(e.msg, "version 9") != NULL,
	    "wrong version refused: %s", e.msg);
	ok(modelfile_parse("hello world, not a model at all", 31, "m", "forest",
	       &len, &e) == NULL &&
		strstr(e.msg, "not an adpipe model") != NULL,
	    "other file refused");
	ok(modelfile_read("/nonexistent/m", "forest", &len, &e) == NULL &&
		e.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT");
	ok(modelfile_write("/nonexistent/dir/m", "forest", payload, 10, &e) <
		    0 &&
		e.status == EX_CANTCREAT,
	    "uncreatable: EX_CANTCREAT");
	free(data);
	unlink(path);
	return tap_done();
}
