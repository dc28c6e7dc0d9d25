/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/kafka_sink through kafka_sink_open() against an
 * in-process librdkafka mock cluster: records written with keys arrive
 * once each, byte for byte, keyed, all records of a key on one partition
 * and in order, readable as soon as sink_flush() returns; the errors of
 * opening (EX_USAGE for group=/offset=/bad parameters, EX_CONFIG for a
 * property librdkafka rejects, EX_UNAVAILABLE for a closed port within
 * the timeout); failed delivery reports counted and sticky (EX_UNAVAILABLE
 * for a refused produce, EX_TEMPFAIL when messages time out).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "io/endpoint.h"
#include "io/kafka.h"
#include "kmock.h"
#include "tap.h"

#define NREC 300
#define NKEYS 7
#define NPART 4
#define PRODUCE_API 0 /* Kafka protocol ApiKey of ProduceRequest */

/*
 * The failure tests write payloads without a NUL: a delivery report's
 * payload is not a string, and reading it as one (as dr_msg_cb() once
 * did) shows under ASan.
 */
/* What came back from the topic. */
struct got {
	int seen[NREC];	  /* times record n was read */
	int part[NKEYS];  /* partition of each key, -1 before */
	int lastn[NKEYS]; /* last n of each key, for order */
	int badkey, badpart, badorder, badpayload, other, nullkey, empty;
	int total;
};

/*
 * Read the whole topic (every partition, from the start, up to its
 * end) with a plain librdkafka consumer and account for each message.
 */
