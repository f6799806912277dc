/*
 * vm_thread.c - naming and freeing a VM's threads (see vm_thread.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sched.h>

#include "launcher/vm/vm_thread.h"
#include "util/banned.h"

const char *vm_thread_role_name(enum thread_role role)
{
	switch (role) {
	case ROLE_VCPU: return "vcpu";
	case ROLE_IOTHREAD: return "iothread";
	case ROLE_EMULATOR: return "emulator";
	}
	return "?";
}

void vm_thread_label(const struct vm_thread *t, struct strbuf *sb)
{
	if (t->role == ROLE_VCPU)
		strbuf_addf(sb, "vcpu%d", t->index);
	else if (t->role == ROLE_IOTHREAD)
		strbuf_addf(sb, "iothread %s", t->iothread);
	else
		strbuf_addstr(sb, "emulator");
}

void vm_threads_release(struct vm_threads *threads)
{
	for (size_t i = 0; i < threads->nr; i++)
		free(threads->t[i].iothread);
	free(threads->t);
	memset(threads, 0, sizeof(*threads));
}

const char *vm_thread_policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER: return "other";
	case SCHED_FIFO: return "fifo";
	case SCHED_RR: return "rr";
	case SCHED_BATCH: return "batch";
	case SCHED_IDLE: return "idle";
	}
	return "?";
}
