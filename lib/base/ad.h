/* SPDX-License-Identifier: BSD-2-Clause; see COPYING */
/*
 * Shared declarations for every adpipe program: the version, the error
 * record lib/ functions fill in instead of printing, the exit codes
 * (sysexits), and allocation helpers that exit on failure.
 */
#ifndef AD_H
#define AD_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sysexits.h>

#define AD_VERSION "0.1.0"

/*
 * What went wrong, filled in by lib/ and reported by cmd/: where (a source
 * name and a line, 0 when there is none), why, and the exit status that the
 * failure maps to.
 */
struct ad_err {
	char file[256];
	size_t line;
	char msg[512];
	int status;
};

void ad_err_clear(struct ad_err *err);
void ad_err_set(struct ad_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ad_err_at(struct ad_err *err, int status, const char *file, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int ad_err_report(const struct ad_err *err);

void warn_at(const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vwarn_at(const char *file, size_t line, const char *fmt, va_list ap);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

int finish(int status);

/*
 * A program's hook for what lib/ recovers from and wants said (a model
 * that failed to reload, a key too short to train); arg is the hook's.
 */
typedef void (*ad_say_fn)(void *arg, const char *msg);
void ad_say(ad_say_fn fn, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set by SIGINT/SIGTERM (to the signal): stop reading, flush, commit. */
extern volatile sig_atomic_t ad_stop;
void ad_signals_init(void);
void ad_std_fds(void);
void ad_signals_fatal(void);
void ad_stop_reraise(void);

/*
 * Built with AddressSanitizer (gcc or clang): allocators that carve
 * objects from big blocks give each its own malloc() instead, so that
 * every object is checked.
 */
#if defined(__SANITIZE_ADDRESS__)
#define AD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AD_ASAN 1
#endif
#endif

#endif
