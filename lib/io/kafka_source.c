/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Kafka consumer as a line source: one message is one line (a trailing
 * newline in the payload is dropped).  With group=G the consumer joins a
 * balanced group (eager or cooperative, whatever the assignment strategy
 * says); without it every partition is assigned directly.
 *
 * At-least-once: auto commit and auto offset store are off.  The source
 * remembers, per partition, the offset after the last message handed out;
 * source_commit() commits exactly those, and callers commit only after
 * everything derived from them is written.  Before the source waits for
 * messages, and before a rebalance takes partitions away, it runs the
 * source's idle hook (source_set_idle()), which is where lib/recin flushes
 * the program's sink and commits.
 *
 * Each time every assigned partition has reported its end, the source's
 * caught-up hook runs (source_set_caught_up()).
 *
 * -e: the source ends once it has an assignment and every assigned
 * partition has reported its end (enable.partition.eof); with a group this
 * is checked against the group's current assignment, so a member whose
 * partitions are all read stops even while others go on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "io/kafka.h"
#include "io/kafka_impl.h"

struct kpart {
	bool assigned;
	bool eof;
	int64_t next; /* last handed out + 1, or -1 */
	int64_t want; /* asked to commit by source_commit(), or -1 */
	int64_t done; /* confirmed committed, or -1 */
};

#define KPART_NEW(a)                                                           \
	((struct kpart){.assigned = (a), .next = -1, .want = -1, .done = -1})

struct ksource {
	struct kafka_errs errs; /* first: it is the client's opaque */
	rd_kafka_t *rk;
	struct kafka_uri uri;
	struct source *self;
	rd_kafka_message_t *msg; /* the message lent out as the line */
	struct kpart *parts;
	size_t nparts;
	bool use_group;
	bool do_commit;
	bool exit_at_end;
	bool assigned_once;
	bool closing;
	bool hook_failed;
	bool sync_commit; /* inside a rebalance: commit synchronously */
	struct ad_err hook_err;
	size_t max_line;
	size_t count;
	int64_t commit_ns; /* last confirmed commit, realtime, or 0 */
	int64_t timeout_ms;
	char where[320];
};

static struct kpart *
part_get(struct ksource *ks, int32_t p)
{
	if (p < 0)
		return NULL;
	if ((size_t)p >= ks->nparts) {
		size_t n = (size_t)p + 1;

		ks->parts = xreallocarray(ks->parts, n, sizeof(*ks->parts));
		memset(ks->parts + ks->nparts, 0,
		    (n - ks->nparts) * sizeof(*ks->parts));
		ks->nparts = n;
	}
	return &ks->parts[p];
}

static rd_kafka_resp_err_t send_commit(struct ksource *ks, bool sync);

static bool
cooperative(rd_kafka_t *rk)
{
	const char *proto = rd_kafka_rebalance_protocol(rk);

	return proto != NULL && strcmp(proto, "COOPERATIVE") == 0;
}

/*
 * Called from inside rd_kafka_consumer_poll(), so between two lines: the
 * program has finished with every line handed out, and the idle hook can
 * flush its output and commit before the partitions go to another member.
 */
static void
rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *list, void *opaque)
{
	struct ksource *ks = opaque;
	bool coop = cooperative(rk);

	if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		for (int i = 0; i < list->cnt; i++) {
			struct kpart *kp =
			    part_get(ks, list->elems[i].partition);

			/* Keep want/done: a commit refused in the rebalance
			 * goes out again now that the partition is back. */
			if (kp != NULL) {
				kp->assigned = true;
				kp->eof = false;
				kp->next = -1;
			}
		}
		ks->assigned_once = true;
		if (coop)
			rd_kafka_error_destroy(
			    rd_kafka_incremental_assign(rk, list));
		else
			rd_kafka_assign(rk, list);
		return;
	}
	if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !ks->closing &&
	    !ks->hook_failed) {
		ks->sync_commit = true;
		if (source_idle(ks->self, &ks->hook_err) < 0)
			ks->hook_failed = true;
		ks->sync_commit = false;
	} else if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && ks->closing) {
		send_commit(ks, true);
	}
	for (int i = 0; i < list->cnt; i++) {
		struct kpart *kp = part_get(ks, list->elems[i].partition);

		if (kp != NULL)
			kp->assigned = false;
	}
	/* Not at the end until the new assignment arrives. */
	ks->assigned_once = false;
	if (coop)
		rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, list));
	else
		rd_kafka_assign(rk, NULL);
}

