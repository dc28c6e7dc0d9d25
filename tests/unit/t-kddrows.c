/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/kddrows: rows of 42 fields stored and read back
 * byte for byte (empty fields, long fields), their file indices, and a
 * table grown well past its first allocation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "record/kddrows.h"
#include "tap.h"

int
main(void)
{
	struct kddrows t;
	char text[KDD_NCOLUMNS][40], *field[KDD_NCOLUMNS], *got[KDD_NCOLUMNS];
	size_t len[KDD_NCOLUMNS], glen[KDD_NCOLUMNS];
	char longf[5000];
	int all;

	kddrows_init(&t);
	ok(t.n == 0, "empty table");
	for (int i = 0; i < KDD_NCOLUMNS; i++) {
		len[i] = (size_t)snprintf(text[i], sizeof(text[i]), "f%d", i);
		field[i] = text[i];
	}
	len[3] = 0; /* an empty field */
	kddrows_add(&t, field, len, 17);
	kddrows_get(&t, 0, got, glen);
	all = 1;
	for (int i = 0; i < KDD_NCOLUMNS; i++)
		if (glen[i] != len[i] ||
		    memcmp(got[i], field[i], len[i]) != 0 ||
		    got[i][glen[i]] != '\0')
			all = 0;
	ok(all, "one row: 42 fields back, NUL-terminated, empty field empty");
	ok(t.n == 1 && t.index[0] == 17, "its file index 17");

	/* Only len bytes of each field are taken. */
	len[0] = 1;
	memset(longf, 'L', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	field[41] = longf;
	len[41] = sizeof(longf) - 1;
	kddrows_add(&t, field, len, 0);
	kddrows_get(&t, 1, got, glen);
	ok(glen[0] == 1 && strcmp(got[0], "f") == 0 && glen[41] == 4999 &&
		got[41][0] == 'L',
	    "field cut at its len; a 4999-byte field");
	field[41] = text[41];
	len[0] = 2;
	len[41] = strlen(text[41]);

	/* 10000 rows: each keeps its own content. */
	for (size_t r = 2; r < 10000; r++) {
		len[5] =
		    (size_t)snprintf(text[5], sizeof(text[5]), "row%zu", r);
		kddrows_add(&t, field, len, r * 3);
	}
	all = t.n == 10000;
	for (size_t r = 2; all && r < 10000; r++) {
		char want[40];

		snprintf(want, sizeof(want), "row%zu", r);
		kddrows_get(&t, r, got, glen);
		if (strcmp(got[5], want) != 0 || t.index[r] != r * 3 ||
		    strcmp(got[40], "f40") != 0 || glen[3] != 0)
			all = 0;
	}
	ok(all, "10000 rows: contents and indices intact after growth");
	kddrows_get(&t, 0, got, glen);
	ok(strcmp(got[5], "f5") == 0 && strcmp(got[0], "f0") == 0,
	    "the first row unchanged");
	kddrows_release(&t);
	ok(t.n == 0 && t.start == NULL, "release: empty");
	return tap_done();
}
