/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * lib/lstm: the analytic gradient against central finite differences on
 * small networks (hidden sizes that exercise both the vector lanes and the
 * scalar tails), shard/thread invariance, and a pure sine wave learnt to a
 * validation RMSE below 1% of its amplitude.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lstm/lstm.h"
#include "base/prng.h"
#include "tap.h"

static double
loss_of(const struct lstm *m, struct lstm_ws *ws, const float *series,
    const size_t *start, size_t n, size_t T)
{
	float pred[64];
	double l = 0;

	lstm_forward(m, ws, series, start, n, T, pred);
	for (size_t i = 0; i < n; i++) {
		double e = (double)pred[i] - series[start[i] + T];

		l += e * e;
	}
	return l;
}

static void
gradient_check(size_t H, size_t T, size_t n)
{
	struct lstm *m = lstm_new(H);
	struct lstm_ws *ws = lstm_ws_new(H, T, n);
	float *series = calloc(n + T + 1, sizeof(float));
	float *grad = calloc(m->nparam, sizeof(float));
	size_t start[64], bad = 0, worst = 0;
	double worst_rel = 0;
	struct prng r;

	prng_init(&r, 7 + H);
	lstm_init_params(m, 3);
	for (size_t i = 0; i < m->nparam; i++)
		m->p[i] += (float)(0.3 * prng_normal(&r));
	lstm_sync(m);
	for (size_t i = 0; i < n + T + 1; i++)
		series[i] = (float)prng_uniform(&r);
	for (size_t i = 0; i < n; i++)
		start[i] = i;
	lstm_gradient(m, ws, series, start, n, T, 1.0, grad);
	for (size_t i = 0; i < m->nparam; i++) {
		const float eps = 2e-2f;
		float keep = m->p[i];
		double up, down, num, rel;

		m->p[i] = keep + eps;
		lstm_sync(m);
		up = loss_of(m, ws, series, start, n, T);
		m->p[i] = keep - eps;
		lstm_sync(m);
		down = loss_of(m, ws, series, start, n, T);
		m->p[i] = keep;
		num = (up - down) / (2 * (double)eps);
		/*
		 * The loss is single precision: its rounding, about 1e-6
		 * here, over 2 eps, sets the absolute floor.
		 */
		rel = fabs(num - grad[i]) / (fabs(num) + fabs(grad[i]) + 1e-2);
		if (rel > worst_rel) {
			worst_rel = rel;
			worst = i;
		}
		if (rel > 2e-2)
			bad++;
	}
	lstm_sync(m);
	ok(bad == 0,
	    "gradient check H=%zu T=%zu n=%zu: %zu of %zu parameters "
	    "off, worst relative error %.2g (parameter %zu)",
	    H, T, n, bad, m->nparam, worst_rel, worst);
	free(grad);
	free(series);
	lstm_ws_free(ws);
	lstm_free(m);
}

struct epochs {
	double first, last;
	size_t n;
};

static void
on_epoch(void *arg, size_t epoch, double train_loss, double val_loss)
{
	struct epochs *e = arg;

	(void)train_loss;
	if (epoch == 1)
		e->first = val_loss;
	e->last = val_loss;
	e->n = epoch;
}

static void
sine(void)
{
	size_t N = 1500, T = 30, ntrain = 0, nval = 0;
	float *s = malloc(N * sizeof(float));
	size_t *tr = malloc(N * sizeof(size_t)),
	       *va = malloc(N * sizeof(size_t));
	struct lstm *m = lstm_new(32), *m2;
	struct lstm_fit_conf conf = {.window = T,
	    .epochs = 40,
	    .batch = 32,
	    .threads = 2,
	    .lr = 0.005,
	    .seed = 1,
	    .on_epoch = on_epoch};
	struct epochs ep = {0};
	struct ad_err err;
	double rmse;

	/* amplitude 0.5 in the normalised units: 0.5 + 0.5 sin(...) */
	for (size_t i = 0; i < N; i++)
		s[i] = (float)(0.5 + 0.5 * sin(2 * M_PI * (double)i / 37.0));
	for (size_t i = 0; i + T < N; i++) {
		if (i + T < N * 8 / 10)
			tr[ntrain++] = i;
		else
			va[nval++] = i;
	}
	conf.arg = &ep;
	lstm_init_params(m, 1);
	ok(lstm_fit(m, s, tr, ntrain, va, nval, &conf, &err) == 0, "fit runs");
	rmse = sqrt(ep.last);
	ok(ep.n == 40 && ep.last < ep.first,
	    "validation loss falls: %.3g -> %.3g", ep.first, ep.last);
	ok(rmse < 0.01 * 0.5, "sine validation RMSE %.3g < 1%% of amplitude",
	    rmse);

	/* the same seed with one thread: the same network, bit for bit */
	m2 = lstm_new(32);
	lstm_init_params(m2, 1);
	conf.threads = 1;
	conf.epochs = 2;
	lstm_init_params(m, 1);
	conf.threads = 3;
	lstm_fit(m, s, tr, ntrain, va, nval, &conf, &err);
	conf.threads = 1;
	lstm_fit(m2, s, tr, ntrain, va, nval, &conf, &err);
	ok(memcmp(m->p, m2->p, m->nparam * sizeof(float)) == 0,
	    "1 and 3 threads train identical weights");
	lstm_free(m2);
	lstm_free(m);
	free(s);
	free(tr);
	free(va);
}

static void
predict_paths(void)
{
	struct lstm *m = lstm_new(20);
	struct lstm_ws *ws1 = lstm_ws_new(20, 10, 1);
	float s[200], pred[190];
	size_t start[190];
	struct ad_err err;
	size_t same = 0;

	lstm_init_params(m, 9);
	for (size_t i = 0; i < 200; i++)
		s[i] = (float)(0.5 + 0.4 * cos((double)i / 5));
	for (size_t i = 0; i < 190; i++)
		start[i] = i;
	lstm_predict_many(m, s, start, 190, 10, 2, pred, &err);
	for (size_t i = 0; i < 190; i++)
		same += fabs(lstm_predict(m, ws1, s + i, 10) - pred[i]) < 1e-6;
	ok(same == 190, "one window at a time agrees with batches (%zu/190)",
	    same);
	lstm_ws_free(ws1);
	lstm_free(m);
}

int
main(void)
{
	gradient_check(3, 4, 5);
	gradient_check(5, 6, 9);
	gradient_check(16, 5, 13);
	predict_paths();
	sine();
	return tap_done();
}
