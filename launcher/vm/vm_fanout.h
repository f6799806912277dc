/*
 * vm_fanout.h - one command on several VMs at once ('up A B C', 'down --all').
 *
 * Each VM gets a forked worker that runs the single-VM command as it runs
 * alone (same steps, same locks, same messages); its stdout and stderr go to
 * memory files, copied whole to the caller's streams in the order the VMs
 * were named, so the output of ten workers never interleaves. The caller then prints one
 * summary from the jobs' exit codes and first error lines.
 */
#ifndef MVL_VM_FANOUT_H
#define MVL_VM_FANOUT_H

#include <stdio.h>
#include <sys/types.h>

#include "util/strbuf.h"

struct vm_fanout_job {
	const char *name;	/* the caller's */
	pid_t pid;		/* the worker, 0 once reaped */
	int started;		/* a worker was forked for it */
	int out_fd, err_fd;	/* what it printed (memfds), -1 once printed */
	int code;		/* its exit code; 128 + N when signal N killed it */
	char *reason;		/* its first error, without "mvlaunch: error: " (NULL: none); owned */
};

/*
 * Run fn(name, data) in one worker per job, all at once; fn's return value
 * is the worker's exit code. Each job's output is copied to out and err
 * (the caller's: stdout and stderr for a command) as soon as it and every
 * job named before it are done. A Ctrl-C,
 * SIGTERM or SIGHUP pending in the caller (interrupt_arm()) is passed on to
 * the workers, which undo their work as a lone command would. Returns how
 * many jobs failed (code != 0), or -1 when no worker could be started.
 * settle (may be NULL) is called in the caller's process each time it is
 * about to wait for the workers again (after one or more ended, a reaped
 * job has pid 0), with data; it returns how many ms it wants to be called
 * again at the latest, or -1 for "at the next worker's end".
 */
typedef int (*vm_fanout_settle_fn)(void *data, const struct vm_fanout_job *jobs, size_t nr);
int vm_fanout_run(struct vm_fanout_job *jobs, size_t nr, int (*fn)(const char *name, void *data), void *data,
		  vm_fanout_settle_fn settle, FILE *out, FILE *err);

/*
 * The reason a worker gives in what it wrote to stderr: its first
 * "mvlaunch: error: " line that is not the "cannot start/stop VM 'X'"
 * headline, without the prefix (else the headline's, else NULL). New string.
 */
char *vm_fanout_reason(const char *stderr_text);

/*
 * The summary of a run: into out, "VERB N of M: a, b" (the jobs that
 * succeeded, VERB "started" or "stopped"); into err, one line per failed
 * job, "'c': REASON" (or "exit N"). Returns how many failed.
 */
size_t vm_fanout_summary(const struct vm_fanout_job *jobs, size_t nr, const char *verb, struct strbuf *out,
			 struct strbuf *err);

void vm_fanout_release(struct vm_fanout_job *jobs, size_t nr);

#endif
