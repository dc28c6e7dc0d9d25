/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Kafka producer as a line sink: one line is one message, keyed by the
 * sink's key field when it has one (the default partitioner then keeps a
 * key on one partition).  Latency first: linger.ms=5 unless -X says
 * otherwise.  Every delivery report is checked; the first failure is kept
 * and returned by the next write, flush or close, so a lost message is
 * never silent: EX_TEMPFAIL when trying again may work (timeouts, brokers
 * down), EX_UNAVAILABLE otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "io/fdwrite.h"
#include "io/kafka.h"
#include "io/kafka_impl.h"

struct ksink {
	struct kafka_errs errs; /* first: it is the client's opaque */
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	struct kafka_uri uri;
	size_t nfailed;
	rd_kafka_resp_err_t failure;
	char failmsg[256];
	unsigned nwrites;
	int64_t stop_deadline_ms; /* after a stop: when waiting ends, else 0 */
};

static void
dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct ksink *kk = opaque;

	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	if (kk->nfailed++ == 0) {
		/*
		 * Not rd_kafka_message_errstr(): on a delivery report it is
		 * the payload, which has no NUL to end it.
		 */
		kk->failure = m->err;
		snprintf(kk->failmsg, sizeof(kk->failmsg), "%s",
		    rd_kafka_err2str(m->err));
	}
}

/* A record no broker will ever take as it is: bad data, not the network. */
static bool
undeliverable(rd_kafka_resp_err_t e)
{
	return e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
	       e == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE ||
	       e == RD_KAFKA_RESP_ERR_INVALID_MSG ||
	       e == RD_KAFKA_RESP_ERR_INVALID_RECORD ||
	       e == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE;
}

static int
failed(struct ksink *kk, struct ad_err *err)
{
	ad_err_set(err,
	    undeliverable(kk->failure)	       ? EX_DATAERR
	    : kafka_err_retriable(kk->failure) ? EX_TEMPFAIL
					       : EX_UNAVAILABLE,
	    "kafka: '%s': delivery failed for %zu message%s: %s", kk->uri.name,
	    kk->nfailed, kk->nfailed == 1 ? "" : "s", kk->failmsg);
	return -1;
}

/*
 * After a stop signal the brokers have FDWRITE_STOP_GRACE_MS to take what
 * is queued, as a pipe's reader has (lib/io/fdwrite): true, with err set
 * (EX_TEMPFAIL: nothing is committed, so the input is read again), once
 * that has passed.
 */
static bool
stopped_waiting(struct ksink *kk, struct ad_err *err)
{
	if (!ad_stop)
		return false;
	if (kk->stop_deadline_ms == 0)
		kk->stop_deadline_ms = clock_now_ms() + FDWRITE_STOP_GRACE_MS;
	if (clock_now_ms() < kk->stop_deadline_ms)
		return false;
	ad_err_set(err, EX_TEMPFAIL,
	    "kafka: '%s': %d message%s not delivered within %d ms of the stop",
	    kk->uri.name, rd_kafka_outq_len(kk->rk),
	    rd_kafka_outq_len(kk->rk) == 1 ? "" : "s", FDWRITE_STOP_GRACE_MS);
	return true;
}

static int
kk_write(void *impl, const char *buf, size_t len, const char *key,
    size_t keylen, struct ad_err *err)
{
	struct ksink *kk = impl;

	if (kk->nfailed > 0)
		return failed(kk, err);
	for (;;) {
		rd_kafka_resp_err_t e =
		    rd_kafka_producev(kk->rk, RD_KAFKA_V_RKT(kk->rkt),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_VALUE((void *)buf, len),
			RD_KAFKA_V_KEY((const void *)key, key ? keylen : 0),
			RD_KAFKA_V_END);

		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			ad_err_set(err,
			    undeliverable(e) ? EX_DATAERR : EX_UNAVAILABLE,
			    "kafka: '%s': %s", kk->uri.name,
			    rd_kafka_err2str(e));
			return -1;
		}
		/* Full queue: wait for deliveries to make room. */
		rd_kafka_poll(kk->rk, 50);
		if (kk->nfailed > 0)
			return failed(kk, err);
		if (stopped_waiting(kk, err))
			return -1;
	}
	if ((++kk->nwrites & 63) == 0)
		rd_kafka_poll(kk->rk, 0);
	return 0;
}

