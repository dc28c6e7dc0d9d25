/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * The monotonic clock (CLOCK_MONOTONIC) every timer of the library reads:
 * flush and commit intervals, model reload checks, progress bars, Kafka
 * timeouts, training times and the token bucket's sleeps.  Code that must
 * be testable with a fake clock takes the time as an argument instead
 * (tokenbucket_take()) and its caller reads it here.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

int64_t clock_now_ns(void);
int64_t clock_now_ms(void);
int64_t clock_coarse_ms(void);
double clock_now_s(void);
void clock_sleep_until_ns(int64_t deadline_ns);

#endif
