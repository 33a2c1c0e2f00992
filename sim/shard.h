/* shard: one finished run on disk, written atomically (temporary name, fsync, rename), so a run
 * that is in a shard survives kill -9 and an interrupted experiment can resume from its shards.
 * The format is private to one build of samen (a resumed experiment checks the build). */
#ifndef SAMEN_SHARD_H
#define SAMEN_SHARD_H
#include "run.h"

enum run_status { RUN_DONE = 0, RUN_FAILED = 1 };

/* The file name of run (point, condition, replicate) in dir, into buf. */
void shard_path(char *buf, size_t n, const char *dir, int point, int cond, int rep);
/* Write a finished run (status RUN_DONE) or a failed one (RUN_FAILED with a reason; r may then
 * hold no data). Dies on I/O errors. */
void shard_write(const char *dir, const run_result *r, int point, int status, const char *reason);
/* Read a shard. Returns 0 and fills r (owned by the caller: run_result_free), *status and the
 * reason; -1 when the file is missing, truncated or corrupt (it is then ignored and rerun). */
int shard_read(const char *path, run_result *r, int *point, int *status, char *reason, size_t n);

#endif