static void
read_topic(const char *brokers, const char *topic, struct got *g)
{
	char errstr[256];
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *list;
	rd_kafka_t *rk;
	int eofs = 0;
	double deadline = now() + 8;

	memset(g, 0, sizeof(*g));
	for (int k = 0; k < NKEYS; k++)
		g->part[k] = g->lastn[k] = -1;
	rd_kafka_conf_set(kc, "bootstrap.servers", brokers, NULL, 0);
	rd_kafka_conf_set(kc, "group.id", "t-kafka_sink-reader", NULL, 0);
	rd_kafka_conf_set(kc, "enable.partition.eof", "true", NULL, 0);
	rd_kafka_conf_set(kc, "enable.auto.commit", "false", NULL, 0);
	rd_kafka_conf_set(kc, "log_level", "3", NULL, 0);
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, errstr, sizeof(errstr));
	rd_kafka_poll_set_consumer(rk);
	list = rd_kafka_topic_partition_list_new(NPART);
	for (int p = 0; p < NPART; p++)
		rd_kafka_topic_partition_list_add(list, topic, p)->offset =
		    RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, list);
	rd_kafka_topic_partition_list_destroy(list);
	while (eofs < NPART && now() < deadline) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		char want[64], keytxt[16];
		int n = -1, k;

		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
			eofs++;
		if (m->err) {
			rd_kafka_message_destroy(m);
			continue;
		}
		g->total++;
		if (m->len == 0) {
			g->empty++;
		} else if (m->len < 60 &&
			   sscanf((const char *)m->payload,
			       "{\"id\":\"k%d\",\"n\":%d}", &k, &n) == 2 &&
			   n >= 0 && n < NREC && k == n % NKEYS) {
			snprintf(want, sizeof(want),
			    "{\"id\":\"k%d\",\"n\":%d}", k, n);
			snprintf(keytxt, sizeof(keytxt), "k%d", k);
			if (m->len != strlen(want) ||
			    memcmp(m->payload, want, m->len) != 0)
				g->badpayload++;
			g->seen[n]++;
			if (m->key_len != strlen(keytxt) ||
			    memcmp(m->key, keytxt, m->key_len) != 0)
				g->badkey++;
			if (g->part[k] >= 0 && g->part[k] != m->partition)
				g->badpart++;
			g->part[k] = m->partition;
			if (n <= g->lastn[k])
				g->badorder++;
			g->lastn[k] = n;
		} else if (m->len == 6 &&
			   memcmp(m->payload, "no-key", 6) == 0) {
			if (m->key == NULL)
				g->nullkey++;
		} else {
			g->other++;
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

static rd_kafka_mock_cluster_t *mc;
static const char *brokers;

/* Open uri with conf; NULL with e filled on failure. */
static struct sink *
open_sink(const char *uri, struct io_conf *conf, struct ad_err *e)
{
	ad_err_clear(e);
	return kafka_sink_open(uri, conf, e);
}

int
main(void)
{
	struct io_conf conf;
	struct ad_err e;
	struct sink *s;
	struct got g;
	rd_kafka_t *mrk;
	char uri[512], want[768];
	double t0, dt;
	int rc, parts_used = 0, seen_once = 0;

	io_conf_init(&conf, "t-kafka_sink");
	conf.timeout_ms = 5000;
	mc = kmock_start(&mrk);
	ok(mc != NULL, "mock cluster with 3 brokers");
	if (mc == NULL)
		return tap_done();
	rd_kafka_mock_topic_create(mc, "out", NPART, 3);
	rd_kafka_mock_topic_create(mc, "refused", 1, 1);
	rd_kafka_mock_topic_create(mc, "slow", 1, 1);
	brokers = rd_kafka_mock_cluster_bootstraps(mc);

	/* Produce NREC keyed records, one without key, one empty. */
	snprintf(uri, sizeof(uri), "kafka://%s/out?key=id", brokers);
	s = open_sink(uri, &conf, &e);
	ok(s != NULL, "kafka_sink_open on the mock cluster ('%s')", e.msg);
	if (s == NULL)
		return tap_done();
	snprintf(want, sizeof(want), "kafka://%s/out", brokers);
	is_str(sink_name(s), want, "named by the URI without parameters");
	is_str(sink_key_field(s), "id", "key=id is the sink's key field");
	rc = 0;
	for (int n = 0; n < NREC; n++) {
		char rec[64], key[16];
		int len = snprintf(rec, sizeof(rec),
		    "{\"id\":\"k%d\",\"n\":%d}", n % NKEYS, n);
		int klen = snprintf(key, sizeof(key), "k%d", n % NKEYS);

		rc |= sink_write(s, rec, (size_t)len, key, (size_t)klen, &e);
	}
	rc |= sink_write(s, "no-key", 6, NULL, 0, &e);
	rc |= sink_write(s, "", 0, NULL, 0, &e);
	ok(rc == 0, "%d writes accepted", NREC + 2);
	t0 = now();
	ok(sink_flush(s, &e) == 0, "flush: every delivery report is good");
	dt = now() - t0;
	ok(dt < 3, "flush returns once delivered (%.2f s)", dt);

	/* Already there after the flush, before the close. */
	read_topic(brokers, "out", &g);
	for (int n = 0; n < NREC; n++)
		seen_once += g.seen[n] == 1;
	for (int k = 0; k < NKEYS; k++)
		parts_used |= g.part[k] >= 0 ? 1 << g.part[k] : 0;
	ok(g.total == NREC + 2, "%d messages on the topic after the flush",
	    g.total);
	ok(seen_once == NREC, "every record exactly once (%d)", seen_once);
	ok(g.badpayload == 0 && g.other == 0,
	    "payloads byte for byte, no newline added");
	ok(g.badkey == 0, "each message keyed by the key it was written with");
	ok(g.badpart == 0, "all records of one key on one partition");
	ok(parts_used != 0 && (parts_used & (parts_used - 1)) != 0,
	    "the %d keys spread over more than one partition", NKEYS);
	ok(g.badorder == 0, "records of a key in the order written");
	ok(g.nullkey == 1, "a record written without key has no key");
	ok(g.empty == 1, "an empty record is an empty message");
	ok(sink_close(s, &e) == 0, "close: 0");

	/* sink_open() picks this backend for kafka:// (endpoint). */
	snprintf(uri, sizeof(uri), "kafka://%s/out?key=id", brokers);
	ad_err_clear(&e);
	s = sink_open(uri, &conf, &e);
	ok(s != NULL && strcmp(sink_key_field(s), "id") == 0 &&
		sink_write(s, "{\"id\":\"k0\",\"n\":0}", 18, "k0", 2, &e) ==
		    0 &&
		sink_close(s, &e) == 0,
	    "sink_open(kafka://...) gives a Kafka sink");
	read_topic(brokers, "out", &g);
	ok(g.total == NREC + 3 && g.seen[0] == 2 && g.badpart == 0,
	    "its record joined the same key's partition");

	/* Opening errors. */
	snprintf(uri, sizeof(uri), "kafka://%s/out?group=g", brokers);
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_USAGE,
	    "group= on a sink: EX_USAGE (64)");
	snprintf(want, sizeof(want),
	    "'%s': group= and offset= are for reading, not writing", uri);
	is_str(e.msg, want, "group= on a sink: message");
	snprintf(uri, sizeof(uri), "kafka://%s/out?offset=latest", brokers);
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_USAGE,
	    "offset= on a sink: EX_USAGE");
	snprintf(uri, sizeof(uri), "kafka://%s/out?offset=soon", brokers);
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_USAGE &&
		strstr(e.msg, "offset must be earliest, latest or stored, "
			      "got 'soon'") != NULL,
	    "bad offset value: EX_USAGE with message");
	snprintf(uri, sizeof(uri), "kafka://%s/out?partition=1", brokers);
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_USAGE &&
		strstr(e.msg, "unknown parameter 'partition=1'") != NULL,
	    "unknown parameter: EX_USAGE with message");
	ok(open_sink("kafka://nohost", &conf, &e) == NULL &&
		e.status == EX_USAGE,
	    "no topic: EX_USAGE");
	snprintf(uri, sizeof(uri), "kafka://%s/out", brokers);
	io_conf_add_prop(&conf, "compression.codec=zip");
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_CONFIG &&
		strncmp(e.msg, "kafka: ", 7) == 0 &&
		strstr(e.msg, "compression.codec") != NULL,
	    "-X value librdkafka rejects: EX_CONFIG (78) ('%s')", e.msg);
	io_conf_release(&conf);
	io_conf_add_prop(&conf, "no.such.thing=1");
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_CONFIG,
	    "-X unknown property: EX_CONFIG");
	io_conf_release(&conf);
	snprintf(uri, sizeof(uri), "kafka://%s/nosuchtopic", brokers);
	rd_kafka_mock_topic_create(mc, "nosuchtopic", 1, 1);
	rd_kafka_mock_topic_set_error(
	    mc, "nosuchtopic", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
	ok(open_sink(uri, &conf, &e) == NULL && e.status == EX_UNAVAILABLE &&
		strstr(e.msg, "topic 'nosuchtopic' does not exist") != NULL,
	    "a missing topic: EX_UNAVAILABLE (69)");

	snprintf(uri, sizeof(uri), "kafka://127.0.0.1:%d/out", closed_port());
	conf.timeout_ms = 600;
	t0 = now();
	s = open_sink(uri, &conf, &e);
	dt = now() - t0;
	ok(s == NULL && e.status == EX_UNAVAILABLE,
	    "closed port: EX_UNAVAILABLE (69)");
	ok(dt >= 0.5 && dt < 3,
	    "closed port: within the 600 ms timeout "
	    "(%.2f s)",
	    dt);
	ok(strstr(e.msg, "no answer from the brokers within 600 ms") != NULL,
	    "closed port: message ('%s')", e.msg);
	sink_close(s, &e);
	conf.timeout_ms = 5000;

	/* A produce the brokers refuse: counted, sticky, not retriable. */
	snprintf(uri, sizeof(uri), "kafka://%s/refused", brokers);
	s = open_sink(uri, &conf, &e);
	ok(s != NULL, "a sink on 'refused'");
	if (s != NULL) {
		struct ad_err e2;

		rd_kafka_mock_push_request_errors(mc, PRODUCE_API, 1,
		    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
		rc = 0;
		for (int i = 0; i < 3; i++)
			rc |= sink_write(s, "r", 1, NULL, 0, &e);
		ok(rc == 0, "writes are queued");
		ad_err_clear(&e);
		ok(sink_flush(s, &e) == -1 && e.status == EX_UNAVAILABLE,
		    "flush reports the failed deliveries: EX_UNAVAILABLE");
		snprintf(want, sizeof(want),
		    "kafka: '%s': delivery failed for 3 messages: ", uri);
		ok(strncmp(e.msg, want, strlen(want)) == 0,
		    "each failed report counted");
		strncat(want, "Broker: Topic authorization failed",
		    sizeof(want) - strlen(want) - 1);
		ok(strcmp(e.msg, want) == 0,
		    "the message gives the broker's reason");
		if (strcmp(e.msg, want) != 0)
			printf("#   got '%s'\n", e.msg);
		ad_err_clear(&e2);
		ok(sink_write(s, "r", 1, NULL, 0, &e2) == -1 &&
			e2.status == EX_UNAVAILABLE &&
			strcmp(e2.msg, e.msg) == 0,
		    "the next write fails with the same error (sticky)");
		ad_err_clear(&e2);
		ok(sink_close(s, &e2) == -1 && e2.status == EX_UNAVAILABLE,
		    "close fails too");
	}

	/* Brokers gone after the open: messages time out, EX_TEMPFAIL. */
	snprintf(uri, sizeof(uri), "kafka://%s/slow", brokers);
	io_conf_add_prop(&conf, "message.timeout.ms=300");
	s = open_sink(uri, &conf, &e);
	ok(s != NULL, "a sink on 'slow' with message.timeout.ms=300");
	if (s != NULL) {
		for (int id = 1; id <= 3; id++)
			rd_kafka_mock_broker_set_down(mc, id);
		sink_write(s, "t", 1, NULL, 0, &e);
		t0 = now();
		ad_err_clear(&e);
		rc = sink_flush(s, &e);
		dt = now() - t0;
		ok(rc == -1 && e.status == EX_TEMPFAIL,
		    "brokers down: flush gives EX_TEMPFAIL (75)");
		snprintf(want, sizeof(want),
		    "kafka: '%s': delivery failed for 1 message: ", uri);
		ok(strncmp(e.msg, want, strlen(want)) == 0,
		    "one timed-out message, counted, singular");
		strncat(want, "Local: Message timed out",
		    sizeof(want) - strlen(want) - 1);
		ok(strcmp(e.msg, want) == 0, "the message says it timed out");
		ok(dt < 5, "flush is bounded by message.timeout.ms (%.2f s)",
		    dt);
		sink_close(s, &e);
	}
	io_conf_release(&conf);

	kmock_stop(mc, mrk);
	return tap_done();
}
