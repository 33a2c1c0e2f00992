/* version: what this build is, generated into build/version.c by scripts/version.sh.
 * Printed by `samen --version` and written to every output file. */
#ifndef SAMEN_VERSION_H
#define SAMEN_VERSION_H

extern const char samen_version[];      /* release, e.g. "0.1.0" */
extern const char samen_git_revision[]; /* `git describe --always --dirty --tags`, or "unknown" */
extern const char samen_compiler[];     /* first line of `$(CC) --version` */
extern const char samen_cflags[];       /* the CFLAGS the library was compiled with */

#endif