/* Whether every assigned partition has reported its end. */
static bool
at_end(const struct ksource *ks)
{
	if (!ks->assigned_once)
		return false;
	for (size_t i = 0; i < ks->nparts; i++)
		if (ks->parts[i].assigned && !ks->parts[i].eof)
			return false;
	return true;
}

static int
message_error(struct ksource *ks, rd_kafka_message_t *m, struct ad_err *err)
{
	struct kpart *kp;

	switch (m->err) {
	case RD_KAFKA_RESP_ERR__PARTITION_EOF:
		kp = part_get(ks, m->partition);
		if (kp != NULL && kp->assigned)
			kp->eof = true;
		return 0;
	case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
	case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
	case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR__FATAL:
		ad_err_set(err, EX_UNAVAILABLE, "kafka: '%s': %s", ks->uri.name,
		    rd_kafka_message_errstr(m));
		return -1;
	default:
		/* Transport trouble: librdkafka reconnects by itself. */
		return 0;
	}
}

static int
ks_next(void *impl, struct line *line, struct ad_err *err)
{
	struct ksource *ks = impl;
	bool waited = false;
	int64_t idled = 0;

	if (ks->msg != NULL) {
		rd_kafka_message_destroy(ks->msg);
		ks->msg = NULL;
	}
	for (;;) {
		rd_kafka_message_t *m;
		struct kpart *kp;
		const char *p;
		size_t n;

		if (ks->hook_failed) {
			*err = ks->hook_err;
			return -1;
		}
		if (ad_stop || (ks->exit_at_end && at_end(ks)))
			return 0;
		m = rd_kafka_consumer_poll(ks->rk, waited ? 100 : 0);
		if (m == NULL) {
			/* Idle before waiting and every second of it. */
			int64_t now = clock_now_ms();

			if ((!waited || now - idled >= 1000) &&
			    source_idle(ks->self, err) < 0)
				return -1;
			if (!waited || now - idled >= 1000)
				idled = now;
			waited = true;
			continue;
		}
		if (m->err) {
			int rc = message_error(ks, m, err);

			rd_kafka_message_destroy(m);
			if (rc < 0)
				return -1;
			if (at_end(ks))
				source_caught_up(ks->self);
			continue;
		}
		kp = part_get(ks, m->partition);
		if (kp != NULL) {
			kp->next = m->offset + 1;
			kp->eof = false;
		}
		p = m->payload ? (const char *)m->payload : "";
		n = m->payload ? m->len : 0;
		while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		memset(line, 0, sizeof(*line));
		line->buf = p;
		line->len = n;
		if (n > ks->max_line) {
			line->len = ks->max_line;
			line->too_long = true;
		}
		line->lineno = ++ks->count;
		snprintf(ks->where, sizeof(ks->where), "%s[%d]@%lld",
		    ks->uri.topic, (int)m->partition, (long long)m->offset);
		line->where = ks->where;
		ks->msg = m;
		return 1;
	}
}

