/*
 * unit_vm.h - fake VMs for the unit tests of launcher/vm: a child process
 * standing in for QEMU (started the way 'up' starts QEMU, with a pidfd and a
 * start time) and the state.json that names it, in the temporary runtime
 * root of unit_runtime_tmp().
 */
#ifndef MVL_UNIT_VM_H
#define MVL_UNIT_VM_H

#include "tests/unit/unit.h"
#include "launcher/qemu/qemu_proc.h"
#include "util/wrapper.h"

/* Start argv as a stand-in QEMU, its output in RUN_TMP/../log/NAME/qemu.log. */
static inline void unit_vm_spawn(struct qemu_proc *p, const char *tmp, const char **argv)
{
	struct strvec sv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	char *dir = xstrfmt("%s/log", tmp), *vm = xstrfmt("%s/log/vm1", tmp), *log = xstrfmt("%s/qemu.log", vm);

	mkdir(dir, 0700);
	mkdir(vm, 0700);
	for (size_t i = 0; argv[i]; i++)
		strvec_push(&sv, argv[i]);
	if (qemu_proc_spawn(&sv, log, NULL, NULL, -1, NULL, p, &err) < 0) {
		print_error("qemu_proc_spawn: %s\n", err.buf);
		fail();
	}
	strvec_clear(&sv);
	strbuf_release(&err);
	free(dir);
	free(vm);
	free(log);
}

/* Stop a stand-in QEMU if it still runs (also after a failed assertion), and reset it. */
static inline void unit_vm_stop(struct qemu_proc *p)
{
	if (p->pid > 0 && !p->exited)
		qemu_proc_kill(p, 100);
	qemu_proc_release(p);
	*p = (struct qemu_proc)QEMU_PROC_INIT;
}

/* RUN/vm1/state.json naming pid/start as vm1's QEMU (RUN/vm1 made if needed). */
static inline void unit_vm_state(const char *tmp, pid_t pid, unsigned long long start)
{
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/state.json", dir);
	FILE *f;

	mkdir(dir, 0700);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"name\": \"vm1\", \"pid\": %d, \"start_time\": %llu, \"started_at\": 1700000000, "
		"\"config\": \"/etc/mvlaunch/vms/vm1.toml\", \"qemu_version\": \"7.2.0\", \"emulator_cpus\": [0], "
		"\"threads\": []}", (int)pid, start);
	fclose(f);
	free(dir);
	free(path);
}

/* Write text to RUN/vm1/file (RUN/vm1 made if needed). */
static inline void unit_vm_file(const char *tmp, const char *file, const char *text)
{
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/%s", dir, file);
	FILE *f;

	mkdir(dir, 0700);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(dir);
	free(path);
}

/* Whether RUN/vm1/file exists (file NULL: the directory). */
static inline int unit_vm_has(const char *tmp, const char *file)
{
	char *path = file ? xstrfmt("%s/run/vm1/%s", tmp, file) : xstrfmt("%s/run/vm1", tmp);
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

#endif
