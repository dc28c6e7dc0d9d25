/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae
 * and Terpenning 1990), a port of the netlib Fortran that R's stl() calls,
 * with R's rules for the parameters a caller leaves out.
 */
#ifndef STL_H
#define STL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ad.h"

/*
 * Parameters, as R's stl() names them.  STL_UNSET (or periodic for
 * s_window) means "R's default"; stl_params_resolve() fills them in.
 */
#define STL_UNSET (-1L)

struct stl_params {
	long period;
	bool periodic; /* s.window = "periodic": 10 n + 1, s.degree 0 */
	long s_window, s_degree;
	long t_window, t_degree;
	long l_window, l_degree;
	long s_jump, t_jump, l_jump;
	long inner, outer;
	bool robust;
};

void stl_params_init(struct stl_params *p);
int stl_params_resolve(struct stl_params *p, size_t n, struct ad_err *err);

int stl_decompose(const double *y, size_t n, const struct stl_params *p,
    double *seasonal, double *trend, double *remainder, double *weight,
    struct ad_err *err);

void stl_loess(const double *y, size_t n, long window, long degree, long jump,
    double *out);

long stl_nextodd(double x);

#endif
