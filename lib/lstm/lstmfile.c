/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Encoding and decoding of the ad-forecast model payload (layout in
 * lstmfile.h).  The decoder trusts nothing: every length is checked
 * against what is left, every real must be finite, every index in range,
 * and nothing may follow the last key.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "lstm/lstmfile.h"
#include "io/modelfile.h"
#include "base/wire.h"

#define MAX_WINDOW 100000
#define MAX_HIDDEN 4096

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct lstmfile_key *)a)->name,
	    ((const struct lstmfile_key *)b)->name);
}

/* Sort the keys by name, as lstmfile_find_key() and the file expect. */
void
lstmfile_sort(struct lstmfile *m)
{
	qsort(m->keys, m->nkeys, sizeof(*m->keys), cmp_key);
}

/*
 * Write the model to path atomically.  Returns 0, or -1 with err set
 * (EX_CANTCREAT, EX_IOERR).
 */
int
lstmfile_write(const char *path, const struct lstmfile *m, struct ad_err *err)
{
	struct buf b;
	size_t np = lstm_nparam(m->hidden);
	int rc;

	buf_init(&b);
	wire_put_u32(&b, LSTMFILE_VERSION);
	wire_put_u32(&b, (uint32_t)m->window);
	wire_put_u32(&b, (uint32_t)m->hidden);
	wire_put_u32(&b, m->shared ? 1 : 0);
	wire_put_u32(&b, (uint32_t)m->nnets);
	wire_put_u32(&b, (uint32_t)m->nkeys);
	wire_put_str(&b, m->id_field);
	wire_put_str(&b, m->time_field);
	wire_put_str(&b, m->value_field);
	for (size_t n = 0; n < m->nnets; n++)
		for (size_t i = 0; i < np; i++) {
			uint32_t v;

			memcpy(&v, &m->nets[n]->p[i], 4);
			wire_put_u32(&b, v);
		}
	for (size_t k = 0; k < m->nkeys; k++) {
		const struct lstmfile_key *key = &m->keys[k];

		wire_put_str(&b, key->name);
		wire_put_f64(&b, key->min);
		wire_put_f64(&b, key->max);
		wire_put_u32(&b, (uint32_t)key->net);
		wire_put_f64(&b, key->err_mean);
		wire_put_f64(&b, key->err_sd);
		wire_put_u64(&b, key->points);
	}
	rc = modelfile_write(path, LSTMFILE_KIND, b.data, b.len, err);
	buf_release(&b);
	return rc;
}

static struct lstmfile *
corrupt(
    struct lstmfile *m, struct ad_err *err, const char *name, const char *what)
{
	ad_err_set(err, EX_DATAERR, "'%s': corrupt lstm model: %s", name, what);
	lstmfile_free(m);
	return NULL;
}

/*
 * Decode a payload read from name.  Returns a new model (caller frees with
 * lstmfile_free()), or NULL with err set (EX_DATAERR).
 */
