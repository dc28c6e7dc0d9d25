/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * A forecasting model for the LSTM unit tests.
 */
#ifndef TLSTM_H
#define TLSTM_H

#include <stdlib.h>

#include "base/ad.h"
#include "lstm/lstm.h"
#include "lstm/lstmfile.h"

/*
 * A network that forecasts the last value of its window: every gate
 * saturated open except the forget gate, the cell input tanh(x·k) and the
 * output inverting it to first order (small k keeps tanh near linear).
 */
static inline struct lstmfile *
persistence_model(size_t window)
{
	struct lstmfile *m = xcalloc(1, sizeof(*m));
	struct lstm *net;
	size_t H = 1;
	const float k = 0.01f;

	m->window = window;
	m->hidden = H;
	m->id_field = xstrdup("id");
	m->time_field = xstrdup("ts");
	m->value_field = xstrdup("value");
	m->nnets = 1;
	m->nets = xcalloc(1, sizeof(*m->nets));
	m->nets[0] = net = lstm_new(H);
	/* gates i f o g: input open, forget shut, output open, g = tanh(kx) */
	LSTM_B(net)[0] = 30;
	LSTM_B(net)[1] = -30;
	LSTM_B(net)[2] = 30;
	LSTM_WX(net)[3] = k;
	/* h = tanh(tanh(kx)) ~ kx; y = h / k */
	LSTM_WY(net)[0] = 1 / k;
	lstm_sync(net);
	m->nkeys = 1;
	m->keys = xcalloc(1, sizeof(*m->keys));
	m->keys[0] = (struct lstmfile_key){.name = xstrdup("k"),
	    .min = 0,
	    .max = 100,
	    .err_mean = 0,
	    .err_sd = 0.01,
	    .points = 100};
	return m;
}

#endif
