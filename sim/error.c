#include "error.h"
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*cleanup)(void);
static _Thread_local jmp_buf *trap;
static _Thread_local char trap_message[512];

void error_set_trap(jmp_buf *t) { trap = t; }
const char *error_trap_message(void) { return trap_message; }

void error_set_cleanup(void (*fn)(void)) { cleanup = fn; }

static noreturn void vfail(int status, const char *fmt, va_list ap) {
    if (trap) {
        jmp_buf *t = trap;
        trap = NULL;
        vsnprintf(trap_message, sizeof trap_message, fmt, ap);
        longjmp(*t, 1);
    }
    fputs("samen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (cleanup) {
        void (*fn)(void) = cleanup;
        cleanup = NULL;
        fn();
    }
    exit(status);
}

void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(SAMEN_EXIT_RUNTIME, fmt, ap);
}

void die_input(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(SAMEN_EXIT_INPUT, fmt, ap);
}

void warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("samen: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}
void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}
void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory (%zu bytes)", n);
    return q;
}
char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static void gsl_handler(const char *reason, const char *file, int line, int gsl_errno) {
    die("GSL error %d (%s) at %s:%d", gsl_errno, reason, file, line);
}
void error_install_gsl_handler(void) { gsl_set_error_handler(gsl_handler); }
