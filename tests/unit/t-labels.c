/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/labels: binary classes, classes files (order of
 * first appearance, trailing '.', comments, bad lines), and lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "record/labels.h"
#include "tap.h"

static int
load(struct labels *l, const char *text, struct ad_err *err)
{
	char path[] = "/tmp/t-labels-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *fp = fdopen(fd, "w");

	fputs(text, fp);
	fclose(fp);
	ad_err_clear(err);
	rc = labels_load(l, path, err);
	unlink(path);
	return rc;
}

#define CLASS(l, s) labels_class((l), (s), strlen(s))

int
main(void)
{
	struct labels l;
	struct ad_err err;

	ok(labels_binary(&l, "normal.") == 0 && l.nclass == 2 &&
		strcmp(l.classes[0], "normal") == 0 &&
		strcmp(l.classes[1], "attack") == 0,
	    "binary: normal (dot stripped) and attack");
	ok(CLASS(&l, "normal.") == 0 && CLASS(&l, "normal") == 0 &&
		CLASS(&l, "smurf.") == 1 && CLASS(&l, "normals") == 1 &&
		CLASS(&l, "") == 1 && CLASS(&l, "norma") == 1,
	    "binary: only the normal label is class 0");
	ok(labels_class(&l, "normal.xyz", 6) == 0, "only len bytes are read");
	labels_release(&l);
	labels_binary(&l, "attack");
	ok(strcmp(l.classes[1], "anomaly") == 0 && CLASS(&l, "attack") == 0,
	    "binary with normal 'attack': the other class is 'anomaly'");
	labels_release(&l);
	labels_binary(&l, "ok");
	ok(CLASS(&l, "ok.") == 0 && CLASS(&l, "normal") == 1,
	    "binary with normal 'ok': 'normal' is an attack");
	labels_release(&l);

	ok(load(&l,
	       "# KDD training_attack_types\n"
	       "\n"
	       "smurf dos\n"
	       "ipsweep. probe\n"
	       "  \t\n"
	       "neptune dos\n"
	       "guess_passwd r2l\r\n",
	       &err) == 0,
	    "classes file loads");
	ok(l.nclass == 4 && strcmp(l.classes[0], "normal") == 0 &&
		strcmp(l.classes[1], "dos") == 0 &&
		strcmp(l.classes[2], "probe") == 0 &&
		strcmp(l.classes[3], "r2l") == 0,
	    "classes: normal, then in order of first appearance");
	ok(l.n == 4, "four labels");
	ok(CLASS(&l, "normal.") == 0 && CLASS(&l, "smurf.") == 1 &&
		CLASS(&l, "neptune") == 1 && CLASS(&l, "ipsweep") == 2 &&
		CLASS(&l, "ipsweep.") == 2 && CLASS(&l, "guess_passwd.") == 3,
	    "lookups with and without the dot");
	ok(CLASS(&l, "satan.") == -1 && CLASS(&l, "") == -1 &&
		CLASS(&l, "smur") == -1,
	    "unknown labels: -1");
	labels_release(&l);

	ok(load(&l, "smurf dos\nbad line here\n", &err) == -1 &&
		err.status == EX_DATAERR && err.line == 2 &&
		strcmp(err.msg, "expected 'label class'") == 0,
	    "three words: line 2, EX_DATAERR");
	labels_release(&l);
	ok(load(&l, "smurf\n", &err) == -1 && err.line == 1, "one word: error");
	labels_release(&l);
	ok(load(&l, "", &err) == -1 && err.status == EX_DATAERR &&
		strstr(err.msg, "no classes") != NULL,
	    "empty file: no classes (%s)", err.msg);
	labels_release(&l);
	ok(load(&l, "normal normal\n", &err) == -1 &&
		strstr(err.msg, "no classes") != NULL,
	    "only normal: no classes");
	labels_release(&l);
	ad_err_clear(&err);
	ok(labels_load(&l, "/nonexistent/classes", &err) == -1 &&
		err.status == EX_NOINPUT,
	    "missing file: EX_NOINPUT");
	labels_release(&l);
	ok(load(&l, "a x\nb y\na z\n", &err) == 0 && CLASS(&l, "a") == 1 &&
		l.nclass == 4,
	    "a label listed twice: the first class wins");
	labels_release(&l);
	return tap_done();
}
