/*
 * fuzz_cli.c - libFuzzer target: the command line, through main().
 *
 * The input is split at newlines into argv words and run through the real
 * main() (launcher/cmd/main.c compiled with -Dmain=mvlaunch_main), so global
 * options, every command's getopt loop, VM name lookup, did-you-mean, help,
 * plan, argv and unit see arbitrary words: any of them must end in output or
 * a clean error and an exit code, never a crash, a leak, undefined behaviour
 * or a call to exit().
 *
 * Only commands that change nothing run (argv, plan, unit, status, list,
 * help, version, and unknown words); the others would start QEMU or write
 * the host. Everything points into FUZZ_DIR, made fresh at start: $MVLAUNCH_VMS
 * holds the examples and a host.toml, $MVLAUNCH_RUNDIR, STATEDIR, LOGDIR and
 * SYSROOT are empty. A word naming a path outside FUZZ_DIR is dropped, so a
 * crafted input cannot make the target read /proc/kmsg or a FIFO and hang.
 * stdout and stderr go to /dev/null while a command runs.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int mvlaunch_main(int argc, char **argv);

#define FUZZ_DIR "/tmp/mvl-fuzz-cli"
#define MAX_WORDS 16

static const char *const safe[] = {
	"argv", "plan", "unit", "status", "list", "help", "version",
};
static int devnull = -1, saved_out = -1, saved_err = -1;

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (out >= 0)
		close(out);
	close(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const dirs[] = { "", "/vms", "/run", "/state", "/log", "/sys", "/topo" };
	static const char *const xml[] = { "seed-2s-36c72t", "seed-i5-4c8t", "nosmt-2c" };
	char from[512], to[512];
	struct dirent *de;
	DIR *d;
	int fd;

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(to, sizeof(to), FUZZ_DIR "%s", dirs[i]);
		mkdir(to, 0700);
	}
	d = opendir("vms");	/* the examples, run from the top of the tree as 'make fuzz' does */
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strstr(de->d_name, ".toml"))
			continue;
		snprintf(from, sizeof(from), "vms/%s", de->d_name);
		snprintf(to, sizeof(to), FUZZ_DIR "/vms/%s", de->d_name);
		copy_file(from, to);
	}
	if (d)
		closedir(d);
	copy_file("tests/unit/data/minimal.toml", FUZZ_DIR "/vms/minimal.toml");
	for (size_t i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		snprintf(from, sizeof(from), "tests/unit/data/%s.xml", xml[i]);
		snprintf(to, sizeof(to), FUZZ_DIR "/topo/%s.xml", xml[i]);
		copy_file(from, to);
	}
	fd = open(FUZZ_DIR "/vms/host.toml", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		static const char host[] = "reserved_cpus = \"0\"\n";

		if (write(fd, host, sizeof(host) - 1) < 0)
			abort();
		close(fd);
	}
	setenv("MVLAUNCH_VMS", FUZZ_DIR "/vms", 1);
	setenv("MVLAUNCH_RUNDIR", FUZZ_DIR "/run", 1);
	setenv("MVLAUNCH_STATEDIR", FUZZ_DIR "/state", 1);
	setenv("MVLAUNCH_LOGDIR", FUZZ_DIR "/log", 1);
	setenv("MVLAUNCH_SYSROOT", FUZZ_DIR "/sys", 1);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	saved_out = dup(1);
	saved_err = dup(2);
	if (devnull < 0 || saved_out < 0 || saved_err < 0)
		abort();
	dup2(devnull, 0);	/* nothing waits on a terminal */
	return 0;
}

/* A word is kept unless it names a path outside FUZZ_DIR (or climbs out of it). */
static int word_allowed(const char *w)
{
	const char *slash = strchr(w, '/');

	if (!slash)
		return 1;
	if (strstr(w, ".."))
		return 0;
	/* "--topology=/tmp/..." and "--vms=/tmp/..." name their path after '=' */
	if (w[0] == '-' && strchr(w, '=') && strchr(w, '=') < slash)
		w = strchr(w, '=') + 1;
	return !strncmp(w, FUZZ_DIR "/", strlen(FUZZ_DIR) + 1);
}

static int command_allowed(char **words, int n)
{
	/* the command is the first word not an option or an option's argument */
	for (int i = 1; i < n; i++) {
		if (!strcmp(words[i], "--vms") || !strcmp(words[i], "--host-config")) {
			i++;
			continue;
		}
		if (words[i][0] == '-')
			continue;
		for (size_t j = 0; j < sizeof(safe) / sizeof(safe[0]); j++)
			if (!strcmp(words[i], safe[j]))
				return 1;
		/* anything else is an unknown command: main() refuses it, which is worth fuzzing */
		return strcmp(words[i], "up") && strcmp(words[i], "down") && strcmp(words[i], "run") &&
		       strcmp(words[i], "console") && strcmp(words[i], "check") && strcmp(words[i], "host");
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *words[MAX_WORDS + 2], *p, *nl;
	int n = 0;

	if (size > (1 << 20))
		return 0;
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (strlen(copy) != size) {	/* a NUL cannot be in an argv word */
		free(copy);
		return 0;
	}
	words[n++] = (char *)"mvlaunch";
	for (p = copy; n <= MAX_WORDS; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (!word_allowed(p))
			goto out;
		words[n++] = p;
		if (!nl)
			break;
	}
	words[n] = NULL;
	if (!command_allowed(words, n))
		goto out;

	fflush(stdout);
	fflush(stderr);
	dup2(devnull, 1);
	dup2(devnull, 2);
	optind = 0;	/* glibc: a full getopt reset between runs */
	mvlaunch_main(n, words);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
out:
	free(copy);
	return 0;
}