struct lstmfile *
lstmfile_parse(
    const void *payload, size_t len, const char *name, struct ad_err *err)
{
	struct wire r;
	struct lstmfile *m = xcalloc(1, sizeof(*m));
	uint32_t version, flags;
	size_t np, unused = 0;
	bool *used;

	wire_init(&r, payload, len);
	if ((version = wire_u32(&r)) != LSTMFILE_VERSION && !r.bad) {
		ad_err_set(err, EX_DATAERR,
		    "'%s': lstm model version %u, this program reads %d", name,
		    version, LSTMFILE_VERSION);
		lstmfile_free(m);
		return NULL;
	}
	m->window = wire_u32(&r);
	m->hidden = wire_u32(&r);
	flags = wire_u32(&r);
	m->nnets = wire_u32(&r);
	m->nkeys = wire_u32(&r);
	if (r.bad)
		return corrupt(m, err, name, "short header");
	if (m->window < 1 || m->window > MAX_WINDOW || m->hidden < 1 ||
	    m->hidden > MAX_HIDDEN || flags > 1 || m->nnets < 1 || m->nkeys < 1)
		return corrupt(m, err, name, "bad sizes in the header");
	m->shared = flags & 1;
	m->id_field = wire_str(&r);
	m->time_field = wire_str(&r);
	m->value_field = wire_str(&r);
	if (r.bad)
		return corrupt(m, err, name, "bad field names");
	np = lstm_nparam(m->hidden);
	if (m->nnets > (size_t)(r.end - r.p) / (np * 4))
		return corrupt(m, err, name, "truncated weights");
	m->nets = xcalloc(m->nnets, sizeof(*m->nets));
	for (size_t n = 0; n < m->nnets; n++) {
		struct lstm *net = m->nets[n] = lstm_new(m->hidden);

		for (size_t i = 0; i < np; i++) {
			uint32_t v = wire_u32(&r);

			memcpy(&net->p[i], &v, 4);
			if (!isfinite(net->p[i]))
				return corrupt(
				    m, err, name, "weight not finite");
		}
		lstm_sync(net);
	}
	if (m->nkeys > (size_t)(r.end - r.p) / 48)
		return corrupt(m, err, name, "truncated key table");
	if (m->shared && m->nnets != 1)
		return corrupt(
		    m, err, name, "a shared model with several networks");
	m->keys = xcalloc(m->nkeys, sizeof(*m->keys));
	for (size_t k = 0; k < m->nkeys; k++) {
		struct lstmfile_key *key = &m->keys[k];

		key->name = wire_str(&r);
		key->min = wire_f64(&r);
		key->max = wire_f64(&r);
		key->net = wire_u32(&r);
		key->err_mean = wire_f64(&r);
		key->err_sd = wire_f64(&r);
		key->points = wire_u64(&r);
		if (r.bad)
			return corrupt(m, err, name, "truncated key table");
		if (!isfinite(key->min) || !isfinite(key->max) ||
		    key->min > key->max || key->net >= m->nnets ||
		    !isfinite(key->err_mean) || !isfinite(key->err_sd) ||
		    key->err_sd < 0)
			return corrupt(m, err, name, "bad key entry");
		if (k > 0 && strcmp(m->keys[k - 1].name, key->name) >= 0)
			return corrupt(m, err, name, "keys out of order");
		/* training needs a window and its target from every key */
		if (key->points < (uint64_t)m->window + 1)
			return corrupt(m, err, name,
			    "a key has fewer points than the header's window");
	}
	used = xcalloc(m->nnets, sizeof(*used));
	for (size_t k = 0; k < m->nkeys; k++)
		used[m->keys[k].net] = true;
	for (size_t n = 0; n < m->nnets; n++)
		unused += !used[n];
	free(used);
	if (unused > 0)
		return corrupt(m, err, name, "a network no key uses");
	if (r.p != r.end)
		return corrupt(m, err, name, "bytes after the key table");
	return m;
}

/*
 * Read and check the model at path.  Returns a new model, or NULL with err
 * set (EX_NOINPUT: cannot open; EX_DATAERR: not a sound lstm model).
 */
struct lstmfile *
lstmfile_read(const char *path, struct ad_err *err)
{
	size_t len;
	void *payload = modelfile_read(path, LSTMFILE_KIND, &len, err);
	struct lstmfile *m;

	if (payload == NULL)
		return NULL;
	m = lstmfile_parse(payload, len, path, err);
	free(payload);
	return m;
}

/* The entry for a key, or NULL; borrowed from m. */
const struct lstmfile_key *
lstmfile_find_key(const struct lstmfile *m, const char *name)
{
	struct lstmfile_key want = {.name = (char *)name};

	return bsearch(&want, m->keys, m->nkeys, sizeof(*m->keys), cmp_key);
}

/* Free a model; NULL is a no-op. */
void
lstmfile_free(struct lstmfile *m)
{
	if (m == NULL)
		return;
	for (size_t n = 0; m->nets != NULL && n < m->nnets; n++)
		lstm_free(m->nets[n]);
	for (size_t k = 0; m->keys != NULL && k < m->nkeys; k++)
		free(m->keys[k].name);
	free(m->nets);
	free(m->keys);
	free(m->id_field);
	free(m->time_field);
	free(m->value_field);
	free(m);
}
