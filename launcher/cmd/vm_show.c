/*
 * vm_show.c - the thread/pin table 'up' and 'status' print (see vm_show.h).
 */
#include "launcher/cmd/vm_show.h"
#include "util/banned.h"

void vm_threads_print(FILE *out, const struct vm_threads *threads, int drift)
{
	struct strbuf label = STRBUF_INIT, cpus = STRBUF_INIT, want = STRBUF_INIT;

	int health = threads->nr && threads->t[0].sampled;

	if (health)
		fprintf(out, "  %-18s %-8s %-16s %5s %5s %4s  %s\n", "THREAD", "TID", "NAME", "USE%", "WAIT%", "ON", "CPUS");
	else
		fprintf(out, "  %-18s %-8s %-16s %s\n", "THREAD", "TID", "NAME", "CPUS");
	for (size_t i = 0; i < threads->nr; i++) {
		const struct vm_thread *t = &threads->t[i];

		strbuf_reset(&label);
		strbuf_reset(&cpus);
		strbuf_reset(&want);
		vm_thread_label(t, &label);
		cpuset_format(&t->actual, &cpus);
		if (health && t->sampled)
			fprintf(out, "  %-18s %-8d %-16s %5.1f %5.1f %4d  %s", label.buf, (int)t->tid, t->comm, t->use_pct,
				t->wait_pct, t->last_cpu, cpus.buf);
		else if (health)
			fprintf(out, "  %-18s %-8d %-16s %5s %5s %4s  %s", label.buf, (int)t->tid, t->comm, "-", "-", "-",
				cpus.buf);
		else
			fprintf(out, "  %-18s %-8d %-16s %s", label.buf, (int)t->tid, t->comm, cpus.buf);
		if (t->sched_actual > 0)	/* not SCHED_OTHER: [[sched]] or pinning.realtime */
			fprintf(out, " (%s%s%.0d)", vm_thread_policy_name(t->sched_actual), t->prio_actual ? " " : "",
				t->prio_actual);
		if (drift && !cpuset_equal(&t->actual, &t->planned)) {
			cpuset_format(&t->planned, &want);
			fprintf(out, " (planned %s) DRIFT", want.buf);
		}
		fputc('\n', out);
	}
	strbuf_release(&label);
	strbuf_release(&cpus);
	strbuf_release(&want);
}
