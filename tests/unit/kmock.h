/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * What the Kafka unit tests share: a monotonic clock, a loopback port
 * nothing listens on, and an in-process librdkafka mock cluster.
 */
#ifndef KMOCK_H
#define KMOCK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A loopback port nothing listens on. */
static inline int
closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* A mock cluster of 3 brokers on the handle *mrk; NULL if none. */
static inline rd_kafka_mock_cluster_t *
kmock_start(rd_kafka_t **mrk)
{
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	char errstr[256];

	rd_kafka_conf_set(kc, "log_level", "3", NULL, 0);
	*mrk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
	return *mrk ? rd_kafka_mock_cluster_new(*mrk, 3) : NULL;
}

static inline void
kmock_stop(rd_kafka_mock_cluster_t *mc, rd_kafka_t *mrk)
{
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(mrk);
}

#endif
