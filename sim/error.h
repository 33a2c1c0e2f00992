/* error: the one fatal path and warnings. */
#ifndef SAMEN_ERROR_H
#define SAMEN_ERROR_H
#include <stddef.h>
#include <stdnoreturn.h>

/* Exit statuses of the CLI. */
enum { SAMEN_EXIT_OK = 0, SAMEN_EXIT_RUNTIME = 1, SAMEN_EXIT_INPUT = 2 };

/* Print "samen: <message>" on stderr, run the cleanup hook (removes partial outputs), exit 1. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, exit 2: the input was bad. */
noreturn void die_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A function run once before exit on a fatal error (e.g. remove OUT.partial). */
void error_set_cleanup(void (*fn)(void));
/* A trap for die() in the calling thread: while set, die() stores its message in
 * error_trap_message and longjmps to *trap instead of exiting (one failing run must not end an
 * experiment). NULL removes it. */
#include <setjmp.h>
void error_set_trap(jmp_buf *trap);
const char *error_trap_message(void);
/* Allocation that dies on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Install a GSL error handler that calls die(). */
void error_install_gsl_handler(void);

#endif
