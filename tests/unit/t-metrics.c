/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/metrics: the Prometheus text written (HELP, TYPE,
 * the program label, counters' _total), values updated in place and in
 * first-set order, the rewrite leaving no temporary file, when a write
 * is due, and a file that cannot be created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "io/metrics.h"
#include "tap.h"

static char dir[] = "/tmp/t-metrics-XXXXXX";

static void
slurp(const char *path, char *out, size_t n)
{
	FILE *fp = fopen(path, "r");
	size_t k = fp ? fread(out, 1, n - 1, fp) : 0;

	out[k] = '\0';
	if (fp)
		fclose(fp);
}

int
main(void)
{
	static const char want[] =
	    "# HELP adpipe_records_read_total Lines read.\n"
	    "# TYPE adpipe_records_read_total counter\n"
	    "adpipe_records_read_total{program=\"ad-test\"} 3";
	char path[300], tmp[320], text[4096], bad[300];
	struct metrics *m;
	struct ad_err e;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/ad.prom", dir);
	m = metrics_new(path, "ad-test");
	ok(metrics_due(m, 0), "a new file is due at once");
	metrics_set(m, "records_read", "Lines read.", true, 3);
	metrics_set(m, "keys", "Keys held.", false, 2);
	ad_err_clear(&e);
	ok(metrics_write(m, &e) == 0, "written");
	slurp(path, text, sizeof(text));
	ok(strncmp(text, want, strlen(want)) == 0,
	    "a counter: HELP, TYPE counter, _total, the program label");
	ok(strstr(text, "# TYPE adpipe_keys gauge\n"
			"adpipe_keys{program=\"ad-test\"} 2") != NULL,
	    "a gauge");
	ok(strstr(text, "# TYPE adpipe_metrics_written_seconds gauge\n") !=
		NULL,
	    "the time of writing");
	ok(!metrics_due(m, clock_now_ms()), "not due again at once");
	metrics_set(m, "records_read", "Lines read.", true, 7);
	ok(metrics_write(m, &e) == 0, "rewritten");
	slurp(path, text, sizeof(text));
	ok(strstr(text, "adpipe_records_read_total{program=\"ad-test\"} 7") !=
		    NULL &&
		strstr(text, "} 3") == NULL &&
		strstr(text, "records_read") < strstr(text, "adpipe_keys"),
	    "a value updated in place, the order kept");
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	ok(access(tmp, F_OK) != 0, "no temporary file left");
	metrics_free(m);

	snprintf(bad, sizeof(bad), "%s/no/dir/x.prom", dir);
	m = metrics_new(bad, "ad-test");
	ok(metrics_write(m, &e) == -1 && e.status == EX_CANTCREAT,
	    "an uncreatable file: EX_CANTCREAT");
	metrics_free(m);
	metrics_free(NULL);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
