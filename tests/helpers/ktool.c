/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * ktool: a small, independent Kafka client for the tests and benchmarks,
 * so that they check lib/kafka with something other than lib/kafka.
 *
 *	ktool BROKERS TOPIC count	per-partition message counts, then the total
 *	ktool BROKERS TOPIC dump	"partition<TAB>key<TAB>value" for every message
 *	ktool BROKERS TOPIC latency N	wait for N new messages; print the p50, p99
 *					and max of arrival time minus their "utc"
 */
#include <err.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include "base/timefmt.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * fetch.wait.max.ms=1: the mock broker answers an empty fetch only after
 * the whole wait (a real broker answers as soon as data arrives), and a
 * measuring consumer must not add a delay of its own.
 */
static rd_kafka_t *
client(rd_kafka_type_t type, const char *brokers)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char errstr[512];
	rd_kafka_t *rk;

	if (rd_kafka_conf_set(
		conf, "bootstrap.servers", brokers, errstr, sizeof(errstr)) ||
	    rd_kafka_conf_set(
		conf, "group.id", "ktool", errstr, sizeof(errstr)) ||
	    rd_kafka_conf_set(
		conf, "enable.partition.eof", "true", errstr, sizeof(errstr)) ||
	    rd_kafka_conf_set(
		conf, "fetch.wait.max.ms", "1", errstr, sizeof(errstr)) ||
	    rd_kafka_conf_set(
		conf, "socket.nagle.disable", "true", errstr, sizeof(errstr)))
		errx(78, "%s", errstr);
	if ((rk = rd_kafka_new(type, conf, errstr, sizeof(errstr))) == NULL)
		errx(78, "%s", errstr);
	return rk;
}

static int
partitions(rd_kafka_t *rk, const char *topic)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
	int n;

	if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != 0)
		errx(69, "no metadata for '%s'", topic);
	n = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	return n;
}

static int
count(rd_kafka_t *rk, const char *topic)
{
	int n = partitions(rk, topic);
	long long total = 0;

	for (int i = 0; i < n; i++) {
		int64_t lo, hi;

		if (rd_kafka_query_watermark_offsets(
			rk, topic, i, &lo, &hi, 10000))
			errx(69, "no watermarks for %s[%d]", topic, i);
		printf("%d\t%lld\t%lld\t%lld\n", i, (long long)(hi - lo),
		    (long long)lo, (long long)hi);
		total += hi - lo;
	}
	printf("total\t%lld\n", total);
	return 0;
}

static void
assign_all(rd_kafka_t *rk, const char *topic, int64_t offset)
{
	int n = partitions(rk, topic);
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new(n);

	for (int i = 0; i < n; i++)
		rd_kafka_topic_partition_list_add(l, topic, i)->offset = offset;
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_assign(rk, l);
	rd_kafka_topic_partition_list_destroy(l);
}

static int
dump(rd_kafka_t *rk, const char *topic)
{
	int n = partitions(rk, topic), eofs = 0;

	assign_all(rk, topic, RD_KAFKA_OFFSET_BEGINNING);
	while (!stop && eofs < n) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);

		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
			eofs++;
		else if (m->err)
			warnx("%s", rd_kafka_message_errstr(m));
		else
			printf("%d\t%.*s\t%.*s\n", (int)m->partition,
			    (int)m->key_len, m->key ? (char *)m->key : "",
			    (int)m->len, (char *)m->payload);
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
latency(rd_kafka_t *rk, const char *topic, long want)
{
	double *lat = calloc((size_t)want, sizeof(*lat));
	long got = 0;

	assign_all(rk, topic, RD_KAFKA_OFFSET_END);
	printf("ready\n");
	fflush(stdout);
	while (!stop && got < want) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
		struct timespec ts;
		json_t *rec;
		int64_t ms;
		struct time_form form;
		char why[100];

		if (m == NULL)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (m->err == 0 &&
		    (rec = json_loadb(m->payload, m->len, 0, NULL)) != NULL) {
			const char *u =
			    json_string_value(json_object_get(rec, "utc"));
			double us = 0;

			if (u != NULL &&
			    timefmt_parse(json_object_get(rec, "utc"), &ms,
				&form, why, sizeof(why)) == 0) {
				/* Keep the microseconds kdd-gen writes. */
				const char *dot = strchr(u, '.');

				us = ms * 1000.0;
				if (dot != NULL && strlen(dot) >= 7)
					us = ms * 1000.0 +
					     atoi((char[]){
						 dot[4], dot[5], dot[6], 0});
				lat[got++] = ((double)ts.tv_sec * 1e6 +
						 ts.tv_nsec / 1e3 - us) /
					     1000.0;
			}
			json_decref(rec);
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	if (got == 0)
		errx(1, "no messages");
	qsort(lat, (size_t)got, sizeof(*lat), cmp);
	printf("n=%ld p50=%.2fms p99=%.2fms max=%.2fms\n", got, lat[got / 2],
	    lat[(size_t)(got * 0.99)], lat[got - 1]);
	free(lat);
	return 0;
}

int
main(int argc, char **argv)
{
	rd_kafka_t *rk;
	int rc;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (argc < 4)
		errx(64, "usage: ktool brokers topic count|dump|latency N");
	rk = client(RD_KAFKA_CONSUMER, argv[1]);
	if (strcmp(argv[3], "count") == 0)
		rc = count(rk, argv[2]);
	else if (strcmp(argv[3], "dump") == 0)
		rc = dump(rk, argv[2]);
	else if (strcmp(argv[3], "latency") == 0 && argc == 5)
		rc = latency(rk, argv[2], atol(argv[4]));
	else
		errx(64, "unknown command '%s'", argv[3]);
	rd_kafka_destroy(rk);
	return rc;
}
