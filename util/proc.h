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

/*
 * A pidfd for pid (pidfd_open(2), close-on-exec): readable in poll once the
 * process has exited; -1 with errno (ENOSYS before Linux 5.3).
 */
int proc_pidfd(pid_t pid);

/* This process's CLOCK_MONOTONIC in milliseconds: for deadlines and waits. */
long long proc_mono_ms(void);

/* How a thread runs, from /proc/PID/task/TID/schedstat and stat. */
struct proc_task {
	unsigned long long run_ns;	/* time on a CPU */
	unsigned long long wait_ns;	/* time ready to run but waiting for one (run-queue delay) */
	int cpu;			/* the CPU it last ran on (stat field 39) */
	int kthread;			/* a kernel thread (PF_KTHREAD in field 9) */
	char comm[16];
};

/* Read tid of pid into t; 0, or -1 when it is gone or unreadable. */
int proc_task_sample(pid_t pid, pid_t tid, struct proc_task *t);

#endif