static int
kk_flush(void *impl, struct ad_err *err)
{
	struct ksink *kk = impl;
	rd_kafka_resp_err_t e;

	/*
	 * Bounded by message.timeout.ms: each message fails by then; after a
	 * stop, by the grace period.
	 */
	do
		e = rd_kafka_flush(kk->rk, 100);
	while (e == RD_KAFKA_RESP_ERR__TIMED_OUT &&
	       rd_kafka_outq_len(kk->rk) > 0 && !stopped_waiting(kk, err));
	rd_kafka_poll(kk->rk, 0);
	if (kk->nfailed > 0)
		return failed(kk, err);
	if (kk->stop_deadline_ms > 0 && rd_kafka_outq_len(kk->rk) > 0)
		return -1; /* err set by stopped_waiting() */
	return 0;
}

/* A push: serve delivery reports; librdkafka sends within linger.ms. */
static int
kk_push(void *impl, struct ad_err *err)
{
	struct ksink *kk = impl;

	rd_kafka_poll(kk->rk, 0);
	if (kk->nfailed > 0)
		return failed(kk, err);
	return 0;
}

static void
kk_free(struct ksink *kk)
{
	if (kk->rkt != NULL)
		rd_kafka_topic_destroy(kk->rkt);
	if (kk->rk != NULL)
		rd_kafka_destroy(kk->rk);
	kafka_uri_release(&kk->uri);
	free(kk);
}

static int
kk_close(void *impl, struct ad_err *err)
{
	struct ksink *kk = impl;
	int rc = kk_flush(kk, err);

	kk_free(kk);
	return rc;
}

static const struct sink_ops kafka_sink_ops = {
    .write = kk_write,
    .flush = kk_flush,
    .close = kk_close,
    .push = kk_push,
};

/*
 * Open a producer for uri.  Returns a new sink keyed by the URI's key=
 * field (caller closes with sink_close(), which waits for every delivery
 * report), or NULL with err set: EX_USAGE for a bad URI, EX_CONFIG for a
 * property librdkafka rejects, EX_UNAVAILABLE when no broker answers
 * within conf->timeout_ms or the topic does not exist.
 */
struct sink *
kafka_sink_open(const char *uri, const struct io_conf *conf, struct ad_err *err)
{
	struct ksink *kk = xcalloc(1, sizeof(*kk));
	const char *defaults[] = {"linger.ms=5", "compression.codec=lz4",
	    "socket.nagle.disable=true", "message.timeout.ms=30000", NULL};
	rd_kafka_conf_t *kc;
	struct sink *snk;
	int partitions = 0;

	if (kafka_uri_parse(&kk->uri, uri, err) < 0)
		goto fail;
	if (kk->uri.group != NULL || kk->uri.offset != KAFKA_OFFSET_DEFAULT) {
		ad_err_set(err, EX_USAGE,
		    "'%s': group= and offset= are for reading, not writing",
		    uri);
		goto fail;
	}
	if ((kc = kafka_conf_new(&kk->uri, conf, defaults, &kk->errs, err)) ==
	    NULL)
		goto fail;
	rd_kafka_conf_set_dr_msg_cb(kc, dr_msg_cb);
	if ((kk->rk = kafka_new(RD_KAFKA_PRODUCER, kc, err)) == NULL)
		goto fail;
	if (kafka_wait_topic(kk->rk, &kk->uri, conf->timeout_ms, &kk->errs,
		&partitions, err) < 0)
		goto fail;
	kk->rkt = rd_kafka_topic_new(kk->rk, kk->uri.topic, NULL);
	snk = sink_new(kk->uri.name, &kafka_sink_ops, kk, kk->uri.key);
	return snk;
fail:
	kk_free(kk);
	return NULL;
}
