/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * libFuzzer target: the anomaly windows file parser (lib/eval/windows).
 * Whatever the bytes, it either refuses them with a line inside the text
 * or returns keys in strictly increasing order, each with windows in
 * time order that do not overlap and end no earlier than they start,
 * every one of which windows_find() finds again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/windows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct windows ws;
	struct ad_err err;
	size_t lines = 1, total = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	ad_err_clear(&err);
	if (windows_parse(&ws, (const char *)data, size, "fuzz", &err) < 0) {
		if (err.status != EX_DATAERR || err.line < 1 ||
		    err.line > lines || ws.n != 0)
			abort();
		return 0;
	}
	for (size_t k = 0; k < ws.n; k++) {
		const struct windows_key *wk = &ws.keys[k];

		if (windows_find(&ws, wk->key, wk->keylen) != (long)k)
			abort();
		if (k > 0 && strcmp(ws.keys[k - 1].key, wk->key) >= 0 &&
		    ws.keys[k - 1].keylen == wk->keylen)
			abort();
		for (size_t i = 0; i < wk->n; i++) {
			if (wk->w[i].to < wk->w[i].from)
				abort();
			if (i > 0 && wk->w[i].from <= wk->w[i - 1].to)
				abort();
		}
		total += wk->n;
	}
	if (total != ws.nwindows)
		abort();
	windows_release(&ws);
	return 0;
}
