/* shard: finished runs on disk as they finish, so an interrupted experiment can resume.
 *
 * Each worker thread appends its runs to its own log file in the experiment's directory
 * (OUT.partial.d/log-PID-THREAD.bin): one record per run, each ending with a checksum, written
 * with one flush. A kill -9 can only cut the last record of a log short; a scan stops at the
 * first record that is short or fails its checksum, and that run is done again. (One log per
 * thread instead of one file per run: creating and deleting thousands of small files costs the
 * file system more than the runs.) The format is private to one build of samen. */
#ifndef SAMEN_SHARD_H
#define SAMEN_SHARD_H
#include "run.h"
#include <stdio.h>

enum run_status { RUN_DONE = 0, RUN_FAILED = 1 };

typedef struct shard_log shard_log;

/* Open a new log for appending in dir, named by the process id and `tag`. Dies on errors. */
shard_log *shard_log_open(const char *dir, int tag);
/* Append a finished run (RUN_DONE) or a failed one (RUN_FAILED with a reason; r may then hold no
 * data), then flush. Returns the record's offset in the log. Dies on I/O errors. */
long shard_log_write(shard_log *l, const run_result *r, int point, int status, const char *reason);
const char *shard_log_path(const shard_log *l);
void shard_log_close(shard_log *l);

/* Where a run's record is: file index into the scan's list, byte offset; file -1 when missing. */
typedef struct shard_ref {
    int file;
    long offset;
    int n_projects;
    int n_partners;            /* rows of its partner table */
} shard_ref;

typedef struct shard_scan {
    int n_files;
    char **files;              /* owned */
    FILE **open;               /* the files, opened on first read */
    shard_ref *ref;            /* [P * C * R], run order (point, condition, replicate) */
    long long found;           /* runs with a valid record */
} shard_scan;

/* Scan every log in dir for the records of a P x C x R experiment. With verify, every record's
 * checksum is checked (a resume); without, the records are found from their headers (the logs
 * this process just wrote) and checked when read. */
void shard_scan_dir(const char *dir, int P, int C, int R, int verify, shard_scan *s);
void shard_scan_free(shard_scan *s);
/* Read the record of run i (shard_ref). Returns 0 and fills r (free with run_result_free),
 * *status and the reason; -1 when it cannot be read back. */
int shard_read(const shard_scan *s, long long i, run_result *r, int *status, char *reason, size_t n);
/* Add a log file to a scan's list (a log this process writes); returns its index. */
int shard_scan_add_file(shard_scan *s, const char *path);

#endif
