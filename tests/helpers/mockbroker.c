/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * mockbroker: a Kafka protocol endpoint for the tests, after kcat's -M.
 * It holds a librdkafka mock cluster (rdkafka_mock.h) with N brokers,
 * creates the topics named as TOPIC:PARTITIONS operands, prints the
 * bootstrap address ("127.0.0.1:PORT,...") on stdout, and runs until its
 * stdin closes or it gets SIGINT/SIGTERM.  Lines on stdin take brokers
 * away and back, for fault tests: "down ID", "up ID" ("all" for every
 * broker; IDs count from 1).  "stall ID MS" makes the broker answer each
 * of the next 1000 produce requests MS milliseconds late (metadata and
 * the rest on time), so that a producer's messages time out while it
 * still knows the cluster: a delivery that fails and may work later.
 *
 *	mockbroker [-b brokers] topic:partitions ...
 */
#include <err.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fputs("usage: mockbroker [-b brokers] topic:partitions ...\n", stderr);
	exit(64);
}

/* Hold the next n produce requests to broker id for ms each. */
static void
stall(rd_kafka_mock_cluster_t *mc, int id, int ms)
{
	enum { PRODUCE = 0, n = 1000 }; /* the protocol's ApiKey */

	for (int i = 0; i < n; i++)
		rd_kafka_mock_broker_push_request_error_rtts(
		    mc, id, PRODUCE, 1, RD_KAFKA_RESP_ERR_NO_ERROR, ms);
}

/*
 * Apply "down ID", "up ID" and "stall ID MS" lines (ID a number or
 * "all").
 */
static void
command(rd_kafka_mock_cluster_t *mc, int nbrokers, char *text)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char verb[8], which[8];
		int from, to, ms = 0;

		if (sscanf(line, "%7s %7s %d", verb, which, &ms) < 2)
			continue;
		from = to = atoi(which);
		if (strcmp(which, "all") == 0) {
			from = 1;
			to = nbrokers;
		}
		for (int id = from; id >= 1 && id <= to; id++) {
			if (strcmp(verb, "down") == 0)
				rd_kafka_mock_broker_set_down(mc, id);
			else if (strcmp(verb, "up") == 0)
				rd_kafka_mock_broker_set_up(mc, id);
			else if (strcmp(verb, "stall") == 0 && ms > 0)
				stall(mc, id, ms);
		}
	}
}

int
main(int argc, char **argv)
{
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	struct sigaction sa;
	char errstr[512];
	int nbrokers = 3, c;

	while ((c = getopt(argc, argv, "b:")) != -1) {
		switch (c) {
		case 'b':
			nbrokers = atoi(optarg);
			if (nbrokers < 1 || nbrokers > 16)
				usage();
			break;
		default:
			usage();
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The mock cluster needs a client instance to live in. */
	conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (rk == NULL)
		errx(70, "kafka: %s", errstr);
	mc = rd_kafka_mock_cluster_new(rk, nbrokers);
	if (mc == NULL)
		errx(70, "kafka: cannot create the mock cluster");
	for (int i = optind; i < argc; i++) {
		char *name = strdup(argv[i]), *colon = strrchr(name, ':');
		int parts = colon ? atoi(colon + 1) : 1;
		rd_kafka_resp_err_t e;

		if (colon)
			*colon = '\0';
		if (parts < 1)
			usage();
		e = rd_kafka_mock_topic_create(
		    mc, name, parts, nbrokers < 3 ? nbrokers : 3);
		if (e)
			errx(70, "kafka: topic '%s': %s", name,
			    rd_kafka_err2str(e));
		free(name);
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	while (!stop) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		char buf[256];

		if (poll(&p, 1, 200) > 0) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf) - 1);

			if (n <= 0)
				break;
			buf[n] = '\0';
			command(mc, nbrokers, buf);
		}
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
