/*
 * test_util.c - unit tests for util/: cpuset, size, quote, strbuf, strvec.
 */
#include <errno.h>
#include <fcntl.h>

#include "tests/unit/unit.h"
#include "util/err.h"
#include "util/cpuset.h"
#include "util/quote.h"
#include "util/size.h"
#include "util/suggest.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/usage.h"
#include "launcher/qemu/qemu_argv.h"

static void test_util_cpuset_roundtrip(void **state)
{
	struct cpuset s;
	struct strbuf out = STRBUF_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(cpuset_parse(&s, "1-3,5-7,10,4095", &err.msg), 0);
	assert_int_equal(cpuset_count(&s), 8);
	assert_true(cpuset_has(&s, 4095));
	assert_false(cpuset_has(&s, 4));
	cpuset_format(&s, &out);
	assert_string_equal(out.buf, "1-3,5-7,10,4095");
	strbuf_reset(&out);
	assert_int_equal(cpuset_parse(&s, "3,1,2,2", &err.msg), 0);
	cpuset_format(&s, &out);
	assert_string_equal(out.buf, "1-3");
	assert_int_equal(cpuset_next(&s, 0), 1);
	assert_int_equal(cpuset_next(&s, 4), -1);
	strbuf_release(&out);
	err_release(&err);
}

static void test_util_cpuset_errors(void **state)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "", "empty CPU list" },
		{ "5-3", "range '5-3' runs backwards" },
		{ "1,,2", "unexpected ',' (expected a CPU number)" },
		{ "1 2", "unexpected ' ' (expected ',' or '-')" },
		{ "4096", "CPU 4096 is out of range (0..4095)" },
		{ "1-", "expected a CPU number at the end" },
		{ "a", "unexpected 'a' (expected a CPU number)" },
	};
	struct cpuset s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = ERR_INIT;

		assert_int_equal(cpuset_parse(&s, cases[i].in, &err.msg), -1);
		assert_string_equal(err.msg.buf, cases[i].msg);
		err_release(&err);
	}
}

static void test_util_size_units(void **state)
{
	static const struct { const char *in; uint64_t bytes; } cases[] = {
		{ "512M", 512ULL << 20 }, { "16G", 16ULL << 30 }, { "16GiB", 16ULL << 30 },
		{ "16GB", 16000000000ULL }, { "1T", 1ULL << 40 }, { "1TB", 1000000000000ULL },
		{ "4k", 4096 }, { "4K", 4096 }, { "4KB", 4000 }, { "100b", 100 }, { "7 bytes", 7 },
		{ "2MiB", 2ULL << 20 }, { "3MB", 3000000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = ERR_INIT;
		uint64_t v = 0;

		assert_int_equal(size_parse(cases[i].in, &v, &err.msg), 0);
		assert_true(v == cases[i].bytes);
		err_release(&err);
	}
}

static void test_util_size_errors(void **state)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "1024", "'1024' has no unit (write e.g. \"1024M\" or \"1024G\")" },
		{ "16X", "'16X' has an unknown unit 'X' (use K, M, G, T, KiB.. or KB..)" },
		{ "G", "'G' is not a size (expected a number and a unit, e.g. \"16G\")" },
		{ "99999999999T", "'99999999999T' is too large" },
		{ "1.5G", "'1.5G' has an unknown unit '.5G' (use K, M, G, T, KiB.. or KB..)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = ERR_INIT;
		uint64_t v;

		assert_int_equal(size_parse(cases[i].in, &v, &err.msg), -1);
		assert_string_equal(err.msg.buf, cases[i].msg);
		err_release(&err);
	}
}

static void test_util_size_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	size_format(16ULL << 30, &sb);
	assert_string_equal(sb.buf, "16G");
	strbuf_reset(&sb);
	size_format(1536ULL << 20, &sb);
	assert_string_equal(sb.buf, "1536M");
	strbuf_reset(&sb);
	size_format(1000, &sb);
	assert_string_equal(sb.buf, "1000b");
	strbuf_release(&sb);
}

