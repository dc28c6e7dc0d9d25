/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/kddsynth: every record is a valid KDD row (it goes
 * through kdd_row_to_json), integers are bare non-negative integers and
 * rates have two decimals within [0, 1], labels end in '.', attacks come
 * in bursts at about a quarter of the records, several families occur,
 * and the same seed gives the same records.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "record/kddsynth.h"
#include "tap.h"

#define N 100000

static bool
is_rate(const char *s, size_t n)
{
	return n == 4 && s[1] == '.' && isdigit((unsigned char)s[2]) &&
	       isdigit((unsigned char)s[3]) &&
	       ((s[0] == '0') || (s[0] == '1' && s[2] == '0' && s[3] == '0'));
}

static bool
is_uint(const char *s, size_t n)
{
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int
main(void)
{
	struct kddsynth g, h;
	struct buf b;
	char why[256], labels[16][32];
	size_t nlabels = 0, attacks = 0, bursts = 0, bad = 0, badfmt = 0;
	bool prev_attack = false;
	int same;

	buf_init(&b);
	kddsynth_init(&g, 1);
	for (size_t i = 0; i < N; i++) {
		const char *lab;
		bool attack, known = false;

		kddsynth_next(&g);
		buf_reset(&b);
		if (kdd_row_to_json(&b, g.field, g.len, KDD_NCOLUMNS, why,
			sizeof(why)) < 0) {
			if (bad++ == 0)
				printf("# row %zu: %s\n", i, why);
		}
		for (int c = 0; c < KDD_NCOLUMNS; c++) {
			const char *s = g.field[c];

			if (g.len[c] != strlen(s))
				badfmt++;
			else if (kdd_columns[c].type == KDD_INT &&
				 !is_uint(s, g.len[c]))
				badfmt++;
			else if (kdd_columns[c].type == KDD_REAL &&
				 !is_rate(s, g.len[c]))
				badfmt++;
		}
		lab = g.field[KDD_LABEL_COLUMN];
		if (g.len[KDD_LABEL_COLUMN] < 2 ||
		    lab[g.len[KDD_LABEL_COLUMN] - 1] != '.')
			badfmt++;
		attack = strcmp(lab, "normal.") != 0;
		attacks += attack;
		bursts += attack && !prev_attack;
		prev_attack = attack;
		for (size_t k = 0; k < nlabels; k++)
			if (strcmp(labels[k], lab) == 0)
				known = true;
		if (!known && nlabels < 16)
			snprintf(
			    labels[nlabels++], sizeof(labels[0]), "%s", lab);
	}
	ok(bad == 0, "100000 records: all valid KDD rows");
	ok(badfmt == 0,
	    "integers bare and non-negative, rates 0.00..1.00, labels end "
	    "in '.' (%zu bad fields)",
	    badfmt);
	ok(attacks > N / 10 && attacks < N / 2,
	    "attacks about a quarter: %zu of %d", attacks, N);
	ok(bursts > 50 && attacks / bursts >= 10,
	    "attacks come in bursts: %zu bursts, %zu records each on average",
	    bursts, bursts ? attacks / bursts : 0);
	ok(nlabels >= 8, "at least 8 labels seen (%zu)", nlabels);

	/* Determinism. */
	kddsynth_init(&g, 42);
	kddsynth_init(&h, 42);
	same = 1;
	for (int i = 0; i < 5000 && same; i++) {
		kddsynth_next(&g);
		kddsynth_next(&h);
		for (int c = 0; c < KDD_NCOLUMNS; c++)
			if (g.len[c] != h.len[c] ||
			    memcmp(g.field[c], h.field[c], g.len[c]) != 0)
				same = 0;
	}
	ok(same, "seed 42 twice: the same 5000 records");
	kddsynth_init(&h, 43);
	kddsynth_init(&g, 42);
	same = 1;
	for (int i = 0; i < 50; i++) {
		kddsynth_next(&g);
		kddsynth_next(&h);
		for (int c = 0; c < KDD_NCOLUMNS; c++)
			if (g.len[c] != h.len[c] ||
			    memcmp(g.field[c], h.field[c], g.len[c]) != 0)
				same = 0;
	}
	ok(!same, "seeds 42 and 43 differ");
	buf_release(&b);
	return tap_done();
}
