/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/lstmfile: a model written and read back bit for bit
 * (header, field names, every weight, the key table), key lookup by name
 * after sorting, and the decoder refusing each kind of damage with its
 * reason: truncation anywhere, another version, bad header sizes, a
 * non-finite weight, bad key entries, keys out of order or repeated, and
 * bytes after the key table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/modelfile.h"
#include "lstm/lstm.h"
#include "lstm/lstmfile.h"
#include "tap.h"

static struct lstmfile *
make(void)
{
	struct lstmfile *m = xcalloc(1, sizeof(*m));
	const char *names[] = {"mem.b", "cpu.a", "disk"};

	m->window = 5;
	m->hidden = 3;
	m->shared = false;
	m->id_field = xstrdup("id");
	m->time_field = xstrdup("ts");
	m->value_field = xstrdup("value");
	m->nnets = 2;
	m->nets = xcalloc(2, sizeof(*m->nets));
	for (int n = 0; n < 2; n++) {
		m->nets[n] = lstm_new(3);
		lstm_init_params(m->nets[n], (uint64_t)n + 1);
	}
	m->nkeys = 3;
	m->keys = xcalloc(3, sizeof(*m->keys));
	for (int k = 0; k < 3; k++) {
		m->keys[k].name = xstrdup(names[k]);
		m->keys[k].min = -k;
		m->keys[k].max = 10.5 * (k + 1);
		m->keys[k].net = (size_t)k % 2;
		m->keys[k].err_mean = 0.01 * k;
		m->keys[k].err_sd = 0.1 + k;
		m->keys[k].points = 1000 + (uint64_t)k;
	}
	lstmfile_sort(m);
	return m;
}

static unsigned char *payload;
static size_t plen;
static struct ad_err err;

/* Parse a copy of the payload with byte at off set to v (off < 0: none). */
static const char *
damaged(long off, unsigned char v, size_t len)
{
	unsigned char *c = malloc(len ? len : 1);
	struct lstmfile *m;

	memcpy(c, payload, len < plen ? len : plen);
	if (len > plen)
		memset(c + plen, 0, len - plen);
	if (off >= 0)
		c[off] = v;
	ad_err_clear(&err);
	m = lstmfile_parse(c, len, "f", &err);
	free(c);
	if (m != NULL) {
		lstmfile_free(m);
		return "(accepted)";
	}
	return err.msg;
}

