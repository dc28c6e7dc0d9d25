/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Model container I/O.  Reading checks, in order: the magic, the
 * container version, the kind, the length and the checksum, and says
 * which failed, so that "truncated", "corrupt" and "not a model" are told
 * apart.  It reads no more than the header announces, so a device or a
 * FIFO at the model's path costs at most one bounded read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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
 * path (lib/io/atomicfile: a FIFO or a device is written into, a link
 * followed).  Returns 0, or -1 with err set (EX_CANTCREAT, or EX_IOERR when a
 * write fails, e.g. on a full disk, or a stop signal came); no file is
 * left behind on failure.
 */
int
modelfile_write(const char *path, const char *kind, const void *payload,
    size_t len, struct ad_err *err)
{
	unsigned char head[MODELFILE_HEADER], tail[4];
	struct atomicfile af;
	uLong crc;

	memset(head, 0, sizeof(head));
	memcpy(head, magic, 8);
	put_u32(head + 8, MODELFILE_VERSION);
	strncpy((char *)head + 12, kind, 16);
	put_u64(head + 28, len);
	crc = crc32(0L, head, sizeof(head));
	crc = crc32_z(crc, payload, len);
	put_u32(tail, (uint32_t)crc);

	if (atomicfile_open(&af, path, err) < 0)
		return -1;
	if (atomicfile_write_all(af.fd, head, sizeof(head)) < 0 ||
	    atomicfile_write_all(af.fd, payload, len) < 0 ||
	    atomicfile_write_all(af.fd, tail, 4) < 0 || ad_stop) {
		/* A stop (SIGINT/SIGTERM) during the write: no new model. */
		ad_err_set(err, EX_IOERR, "cannot write '%s': %s", path,
		    strerror(ad_stop ? EINTR : errno));
		atomicfile_abort(&af);
		return -1;
	}
	return atomicfile_commit(&af, err);
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
 * Read up to n bytes of fd into p; returns the count (short at the end of
 * the file) or -1 with errno set.  A signal that raised ad_stop ends the
 * wait (EINTR), so that a FIFO nobody writes to does not hold a stop up.
 */
static ssize_t
read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r < 0 && errno == EINTR && !ad_stop)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Read the model of the given kind at path.  Returns its payload (caller
 * frees) with *len set, or NULL with err set: EX_NOINPUT when the file
 * cannot be opened or is a directory, EX_DATAERR when it is not a sound
 * model of that kind, EX_IOERR when reading fails.
 *
 * A model may come from a FIFO or a device as well as a file, so the open
 * does not wait for a writer, the magic is checked in the first 8 bytes,
 * and no more is read than the header announces (at most
 * MODELFILE_MAX_PAYLOAD): /dev/zero is "not a model" at once.
 */
void *
modelfile_read(
    const char *path, const char *kind, size_t *len, struct ad_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	unsigned char *data = NULL;
	size_t size = 0, want = MODELFILE_HEADER;
	void *payload = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		ad_err_set(err, EX_NOINPUT, "cannot open '%s': %s", path,
		    strerror(S_ISDIR(st.st_mode) ? EISDIR : errno));
		goto out;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto ioerr;
	data = xmalloc(want + 1);
	if ((n = read_full(fd, data, want)) < 0)
		goto ioerr;
	size = (size_t)n;
	if (size >= 8 && memcmp(data, magic, 8) == 0 &&
	    size == MODELFILE_HEADER) {
		uint64_t plen = get_u64(data + 28);

		if (plen > MODELFILE_MAX_PAYLOAD) {
			ad_err_set(err, EX_DATAERR,
			    "'%s': a model of %llu bytes, more than this "
			    "program reads (%llu)",
			    path, (unsigned long long)plen,
			    (unsigned long long)MODELFILE_MAX_PAYLOAD);
			goto out;
		}
		/* One byte more than announced tells a padded file. */
		want = MODELFILE_HEADER + (size_t)plen + 4 + 1;
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < want)
			want = (size_t)st.st_size;
		/* Grow with what arrives, not with what the header says. */
		while (size < want) {
			size_t chunk =
			    want - size < (1 << 24) ? want - size : (1 << 24);

			data = xrealloc(data, size + chunk + 1);
			if ((n = read_full(fd, data + size, chunk)) < 0)
				goto ioerr;
			size += (size_t)n;
			if ((size_t)n < chunk)
				break;
		}
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > size &&
		    size == want) {
			ad_err_set(err, EX_DATAERR,
			    "'%s': truncated or padded model (%llu bytes, "
			    "expected %llu)",
			    path, (unsigned long long)st.st_size,
			    (unsigned long long)want - 1);
			goto out;
		}
	}
	payload = modelfile_parse(data, size, path, kind, len, err);
	goto out;
ioerr:
	ad_err_set(
	    err, EX_IOERR, "cannot read '%s': %s", path, strerror(errno));
out:
	close(fd);
	free(data);
	return payload;
}
