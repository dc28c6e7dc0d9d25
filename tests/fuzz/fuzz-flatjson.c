/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the fast flat-record scanner, checked against
 * jansson.  Whatever flatjson_scan() accepts, jansson must accept too,
 * with the same number of fields, and its numbers must convert to the
 * same doubles.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flatjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flatjson_field fl[256];
	int n = flatjson_scan((const char *)data, size, fl, 256);
	json_error_t e;
	json_t *v;

	if (n < 0)
		return 0;
	v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (v == NULL || !json_is_object(v) || json_object_size(v) != (size_t)n)
		abort();
	for (int i = 0; i < n; i++) {
		char key[1024];
		json_t *jv;
		double d;

		if (fl[i].keylen >= sizeof(key))
			continue;
		memcpy(key, fl[i].key, fl[i].keylen);
		key[fl[i].keylen] = '\0';
		jv = json_object_get(v, key);
		if (jv == NULL)
			abort();
		if (fl[i].type == FLATJSON_NUMBER) {
			flatjson_number(fl[i].val, fl[i].vallen, &d);
			if (!json_is_number(jv) || d != json_number_value(jv))
				abort();
		}
	}
	json_decref(v);
	return 0;
}
