/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A one-layer LSTM with one input and a dense output, predicting the next
 * value of a series from the previous T values: the forecaster of
 * ad-forecast.  Single precision, as PyTorch and TensorFlow train it.
 *
 * Parameters live in one contiguous vector (so that Adam is one loop):
 *   WT[H][4H]  recurrent weights, row k = what h[k] adds to every gate
 *   wx[4H]     input weights        b[4H]  gate biases
 *   wy[H]      output weights       by     output bias
 * with the gates of a row ordered input, forget, output, cell (i f o g).
 * Training is full backpropagation through time over the window, MSE
 * loss, Adam, mini-batches split into fixed shards of LSTM_SHARD windows
 * that worker threads process in parallel; the shard gradients are summed
 * in shard order, so results do not depend on the number of threads.
 */
#ifndef LSTM_H
#define LSTM_H

#include <stddef.h>
#include <stdint.h>

#include "base/ad.h"

/* Windows per shard: a multiple of the GEMM kernel's 6 rows. */
#define LSTM_SHARD 24

struct lstm {
	size_t hidden; /* H */
	size_t nparam;
	float *p; /* nparam parameters, layout above */
	float *w; /* W[4H][H], WT transposed, kept in step by lstm_sync() */
};

/* Offsets into lstm.p */
#define LSTM_WT(m) ((m)->p)
#define LSTM_WX(m) ((m)->p + 4 * (m)->hidden * (m)->hidden)
#define LSTM_B(m) (LSTM_WX(m) + 4 * (m)->hidden)
#define LSTM_WY(m) (LSTM_B(m) + 4 * (m)->hidden)
#define LSTM_BY(m) (LSTM_WY(m) + (m)->hidden)

size_t lstm_nparam(size_t hidden);
struct lstm *lstm_new(size_t hidden);
void lstm_init_params(struct lstm *m, uint64_t seed);
void lstm_sync(struct lstm *m);
void lstm_free(struct lstm *m);

/* Scratch space for the forward and backward passes of up to n windows. */
struct lstm_ws;
struct lstm_ws *lstm_ws_new(size_t hidden, size_t window, size_t n);
void lstm_ws_free(struct lstm_ws *ws);

double lstm_predict(
    const struct lstm *m, struct lstm_ws *ws, const float *x, size_t window);
void lstm_forward(const struct lstm *m, struct lstm_ws *ws, const float *series,
    const size_t *start, size_t n, size_t window, float *pred);
double lstm_gradient(const struct lstm *m, struct lstm_ws *ws,
    const float *series, const size_t *start, size_t n, size_t window,
    double scale, float *grad);

/* Training: what lstm_fit() reports after each batch and each epoch. */
struct lstm_fit_conf {
	size_t window, epochs, batch, threads;
	double lr;
	uint64_t seed;
	void (*on_batch)(void *arg);
	void (*on_epoch)(
	    void *arg, size_t epoch, double train_loss, double val_loss);
	void *arg;
};

int lstm_fit(struct lstm *m, const float *series, const size_t *train,
    size_t ntrain, const size_t *val, size_t nval,
    const struct lstm_fit_conf *conf, struct ad_err *err);
int lstm_predict_many(const struct lstm *m, const float *series,
    const size_t *start, size_t n, size_t window, size_t threads, float *pred,
    struct ad_err *err);

#endif