/* Record which commits the coordinator confirmed. */
static void
commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *list, void *opaque)
{
	struct ksource *ks = opaque;

	(void)rk;
	(void)e;
	for (int i = 0; list != NULL && i < list->cnt; i++) {
		rd_kafka_topic_partition_t *tp = &list->elems[i];
		struct kpart *kp = part_get(ks, tp->partition);

		if (kp != NULL && tp->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ks->commit_ns =
			    (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
			if (tp->offset > kp->done)
				kp->done = tp->offset;
		}
	}
}

/*
 * Send a commit for every assigned partition whose wanted offset is not
 * confirmed yet.  Returns the request's error (async: only local ones).
 */
static rd_kafka_resp_err_t
send_commit(struct ksource *ks, bool sync)
{
	rd_kafka_topic_partition_list_t *list;
	rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;

	list = rd_kafka_topic_partition_list_new((int)ks->nparts);
	for (size_t i = 0; i < ks->nparts; i++) {
		struct kpart *kp = &ks->parts[i];

		if (kp->assigned && kp->want > kp->done)
			rd_kafka_topic_partition_list_add(
			    list, ks->uri.topic, (int32_t)i)
			    ->offset = kp->want;
	}
	if (list->cnt > 0) {
		e = rd_kafka_commit(ks->rk, list, sync ? 0 : 1);
		if (sync && e == RD_KAFKA_RESP_ERR_NO_ERROR)
			commit_cb(ks->rk, e, list, ks);
	}
	rd_kafka_topic_partition_list_destroy(list);
	return e;
}

/*
 * Commit the offsets handed out on the partitions still assigned.  Async
 * while consuming; sync inside a rebalance, where the next owner must see
 * them.  A commit the coordinator refuses (the group is rebalancing) is
 * sent again with the next one, and at close.
 */
static int
ks_commit(void *impl, struct ad_err *err)
{
	struct ksource *ks = impl;
	rd_kafka_resp_err_t e;

	if (!ks->do_commit)
		return 0;
	for (size_t i = 0; i < ks->nparts; i++)
		if (ks->parts[i].assigned && ks->parts[i].next >= 0)
			ks->parts[i].want = ks->parts[i].next;
	e = send_commit(ks, ks->sync_commit);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR && !ks->sync_commit) {
		ad_err_set(err, EX_UNAVAILABLE, "kafka: '%s': commit: %s",
		    ks->uri.name, rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

/* Whether some commit asked for is not confirmed yet. */
static bool
commit_pending(const struct ksource *ks)
{
	for (size_t i = 0; i < ks->nparts; i++)
		if (ks->parts[i].want > ks->parts[i].done)
			return true;
	return false;
}

/*
 * Before leaving: commits refused while the group was rebalancing are
 * tried again once this member has rejoined and has the partitions back,
 * for up to the timeout.  Messages fetched meanwhile are dropped; they
 * were never handed out.
 */
static void
finish_commits(struct ksource *ks)
{
	int64_t waited = 0;

	while (ks->do_commit && commit_pending(ks) && waited < ks->timeout_ms) {
		rd_kafka_message_t *m;

		if (send_commit(ks, true) == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if ((m = rd_kafka_consumer_poll(ks->rk, 100)) != NULL)
			rd_kafka_message_destroy(m);
		waited += 100;
	}
}

static void
ks_free(void *impl)
{
	struct ksource *ks = impl;

	if (ks == NULL)
		return;
	ks->closing = true;
	if (ks->msg != NULL)
		rd_kafka_message_destroy(ks->msg);
	if (ks->rk != NULL) {
		finish_commits(ks);
		/* Waits for pending commits and leaves the group. */
		rd_kafka_consumer_close(ks->rk);
		rd_kafka_destroy(ks->rk);
	}
	kafka_uri_release(&ks->uri);
	free(ks->parts);
	free(ks);
}

/*
 * The lag: for each assigned partition whose high watermark the fetcher
 * knows (cached, no request), the watermark minus the next offset to read
 * (the low watermark when none was read yet).  False before an
 * assignment.
 */
static bool
ks_lag(void *impl, struct source_lag *out)
{
	struct ksource *ks = impl;
	bool any = false;

	out->lag = 0;
	out->commit_ns = ks->commit_ns;
	for (size_t i = 0; i < ks->nparts; i++) {
		int64_t lo, hi, pos;

		if (!ks->parts[i].assigned ||
		    rd_kafka_get_watermark_offsets(ks->rk, ks->uri.topic,
			(int32_t)i, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    hi < 0)
			continue;
		pos = ks->parts[i].next >= 0 ? ks->parts[i].next : lo;
		if (pos >= 0 && hi > pos)
			out->lag += hi - pos;
		any = true;
	}
	return any;
}

static const struct source_ops kafka_source_ops = {
    .next = ks_next,
    .commit = ks_commit,
    .close = ks_free,
    .lag = ks_lag,
};

static int
start(struct ksource *ks, int partitions, struct ad_err *err)
{
	rd_kafka_topic_partition_list_t *list;
	rd_kafka_resp_err_t e;
	int64_t offset;

	list = rd_kafka_topic_partition_list_new(partitions);
	if (ks->use_group) {
		rd_kafka_topic_partition_list_add(
		    list, ks->uri.topic, RD_KAFKA_PARTITION_UA);
		e = rd_kafka_subscribe(ks->rk, list);
	} else {
		switch (ks->uri.offset) {
		case KAFKA_OFFSET_LATEST:
			offset = RD_KAFKA_OFFSET_END;
			break;
		case KAFKA_OFFSET_STORED:
			offset = RD_KAFKA_OFFSET_STORED;
			break;
		default:
			offset = RD_KAFKA_OFFSET_BEGINNING;
		}
		for (int i = 0; i < partitions; i++) {
			rd_kafka_topic_partition_list_add(
			    list, ks->uri.topic, i)
			    ->offset = offset;
			*part_get(ks, i) = KPART_NEW(true);
		}
		ks->assigned_once = true;
		e = rd_kafka_assign(ks->rk, list);
	}
	rd_kafka_topic_partition_list_destroy(list);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		ad_err_set(err, EX_UNAVAILABLE, "kafka: '%s': %s", ks->uri.name,
		    rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

/*
 * Open a consumer for uri.  Returns a new source (caller frees with
 * source_close(), which leaves the group), or NULL with err set: EX_USAGE
 * for a bad URI, EX_CONFIG for a property librdkafka rejects,
 * EX_UNAVAILABLE when the brokers do not answer within conf->timeout_ms or
 * the topic does not exist.
 */
struct source *
kafka_source_open(
    const char *uri, const struct io_conf *conf, struct ad_err *err)
{
	struct ksource *ks = xcalloc(1, sizeof(*ks));
	char group[300], reset[64];
	const char *defaults[] = {group, reset, "enable.auto.commit=false",
	    "enable.auto.offset.store=false", "enable.partition.eof=true",
	    "socket.nagle.disable=true", "fetch.wait.max.ms=10", NULL};
	rd_kafka_conf_t *kc;
	int partitions = 0;

	if (kafka_uri_parse(&ks->uri, uri, err) < 0)
		goto fail;
	ks->use_group = ks->uri.group != NULL;
	ks->do_commit = ks->use_group || ks->uri.offset == KAFKA_OFFSET_STORED;
	ks->exit_at_end = conf->exit_at_end;
	ks->max_line = conf->max_line ? conf->max_line : IO_MAX_LINE_DEFAULT;
	ks->timeout_ms = conf->timeout_ms;
	snprintf(group, sizeof(group), "group.id=%s",
	    ks->use_group && *ks->uri.group ? ks->uri.group
	    : conf->client_id		    ? conf->client_id
					    : "adpipe");
	snprintf(reset, sizeof(reset), "auto.offset.reset=%s",
	    ks->uri.offset == KAFKA_OFFSET_LATEST ? "latest" : "earliest");
	if ((kc = kafka_conf_new(&ks->uri, conf, defaults, &ks->errs, err)) ==
	    NULL)
		goto fail;
	if (ks->use_group)
		rd_kafka_conf_set_rebalance_cb(kc, rebalance_cb);
	rd_kafka_conf_set_offset_commit_cb(kc, commit_cb);
	if ((ks->rk = kafka_new(RD_KAFKA_CONSUMER, kc, err)) == NULL)
		goto fail;
	rd_kafka_poll_set_consumer(ks->rk);
	if (kafka_wait_topic(ks->rk, &ks->uri, conf->timeout_ms, &ks->errs,
		&partitions, err) < 0)
		goto fail;
	if (start(ks, partitions, err) < 0)
		goto fail;
	ks->self = source_new(ks->uri.name, &kafka_source_ops, ks);
	return ks->self;
fail:
	ks->closing = true;
	if (ks->rk != NULL)
		rd_kafka_destroy_flags(
		    ks->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	ks->rk = NULL;
	ks_free(ks);
	return NULL;
}