int
main(void)
{
	char dir[] = "/tmp/t-lstmfile-XXXXXX", path[300];
	struct lstmfile *m = make(), *r;
	const struct lstmfile_key *k;
	size_t np = lstm_nparam(3), keys_at;
	int all;

	ok(strcmp(m->keys[0].name, "cpu.a") == 0 &&
		strcmp(m->keys[2].name, "mem.b") == 0,
	    "sort: keys by name");
	k = lstmfile_find_key(m, "disk");
	ok(k != NULL && k->points == 1002 &&
		lstmfile_find_key(m, "dis") == NULL &&
		lstmfile_find_key(m, "zzz") == NULL,
	    "lookup by name");

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/m.lstm", dir);
	ok(lstmfile_write(path, m, &err) == 0, "write");
	r = lstmfile_read(path, &err);
	ok(r != NULL && r->window == 5 && r->hidden == 3 && !r->shared &&
		r->nnets == 2 && r->nkeys == 3 &&
		strcmp(r->id_field, "id") == 0 &&
		strcmp(r->time_field, "ts") == 0 &&
		strcmp(r->value_field, "value") == 0,
	    "read: header and field names");
	all = r != NULL;
	for (size_t n = 0; all && n < 2; n++)
		if (memcmp(r->nets[n]->p, m->nets[n]->p, np * sizeof(float)) !=
		    0)
			all = 0;
	ok(all, "every weight of both nets bit for bit (%zu each)", np);
	all = r != NULL;
	for (size_t i = 0; all && i < 3; i++)
		if (strcmp(r->keys[i].name, m->keys[i].name) != 0 ||
		    r->keys[i].min != m->keys[i].min ||
		    r->keys[i].max != m->keys[i].max ||
		    r->keys[i].net != m->keys[i].net ||
		    r->keys[i].err_mean != m->keys[i].err_mean ||
		    r->keys[i].err_sd != m->keys[i].err_sd ||
		    r->keys[i].points != m->keys[i].points)
			all = 0;
	ok(all, "the key table");
	lstmfile_free(r);

	payload = modelfile_read(path, LSTMFILE_KIND, &plen, &err);
	ok(payload != NULL, "payload");
	all = 1;
	for (size_t n = 0; n < plen; n++)
		if (strcmp(damaged(-1, 0, n), "(accepted)") == 0 ||
		    err.status != EX_DATAERR)
			all = 0;
	ok(all, "each of %zu truncations refused with EX_DATAERR", plen);
	is_str(damaged(-1, 0, plen + 1),
	    "'f': corrupt lstm model: bytes after the key table",
	    "a trailing byte");
	is_str(damaged(0, 2, plen),
	    "'f': lstm model version 2, this program "
	    "reads 1",
	    "version 2");
	is_str(damaged(4, 0, plen),
	    "'f': corrupt lstm model: bad sizes in "
	    "the header",
	    "window 0");
	is_str(damaged(12, 2, plen),
	    "'f': corrupt lstm model: bad sizes in "
	    "the header",
	    "flags 2");
	is_str(damaged(20, 0, plen),
	    "'f': corrupt lstm model: bad sizes in "
	    "the header",
	    "no keys");
	is_str(damaged(16, 9, plen),
	    "'f': corrupt lstm model: truncated "
	    "weights",
	    "9 nets announced");
	{
		/* header 24 bytes, names 4+2 + 4+2 + 4+5: weights at 45;
		 * make weight 0 of net 1 an exact +inf */
		unsigned char *c = malloc(plen);
		size_t at = 45 + np * 4;
		struct lstmfile *x;

		memcpy(c, payload, plen);
		c[at] = 0;
		c[at + 1] = 0;
		c[at + 2] = 0x80;
		c[at + 3] = 0x7f;
		x = lstmfile_parse(c, plen, "f", &err);
		ok(x == NULL &&
			strcmp(err.msg, "'f': corrupt lstm model: weight not "
					"finite") == 0,
		    "+inf in the second net: refused, first net freed");
		lstmfile_free(x);
		free(c);
	}
	keys_at = 45 + 2 * np * 4;
	/* key 0: u32 len 5, "cpu.a", f64 min (-1), f64 max, u32 net, ... */
	is_str(damaged((long)keys_at + 9 + 7, 0x7f, plen),
	    "'f': corrupt lstm model: bad key entry",
	    "min -1 turned into +inf");
	is_str(damaged((long)keys_at + 9 + 16, 2, plen),
	    "'f': corrupt lstm model: bad key entry", "net index 2 of 2");
	is_str(damaged((long)keys_at + 9 + 20 + 8 + 7, 0x80, plen),
	    "'f': corrupt lstm model: bad key entry", "negative err_sd");
	is_str(damaged((long)keys_at + 4, 'z', plen),
	    "'f': corrupt lstm model: keys out of order",
	    "first key renamed 'zpu.a'");
	{
		/* the second key, "disk", starts 53 bytes after the first */
		size_t k2 = keys_at + 4 + 5 + 44;

		is_str(damaged((long)k2 + 4, 'a', plen),
		    "'f': corrupt lstm model: keys out of order",
		    "second key renamed 'aisk'");
	}
	/* every header field agrees with the payload */
	is_str(damaged(6, 1, plen),
	    "'f': corrupt lstm model: a key has fewer points than the "
	    "header's window",
	    "window 65541 on keys of 1000 points");
	is_str(damaged(12, 1, plen),
	    "'f': corrupt lstm model: a shared model with several networks",
	    "shared flag on a model of 2 nets");
	is_str(damaged((long)keys_at + 9 + 16, 0, plen),
	    "'f': corrupt lstm model: a network no key uses",
	    "cpu.a moved from net 1 to net 0");
	free(payload);

	ok(lstmfile_read("/nonexistent/m.lstm", &err) == NULL &&
		err.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT");
	lstmfile_free(m);
	lstmfile_free(NULL);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
