/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Model container I/O.  Reading checks, in order: the magic, the
 * container version, the kind, the length and the checksum, and says
 * which failed, so that "truncated", "corrupt" and "not a model" are told
 * apart.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/atomicfile.h"
#include "io/modelfile.h"

static const char magic[8] = {'A', 'D', 'P', 'I', 'P', 'E', 'M', 'F'};

static void
put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get_u32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Write payload as a model of the given kind to path, atomically: a
 * temporary file in the same directory is written, synced and renamed over
 * path.  Returns 0, or -1 with err set (EX_CANTCREAT, or EX_IOERR when a
 * write fails, e.g. on a full disk); no file is left behind on failure.
 */
int
modelfile_write(const char *path, const char *kind, const void *payload,
    size_t len, struct ad_err *err)
{
	unsigned char head[MODELFILE_HEADER], tail[4];
	struct atomicfile_part parts[3] = {
	    {head, sizeof(head)}, {payload, len}, {tail, sizeof(tail)}};
	uLong crc;

	memset(head, 0, sizeof(head));
	memcpy(head, magic, 8);
	put_u32(head + 8, MODELFILE_VERSION);
	strncpy((char *)head + 12, kind, 16);
	put_u64(head + 28, len);
	crc = crc32(0L, head, sizeof(head));
	crc = crc32_z(crc, payload, len);
	put_u32(tail, (uint32_t)crc);
	return atomicfile_write(path, parts, 3, err);
}

/*
 * Check a container held in memory (size bytes read from name) and return
 * a new copy of its payload (caller frees) with *len set, or NULL with err
 * set (EX_DATAERR) saying what is wrong.
 */
void *
modelfile_parse(const void *data, size_t size, const char *name,
    const char *kind, size_t *len, struct ad_err *err)
{
	const unsigned char *d = data;
	char filekind[17];
	uint64_t plen;
	uint32_t version;
	void *payload;

	if (size == 0) {
		ad_err_set(
		    err, EX_DATAERR, "'%s': empty file, not a model", name);
		return NULL;
	}
	if (size < 8 || memcmp(d, magic, 8) != 0) {
		ad_err_set(
		    err, EX_DATAERR, "'%s': not an adpipe model file", name);
		return NULL;
	}
	if (size < MODELFILE_HEADER) {
		ad_err_set(
		    err, EX_DATAERR, "'%s': truncated model header", name);
		return NULL;
	}
	version = get_u32(d + 8);
	if (version != MODELFILE_VERSION) {
		ad_err_set(err, EX_DATAERR,
		    "'%s': model container version %u, this program reads %d",
		    name, version, MODELFILE_VERSION);
		return NULL;
	}
	memcpy(filekind, d + 12, 16);
	filekind[16] = '\0';
	if (strcmp(filekind, kind) != 0) {
		ad_err_set(err, EX_DATAERR, "'%s': a '%s' model, expected '%s'",
		    name, filekind, kind);
		return NULL;
	}
	plen = get_u64(d + 28);
	if (plen > size || size - MODELFILE_HEADER - 4 != plen) {
		ad_err_set(err, EX_DATAERR,
		    "'%s': truncated or padded model (%zu bytes, expected "
		    "%llu)",
		    name, size,
		    (unsigned long long)plen + MODELFILE_HEADER + 4);
		return NULL;
	}
	if ((uint32_t)crc32_z(crc32(0L, Z_NULL, 0), d, size - 4) !=
	    get_u32(d + size - 4)) {
		ad_err_set(err, EX_DATAERR,
		    "'%s': checksum mismatch, corrupt model", name);
		return NULL;
	}
	payload = xmalloc((size_t)plen);
	memcpy(payload, d + MODELFILE_HEADER, (size_t)plen);
	*len = (size_t)plen;
	return payload;
}

/*
 * Read the model of the given kind at path.  Returns its payload (caller
 * frees) with *len set, or NULL with err set: EX_NOINPUT when the file
 * cannot be opened, EX_DATAERR when it is not a sound model of that kind.
 */
void *
modelfile_read(
    const char *path, const char *kind, size_t *len, struct ad_err *err)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t size = 0, cap = 0, n;
	void *payload;

	if (fp == NULL) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	do {
		if (cap - size < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			data = xrealloc(data, cap);
		}
		n = fread(data + size, 1, cap - size, fp);
		size += n;
	} while (n > 0);
	if (ferror(fp)) {
		ad_err_set(err, EX_IOERR, "cannot read '%s': %s", path,
		    strerror(errno));
		fclose(fp);
		free(data);
		return NULL;
	}
	fclose(fp);
	payload = modelfile_parse(data, size, path, kind, len, err);
	free(data);
	return payload;
}
