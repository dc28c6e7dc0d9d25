/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the LSTM model loader.  The input is a model payload
 * (what follows the model file header); lstmfile_parse() must accept it
 * or refuse it with a message, never fault, and a model it accepts must
 * look up keys safely.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lstm/lstmfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ad_err err;
	struct lstmfile *m;

	ad_err_clear(&err);
	m = lstmfile_parse(data, size, "fuzz", &err);
	if (m != NULL) {
		(void)lstmfile_find_key(m, "m");
		(void)lstmfile_find_key(m, "");
		lstmfile_free(m);
	}
	return 0;
}
