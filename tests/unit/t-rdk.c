/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/rdk: librdkafka opened at run time.  A library
 * that is not there is EX_UNAVAILABLE with its name, and leaves the table
 * empty; the real one fills every entry, each the very function the
 * library exports (this test links librdkafka itself to compare), and a
 * client made through the table works.
 */
#include <string.h>

/* the library's own functions, before rdk.h's macros hide their names */
#include <librdkafka/rdkafka.h>

static const char *(*const real_version_str)(void) = rd_kafka_version_str;
static rd_kafka_conf_t *(*const real_conf_new)(void) = rd_kafka_conf_new;
static void *const real_producev = (void *)rd_kafka_producev;

#include "io/rdk.h"
#include "tap.h"

int
main(void)
{
	struct ad_err e;
	rd_kafka_conf_t *kc;
	rd_kafka_t *rk;
	char errstr[256];
	bool all = true;

	ad_err_clear(&e);
	ok(rdk_load_from("libadpipe-no-such-library.so.9", &e) < 0 &&
		e.status == EX_UNAVAILABLE &&
		strstr(e.msg, "libadpipe-no-such-library.so.9") != NULL,
	    "a library that is not there: 69, named");
	ok(!rdk_loaded() && rdk.p_rd_kafka_new == NULL,
	    "... and the table stays empty");

	ad_err_clear(&e);
	ok(rdk_load(&e) == 0 && rdk_loaded(), "librdkafka.so.1 loads");
#define RDK_SET(f) all = all && rdk.p_##f != NULL;
	RDK_FUNCTIONS(RDK_SET)
	ok(all, "every function of the table is set");
	ok(rdk.p_rd_kafka_conf_new == real_conf_new &&
		(void *)rdk.p_rd_kafka_producev == real_producev,
	    "the table holds the library's own functions");
	ok(rdk_load(&e) == 0, "a second load is a no-op");

	/* a producer made and destroyed through the table */
	kc = rd_kafka_conf_new();
	rd_kafka_conf_set(kc, "log_level", "0", errstr, sizeof(errstr));
	ok(rd_kafka_conf_set(kc, "client.id", "t-rdk", errstr,
	       sizeof(errstr)) == RD_KAFKA_CONF_OK,
	    "conf_set through the table");
	ok(rd_kafka_conf_set(kc, "no.such.property", "1", errstr,
	       sizeof(errstr)) == RD_KAFKA_CONF_UNKNOWN,
	    "an unknown property is refused through the table");
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
	ok(rk != NULL, "rd_kafka_new through the table");
	if (rk != NULL) {
		ok(rd_kafka_outq_len(rk) == 0, "an empty queue");
		rd_kafka_destroy(rk);
	}
	ok(strlen(real_version_str()) > 0, "linked library: %s",
	    real_version_str());
	return tap_done();
}
