/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Unit tests for lib/io/kafka, the helpers the Kafka source and sink
 * share (kafka_impl.h): kafka:// URI parsing and its EX_USAGE messages,
 * the librdkafka configuration built from the URI, defaults and -X
 * (later wins, a rejected property is EX_CONFIG with librdkafka's
 * words; one naming the brokers, which only the URI does, too),
 * kafka_new() refusing a bad combination, kafka_wait_topic()
 * against an in-process mock cluster (partition count, a missing topic,
 * an unreachable broker within the timeout), and which delivery errors
 * are worth retrying.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "io/kafka_impl.h"
#include "kmock.h"
#include "tap.h"

/* Parse spec; 0 or -1, with u and e filled. */
static int
parse(struct kafka_uri *u, const char *spec, struct ad_err *e)
{
	ad_err_clear(e);
	kafka_uri_release(u);
	return kafka_uri_parse(u, spec, e);
}

/* One property of kc, in a static buffer ("(unset)" when absent). */
static const char *
get(rd_kafka_conf_t *kc, const char *name)
{
	static char buf[512];
	size_t n = sizeof(buf);

	if (rd_kafka_conf_get(kc, name, buf, &n) != RD_KAFKA_CONF_OK)
		return "(unset)";
	return buf;
}

int
main(void)
{
	struct kafka_uri u;
	struct kafka_errs errs;
	struct io_conf conf;
	struct ad_err e;
	rd_kafka_conf_t *kc;
	rd_kafka_t *rk, *mrk;
	rd_kafka_mock_cluster_t *mc;
	char spec[256], errstr[512];
	int parts;

	memset(&u, 0, sizeof(u));
	memset(&errs, 0, sizeof(errs));
	io_conf_init(&conf, "t-kafka");

	/* URIs that parse. */
	ok(parse(&u, "kafka://h1:9092/metrics", &e) == 0, "brokers and topic");
	is_str(u.brokers, "h1:9092", "brokers");
	is_str(u.topic, "metrics", "topic");
	is_str(u.name, "kafka://h1:9092/metrics", "name without params");
	ok(u.group == NULL && u.key == NULL && u.offset == KAFKA_OFFSET_DEFAULT,
	    "no group, no key, default offset");
	ok(parse(&u, "kafka://a:1,b:2,c:3/t?group=g1&offset=stored&key=id",
	       &e) == 0,
	    "several brokers and every parameter");
	is_str(u.brokers, "a:1,b:2,c:3", "broker list kept whole");
	is_str(u.topic, "t", "topic before the '?'");
	is_str(u.group, "g1", "group=");
	is_str(u.key, "id", "key=");
	ok(u.offset == KAFKA_OFFSET_STORED, "offset=stored");
	is_str(u.name, "kafka://a:1,b:2,c:3/t", "name stops at the '?'");
	ok(parse(&u, "kafka://h:1/t?offset=earliest", &e) == 0 &&
		u.offset == KAFKA_OFFSET_EARLIEST,
	    "offset=earliest");
	ok(parse(&u, "kafka://h:1/t?offset=beginning", &e) == 0 &&
		u.offset == KAFKA_OFFSET_EARLIEST,
	    "offset=beginning (kcat's word)");
	ok(parse(&u, "kafka://h:1/t?offset=latest", &e) == 0 &&
		u.offset == KAFKA_OFFSET_LATEST,
	    "offset=latest");
	ok(parse(&u, "kafka://h:1/t?offset=end", &e) == 0 &&
		u.offset == KAFKA_OFFSET_LATEST,
	    "offset=end");
	ok(parse(&u, "kafka://h:1/t?group=a&group=b", &e) == 0 &&
		strcmp(u.group, "b") == 0,
	    "a repeated parameter: the last wins");
	ok(parse(&u, "kafka://h:1/t?group=", &e) == 0 && u.group != NULL &&
		u.group[0] == '\0',
	    "an empty group is kept (the client id is used)");
	ok(parse(&u, "kafka://h:1/t?", &e) == 0 && u.group == NULL,
	    "an empty query");

	/* URIs that do not. */
	ok(parse(&u, "kafka://h:1/t?offset=middle", &e) == -1 &&
		e.status == EX_USAGE,
	    "bad offset value: EX_USAGE (64)");
	is_str(e.msg,
	    "'kafka://h:1/t': offset must be earliest, latest or stored, "
	    "got 'middle'",
	    "bad offset: message");
	ok(parse(&u, "kafka://h:1/t?group=g&colour=red", &e) == -1 &&
		e.status == EX_USAGE,
	    "unknown parameter: EX_USAGE");
	is_str(e.msg, "'kafka://h:1/t': unknown parameter 'colour=red'",
	    "unknown parameter: message");
	ok(parse(&u, "kafka://h:1", &e) == -1 && e.status == EX_USAGE,
	    "no topic: EX_USAGE");
	is_str(e.msg, "'kafka://h:1': expected kafka://HOST:PORT/TOPIC",
	    "no topic: message");
	ok(parse(&u, "kafka://h:1/", &e) == -1 && e.status == EX_USAGE,
	    "empty topic: EX_USAGE");
	ok(parse(&u, "kafka:///t", &e) == -1 && e.status == EX_USAGE,
	    "no brokers: EX_USAGE");
	ok(parse(&u, "kafka://h:1/?group=g", &e) == -1 && e.status == EX_USAGE,
	    "empty topic before params: EX_USAGE");
	ok(parse(&u, "kafka://h:1/a/b", &e) == -1 && e.status == EX_USAGE,
	    "a '/' in the topic: EX_USAGE");
	is_str(e.msg, "'kafka://h:1/a/b': bad topic name 'a/b'",
	    "bad topic: message");
	kafka_uri_release(&u);
	ok(u.brokers == NULL && u.topic == NULL && u.name == NULL,
	    "kafka_uri_release() clears");

	/* The configuration. */
	parse(&u, "kafka://127.0.0.1:1,127.0.0.1:2/t", &e);
	{
		const char *defaults[] = {"linger.ms=7", "acks=1", NULL};

		io_conf_add_prop(&conf, "acks=all");
		io_conf_add_prop(&conf, "socket.timeout.ms=12345");
		kc = kafka_conf_new(&u, &conf, defaults, &errs, &e);
		ok(kc != NULL, "kafka_conf_new");
		is_str(get(kc, "bootstrap.servers"), "127.0.0.1:1,127.0.0.1:2",
		    "bootstrap.servers from the URI");
		is_str(get(kc, "client.id"), "t-kafka",
		    "client.id from the io_conf");
		is_str(get(kc, "log_level"), "2", "log_level 2 by default");
		is_str(get(kc, "linger.ms"), "7", "a default is set");
		is_str(get(kc, "acks"), "-1",
		    "-X comes after the defaults and wins (acks=all)");
		is_str(get(kc, "socket.timeout.ms"), "12345",
		    "-X properties are set");
		rk = kafka_new(RD_KAFKA_PRODUCER, kc, &e);
		ok(rk != NULL, "kafka_new takes the conf");
		ok(rk != NULL && rd_kafka_opaque(rk) == &errs,
		    "errs is the client's opaque");
		if (rk != NULL)
			rd_kafka_destroy(rk);
		io_conf_release(&conf);
	}
	io_conf_init(&conf, NULL);
	kc = kafka_conf_new(&u, &conf, NULL, &errs, &e);
	is_str(
	    kc ? get(kc, "client.id") : "", "adpipe", "no client id: adpipe");
	if (kc)
		rd_kafka_conf_destroy(kc);
	io_conf_add_prop(&conf, "log_level=7");
	kc = kafka_conf_new(&u, &conf, NULL, &errs, &e);
	is_str(kc ? get(kc, "log_level") : "", "7", "-X log_level overrides");
	if (kc)
		rd_kafka_conf_destroy(kc);
	io_conf_release(&conf);

	io_conf_init(&conf, "t");
	io_conf_add_prop(&conf, "no.such.property=1");
	ad_err_clear(&e);
	ok(kafka_conf_new(&u, &conf, NULL, &errs, &e) == NULL &&
		e.status == EX_CONFIG,
	    "an unknown property: EX_CONFIG (78)");
	is_str(e.msg,
	    "kafka: No such configuration property: \"no.such.property\"",
	    "with librdkafka's message");
	io_conf_release(&conf);
	io_conf_add_prop(&conf, "socket.timeout.ms=soon");
	ad_err_clear(&e);
	ok(kafka_conf_new(&u, &conf, NULL, &errs, &e) == NULL &&
		e.status == EX_CONFIG && strncmp(e.msg, "kafka: ", 7) == 0 &&
		strstr(e.msg, "\"socket.timeout.ms\"") != NULL,
	    "a bad value: EX_CONFIG naming it ('%s')", e.msg);
	io_conf_release(&conf);
	/* The brokers are the URI's: a property naming them is refused. */
	{
		const char *brokers[] = {"bootstrap.servers=",
		    "bootstrap.servers=h:1", "metadata.broker.list=h:1"};

		for (size_t i = 0; i < 3; i++) {
			char want[160];

			io_conf_add_prop(&conf, brokers[i]);
			ad_err_clear(&e);
			ok(kafka_conf_new(&u, &conf, NULL, &errs, &e) == NULL &&
				e.status == EX_CONFIG,
			    "-X %s: EX_CONFIG (78)", brokers[i]);
			snprintf(want, sizeof(want),
			    "kafka: '%s': the brokers are set by the URI "
			    "(kafka://brokers/topic), not by a property",
			    brokers[i]);
			is_str(e.msg, want, "-X %s: message", brokers[i]);
			io_conf_release(&conf);
		}
	}
	io_conf_add_prop(&conf, "justaname");
	ad_err_clear(&e);
	ok(kafka_conf_new(&u, &conf, NULL, &errs, &e) == NULL &&
		e.status == EX_CONFIG,
	    "a property without '=': EX_CONFIG");
	is_str(e.msg, "kafka: 'justaname': expected name=value",
	    "without '=': message");
	io_conf_release(&conf);
	{
		const char *bad_default[] = {"nope=1", NULL};

		ad_err_clear(&e);
		ok(kafka_conf_new(&u, &conf, bad_default, &errs, &e) == NULL &&
			e.status == EX_CONFIG,
		    "a bad default is caught too");
	}

	/* kafka_new: librdkafka refuses the combination. */
	io_conf_add_prop(&conf, "enable.idempotence=true");
	io_conf_add_prop(&conf, "acks=1");
	kc = kafka_conf_new(&u, &conf, NULL, &errs, &e);
	ad_err_clear(&e);
	ok(kc != NULL && kafka_new(RD_KAFKA_PRODUCER, kc, &e) == NULL &&
		e.status == EX_CONFIG && strncmp(e.msg, "kafka: ", 7) == 0 &&
		strstr(e.msg, "acks") != NULL,
	    "idempotence with acks=1: kafka_new gives EX_CONFIG ('%s')", e.msg);
	io_conf_release(&conf);

	/* kafka_wait_topic against a mock cluster. */
	mc = kmock_start(&mrk);
	ok(mc != NULL, "mock cluster up");
	if (mc == NULL)
		return tap_done();
	rd_kafka_mock_topic_create(mc, "five", 5, 3);
	rd_kafka_mock_topic_create(mc, "gone", 1, 1);
	rd_kafka_mock_topic_set_error(
	    mc, "gone", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
	snprintf(spec, sizeof(spec), "kafka://%s/five",
	    rd_kafka_mock_cluster_bootstraps(mc));
	parse(&u, spec, &e);
	memset(&errs, 0, sizeof(errs));
	kc = kafka_conf_new(&u, &conf, NULL, &errs, &e);
	rk = kafka_new(RD_KAFKA_PRODUCER, kc, &e);
	parts = -1;
	ok(kafka_wait_topic(rk, &u, 5000, &errs, &parts, &e) == 0 && parts == 5,
	    "an existing topic: 0 and its 5 partitions");
	free(u.topic);
	u.topic = strdup("gone");
	ad_err_clear(&e);
	{
		double t0 = now();

		ok(kafka_wait_topic(rk, &u, 3000, &errs, &parts, &e) == -1 &&
			e.status == EX_UNAVAILABLE,
		    "a missing topic: EX_UNAVAILABLE (69)");
		ok(now() - t0 < 2.5, "a missing topic fails without waiting "
				     "for the timeout");
	}
	snprintf(spec, sizeof(spec),
	    "kafka: 'kafka://%s/five': topic 'gone' does not exist",
	    rd_kafka_mock_cluster_bootstraps(mc));
	is_str(e.msg, spec, "missing topic: message");
	rd_kafka_destroy(rk);
	kafka_uri_release(&u);

	/* An unreachable broker: EX_UNAVAILABLE within the timeout. */
	snprintf(spec, sizeof(spec), "kafka://127.0.0.1:%d/t", closed_port());
	parse(&u, spec, &e);
	memset(&errs, 0, sizeof(errs));
	kc = kafka_conf_new(&u, &conf, NULL, &errs, &e);
	rk = kafka_new(RD_KAFKA_PRODUCER, kc, &e);
	{
		double t0 = now(), dt;
		int rc;

		ad_err_clear(&e);
		rc = kafka_wait_topic(rk, &u, 700, &errs, &parts, &e);
		dt = now() - t0;
		ok(rc == -1 && e.status == EX_UNAVAILABLE,
		    "closed port: EX_UNAVAILABLE (69)");
		ok(dt >= 0.6 && dt < 2.0,
		    "closed port: gives up after the 700 ms timeout (%.2f s)",
		    dt);
		snprintf(errstr, sizeof(errstr),
		    "kafka: '%s': no answer from the brokers within 700 ms (",
		    spec);
		ok(strncmp(e.msg, errstr, strlen(errstr)) == 0,
		    "closed port: message ('%s')", e.msg);
	}
	rd_kafka_destroy(rk);
	kafka_uri_release(&u);
	kmock_stop(mc, mrk);

	/* Retriable or not. */
	ok(kafka_err_retriable(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) &&
		kafka_err_retriable(RD_KAFKA_RESP_ERR__TRANSPORT) &&
		kafka_err_retriable(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) &&
		kafka_err_retriable(RD_KAFKA_RESP_ERR__QUEUE_FULL) &&
		kafka_err_retriable(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS) &&
		kafka_err_retriable(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE),
	    "timeouts, brokers down, a full queue: retriable (75)");
	ok(!kafka_err_retriable(RD_KAFKA_RESP_ERR_NO_ERROR) &&
		!kafka_err_retriable(
		    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) &&
		!kafka_err_retriable(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) &&
		!kafka_err_retriable(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) &&
		!kafka_err_retriable(RD_KAFKA_RESP_ERR__FATAL),
	    "authorization, size, unknown topic, fatal: not retriable (69)");
	io_conf_release(&conf);
	return tap_done();
}
