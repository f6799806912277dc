/*
 * proc.h - what /proc says about a process: its threads, its start time.
 */
#ifndef MVL_PROC_H
#define MVL_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* All thread ids of a process, from /proc/PID/task, sorted; 0, or -1 when it is gone. */
int proc_threads(pid_t pid, pid_t **tids, size_t *nr);

/*
 * Start time of pid from /proc (field 22 of /proc/PID/stat, in clock ticks
 * since boot): with the pid, a process's identity. 0 when it does not exist
 * or has exited (a zombie leader whose other threads still run has not: it
 * holds its memory).
 */
unsigned long long proc_start_time(pid_t pid);

#endif