static void test_util_quote(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	sq_quote(&sb, "-machine");
	strbuf_addch(&sb, ' ');
	sq_quote(&sb, "{\"a\":1}");
	strbuf_addch(&sb, ' ');
	sq_quote(&sb, "it's");
	strbuf_addch(&sb, ' ');
	sq_quote(&sb, "");
	assert_string_equal(sb.buf, "-machine '{\"a\":1}' 'it'\\''s' ''");
	strbuf_release(&sb);
}

static void test_util_opt_escape(void **state)
{
	char *s;

	(void)state;
	s = qemu_argv_escape("evil,debug-threads=on,process=pwn");
	assert_string_equal(s, "evil,,debug-threads=on,,process=pwn");
	free(s);
	s = qemu_argv_escape(",,");
	assert_string_equal(s, ",,,,");
	free(s);
}

static void test_util_strvec(void **state)
{
	struct strvec sv = STRVEC_INIT;

	(void)state;
	assert_null(sv.v[0]);
	strvec_pushl(&sv, "a", "b", NULL);
	strvec_pushf(&sv, "%d", 3);
	check_argv(&sv, "a", "b", "3");
	assert_null(sv.v[3]);
	strvec_clear(&sv);
	assert_int_equal(sv.nr, 0);
	strvec_clear(&sv);	/* twice is fine */
}

/* Long messages wrap at spaces on a terminal, later lines indented; labels keep lists from reading as counts. */
static void test_util_wrap_and_labels(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct cpuset s;
	const char *msg = "VM 'x' does not fit: it needs 4 whole cores with two free threads for 8 dedicated vCPUs";

	(void)state;
	usage_wrap("mvlaunch: error: ", msg, strlen(msg), 60, &sb);
	assert_string_equal(sb.buf, "mvlaunch: error: VM 'x' does not fit: it needs 4 whole cores\n"
				    "    with two free threads for 8 dedicated vCPUs\n");
	strbuf_reset(&sb);
	usage_wrap("p: ", "short", 5, 60, &sb);
	assert_string_equal(sb.buf, "p: short\n");
	strbuf_reset(&sb);
	usage_wrap("p: ", msg, strlen(msg), (size_t)-1, &sb);	/* not a terminal: one line */
	assert_int_equal(strchr(sb.buf, '\n') - sb.buf, (long)strlen(msg) + 3);
	strbuf_reset(&sb);
	cpuset_zero(&s);
	cpuset_format_label(&s, &sb);
	assert_string_equal(sb.buf, "no CPU");
	strbuf_reset(&sb);
	cpuset_set(&s, 43);
	cpuset_format_label(&s, &sb);
	assert_string_equal(sb.buf, "CPU 43");
	strbuf_reset(&sb);
	cpuset_set(&s, 44);
	cpuset_set(&s, 46);
	cpuset_format_label(&s, &sb);
	assert_string_equal(sb.buf, "CPUs 43-44,46");
	strbuf_release(&sb);
}

/* The nearest name for a typo, a prefix, or nothing. */
static void test_util_suggest(void **state)
{
	static const char *const cmds[] = { "up", "down", "status", "plan", "console" };

	(void)state;
	assert_string_equal(suggest_nearest("stauts", cmds, 5), "status");
	assert_string_equal(suggest_nearest("plam", cmds, 5), "plan");
	assert_string_equal(suggest_nearest("cons", cmds, 5), "console");
	assert_null(suggest_nearest("frobnicate", cmds, 5));
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
}

/* Directories and files root relies on: planted, foreign or writable ones are refused, with the fix. */
static void test_util_trust(void **state)
{
	char dir[] = "/tmp/mvl-trust-XXXXXX";
	struct err err = ERR_INIT;
	char *p, *q;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xstrfmt("%s/run", dir);
	assert_int_equal(trust_dir(p, "runtime directory", 0700, (gid_t)-1, &err), 0);	/* made */
	assert_int_equal(trust_dir(p, "runtime directory", 0700, (gid_t)-1, &err), 0);	/* there, ours */
	chmod(p, 0777);
	assert_int_equal(trust_dir(p, "runtime directory", 0700, (gid_t)-1, &err), -1);
	assert_non_null(strstr(err_text(&err), "may be written by group or others (mode 0777): not used\nhint: chmod go-w"));
	rmdir(p);
	q = xstrfmt("%s/elsewhere", dir);
	mkdir(q, 0700);
	assert_int_equal(symlink(q, p), 0);
	err_reset(&err);
	assert_int_equal(trust_dir(p, "runtime directory", 0700, (gid_t)-1, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is a symbolic link: not used"));
	unlink(p);
	if (geteuid() == 0) {
		/* another user's directory, and files that say what root runs */
		assert_int_equal(chown(q, 65534, 65534), 0);
		err_reset(&err);
		assert_int_equal(trust_dir(q, "log directory", 0700, (gid_t)-1, &err), -1);
		assert_non_null(strstr(err.msg.buf, "belongs to uid 65534, not to this user (uid 0): not used"));
		free(p);
		p = xstrfmt("%s/vm.toml", dir);
		tree_put("", p, "[cpu]\n");
		assert_int_equal(trust_file(p, "config", &err), 0);
		chmod(p, 0666);
		err_reset(&err);
		assert_int_equal(trust_file(p, "config", &err), -1);
		assert_non_null(strstr(err_text(&err), "may be changed by group or others (mode 0666), and mvlaunch runs what it "
					"says as root: not used\nhint: chmod go-w"));
		chmod(p, 0644);
		assert_int_equal(chown(p, 65534, 65534), 0);
		err_reset(&err);
		assert_int_equal(trust_file(p, "config", &err), -1);
		assert_non_null(strstr(err.msg.buf, "belongs to uid 65534, who could change what mvlaunch runs as root"));
		assert_int_equal(chown(p, 0, 0), 0);
		chmod(dir, 0777);	/* a directory anyone may write: the file could be swapped */
		err_reset(&err);
		assert_int_equal(trust_file(p, "config", &err), -1);
		assert_non_null(strstr(err.msg.buf, "the directory of '"));
		chmod(dir, 0700);
		unlink(p);
	}
	free(p);
	p = trust_which("sh");
	assert_non_null(p);
	assert_int_equal(access(p, X_OK), 0);
	rmdir(q);
	rmdir(dir);
	free(p);
	free(q);
	err_release(&err);
}

/* strbuf_read: everything until end of file in large reads, appended; a cap; errors with errno. */
static void test_util_strbuf_read(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char path[] = "/tmp/mvl-read-XXXXXX";
	int fd = mkstemp(path);
	char block[1000];

	(void)state;
	assert_true(fd >= 0);
	memset(block, 'x', sizeof(block));
	for (int i = 0; i < 100; i++)
		assert_int_equal(write(fd, block, sizeof(block)), sizeof(block));
	lseek(fd, 0, SEEK_SET);
	strbuf_addstr(&sb, "head:");
	assert_int_equal(strbuf_read(&sb, fd, 1 << 20), 100000);
	assert_int_equal(sb.len, 100005);
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_int_equal(sb.buf[sb.len - 1], 'x');
	assert_int_equal(strncmp(sb.buf, "head:x", 6), 0);
	/* at end of file: nothing more */
	assert_int_equal(strbuf_read(&sb, fd, 1 << 20), 0);
	/* by path: the same bytes; a missing file, and a link with O_NOFOLLOW, fail with their errno */
	{
		struct strbuf f = STRBUF_INIT;
		char *link = xstrfmt("%s.link", path);

		assert_int_equal(strbuf_read_file(&f, path, 1 << 20, 0), 100000);
		assert_int_equal(f.len, 100000);
		assert_int_equal(symlink(path, link), 0);
		errno = 0;
		assert_int_equal(strbuf_read_file(&f, link, 1 << 20, O_NOFOLLOW), -1);
		assert_int_equal(errno, ELOOP);
		assert_int_equal(strbuf_read_file(&f, link, 1 << 20, 0), 100000);
		unlink(link);
		errno = 0;
		assert_int_equal(strbuf_read_file(&f, link, 1 << 20, 0), -1);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(f.len, 200000);
		strbuf_release(&f);
		free(link);
	}
	/* more than max: EFBIG */
	lseek(fd, 0, SEEK_SET);
	strbuf_reset(&sb);
	errno = 0;
	assert_int_equal(strbuf_read(&sb, fd, 50000), -1);
	assert_int_equal(errno, EFBIG);
	close(fd);
	unlink(path);
	errno = 0;
	assert_int_equal(strbuf_read(&sb, fd, 1 << 20), -1);
	assert_int_equal(errno, EBADF);
	strbuf_release(&sb);
}

/* write_in_full: all of it, or -1 with errno (a full device: ENOSPC; no descriptor: EBADF). */
static void test_util_write_in_full(void **state)
{
	static char big[300000];
	char path[] = "/tmp/mvl-write-XXXXXX";
	int fd = mkstemp(path), full;
	struct stat st;

	(void)state;
	memset(big, 'y', sizeof(big));
	assert_int_equal(write_in_full(fd, big, sizeof(big)), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, sizeof(big));
	close(fd);
	unlink(path);
	errno = 0;
	assert_int_equal(write_in_full(fd, big, 1), -1);
	assert_int_equal(errno, EBADF);
	full = open("/dev/full", O_WRONLY);
	if (full >= 0) {
		errno = 0;
		assert_int_equal(write_in_full(full, big, 10), -1);
		assert_int_equal(errno, ENOSPC);
		close(full);
	}
}

/* struct err: the hint a field of its own, merged in order; err_print() writes the message lines, then the hints. */
static void test_util_err(void **state)
{
	struct err e = ERR_INIT, inner = ERR_INIT;
	char path[] = "/tmp/mvl-err-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char out[512];
	ssize_t n;

	(void)state;
	strbuf_addstr(&e.msg, "cannot start VM 'a'");
	err_hintf(&e, "see '%s'", "mvlaunch status a");
	strbuf_addstr(&inner.msg, "runtime directory '/run/x' is a symbolic link: not used");
	err_hintf(&inner, "remove '%s'", "/run/x");
	err_hintf(&inner, "or run as root");
	err_add(&e, &inner);
	assert_string_equal(e.msg.buf, "cannot start VM 'a'\nruntime directory '/run/x' is a symbolic link: not used");
	assert_string_equal(e.hint.buf, "see 'mvlaunch status a'\nremove '/run/x'\nor run as root");
	assert_string_equal(err_text(&e), "cannot start VM 'a'\nruntime directory '/run/x' is a symbolic link: not used\n"
			    "hint: see 'mvlaunch status a'\nhint: remove '/run/x'\nhint: or run as root");

	/* printed: each message line an error, each hint line a hint */
	assert_true(fd >= 0);
	dup2(fd, 2);
	assert_int_equal(err_print(&inner), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out, "mvlaunch: error: runtime directory '/run/x' is a symbolic link: not used\n"
			    "hint: remove '/run/x'\nhint: or run as root\n");
	close(fd);
	unlink(path);

	err_reset(&e);
	assert_int_equal(e.msg.len + e.hint.len, 0);
	err_add(&e, &inner);	/* into an empty one: no leading newline */
	assert_string_equal(e.hint.buf, "remove '/run/x'\nor run as root");
	err_release(&e);
	err_release(&inner);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_cpuset_roundtrip),
		cmocka_unit_test(test_util_cpuset_errors),
		cmocka_unit_test(test_util_size_units),
		cmocka_unit_test(test_util_size_errors),
		cmocka_unit_test(test_util_size_format),
		cmocka_unit_test(test_util_quote),
		cmocka_unit_test(test_util_opt_escape),
		cmocka_unit_test(test_util_strvec),
		cmocka_unit_test(test_util_wrap_and_labels),
		cmocka_unit_test(test_util_suggest),
		cmocka_unit_test(test_util_trust),
		cmocka_unit_test(test_util_strbuf_read),
		cmocka_unit_test(test_util_write_in_full),
		cmocka_unit_test(test_util_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
