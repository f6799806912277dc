/*
 * cmd_import.c - 'mvlaunch import': a libvirt domain (virsh dumpxml) as a
 * mvlaunch config.
 *
 * The importer (config/libvirt_import.c) does the work; this prints its
 * report on stderr ("FILE:LINE: not imported: ..." and "FILE:LINE: note:
 * ...") and the TOML on stdout, or writes it to -o FILE atomically (a temp
 * file renamed over it), never when the import failed or, with --strict,
 * lost anything. --diff puts libvirt's QEMU command line for the domain
 * (virsh domxml-to-native) beside mvlaunch's for the import, both
 * normalised (launcher/qemu/qemu_argv_diff.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/libvirt_import.h"
#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/qemu/qemu_argv_diff.h"
#include "launcher/vm/vm_import.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* libvirt runs it for each QEMU domain; overridable for the tests */
#define LIBVIRT_QEMU_HOOK (getenv("MVLAUNCH_LIBVIRT_HOOK") ? getenv("MVLAUNCH_LIBVIRT_HOOK") : "/etc/libvirt/hooks/qemu")

static int read_domain(const char *path, struct strbuf *sb)
{
	long n = !strcmp(path, "-") ? strbuf_read(sb, STDIN_FILENO, LIBVIRT_XML_MAX)
				    : strbuf_read_file(sb, path, LIBVIRT_XML_MAX, 0);

	if (n >= 0)
		return 0;
	if (errno == EFBIG)
		return error("'%s' is larger than %u bytes: not a libvirt domain", path, LIBVIRT_XML_MAX);
	return error("cannot read '%s': %s", !strcmp(path, "-") ? "stdin" : path, strerror(errno));
}

/* "LINE: text" as "FILE:LINE: what: text" */
static void report(const char *file, const char *entry, const char *what)
{
	const char *colon = strchr(entry, ':');
	int n = colon ? (int)(colon - entry) : 0;

	fprintf(stderr, "%s:%.*s: %s:%s\n", !strcmp(file, "-") ? "stdin" : file, n, entry, what,
		colon ? colon + 1 : entry);
}

/* NAME from -o DIR/NAME.toml, which must agree with --name. */
static int name_from_output(const char *out, const char *name, char **from)
{
	const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	size_t len = strlen(base);
	struct strbuf why = STRBUF_INIT;

	*from = NULL;
	if (len <= 5 || strcmp(base + len - 5, ".toml"))
		return error("-o '%s': a VM's config is NAME.toml (the VM is called after its file)", out);
	*from = xstrndup(base, len - 5);
	if (vm_name_check(*from, &why) < 0) {
		error("-o '%s': '%s' cannot name a VM: %s", out, *from, why.buf);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	if (name && strcmp(name, *from))
		return error("--name %s, but -o names the VM '%s' (the VM is called after its file)", name, *from);
	return 0;
}

static int print_diff(const char *file, const struct strbuf *xml, const struct libvirt_import *imp,
		      const char *connect, const char *topology, const struct mvl_opts *opts)
{
	struct strvec lv = STRVEC_INIT, mv = STRVEC_INIT, lvn = STRVEC_INIT, mvn = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	struct err err = ERR_INIT;
	unsigned counts[3];
	int ret = -1;

	if (vm_import_argvs(xml->buf, xml->len, imp, connect, topology, &opts->dirs, &lv, &mv, &err) < 0) {
		err_print(&err);
		goto out;
	}
	qemu_argv_normalise(&lv, &lvn);
	qemu_argv_normalise(&mv, &mvn);
	qemu_argv_diff(&lvn, &mvn, &out, counts);
	printf("--- libvirt: virsh%s%s domxml-to-native qemu-argv %s\n", connect ? " -c " : "", connect ? connect : "",
	       !strcmp(file, "-") ? "(stdin)" : file);
	printf("+++ mvlaunch: mvlaunch argv --bare %s (the import)%s%s\n", imp->name, topology ? " --topology " : "",
	       topology ? topology : "");
	printf("# normalised: ids, node names, bus addresses and file descriptors left out, key=value lists sorted,\n"
	       "# -blockdev chains as one object; runtime plumbing (-S, -pidfile, the monitor) left out\n");
	fputs(out.buf, stdout);
	printf("# %u the same, %u only libvirt's, %u only mvlaunch's\n", counts[0], counts[1], counts[2]);
	ret = 0;
out:
	strvec_clear(&lv);
	strvec_clear(&mv);
	strvec_clear(&lvn);
	strvec_clear(&mvn);
	strbuf_release(&out);
	err_release(&err);
	return ret;
}

int cmd_import(int argc, char **argv, const struct mvl_opts *opts)
{
	const char *name = NULL, *output = NULL, *connect = NULL, *topology = NULL, *file;
	int strict = 0, diff = 0, ret = MVL_EXIT_FAILURE;
	char *out_name = NULL;
	struct strbuf xml = STRBUF_INIT, why = STRBUF_INIT;
	struct err err = ERR_INIT;
	struct libvirt_import imp = LIBVIRT_IMPORT_INIT;
	const struct opt options[] = {
		OPT_STRING(0, "name", &name, "NAME", "the VM's name (default: the domain's <name>)"),
		OPT_STRING('o', "output", &output, "FILE.toml", "write the config there (atomically) instead of\n"
			   "stdout; the VM is called after the file"),
		OPT_BOOL(0, "strict", &strict, "exit 1, writing nothing, if any setting is not imported"),
		OPT_BOOL(0, "diff", &diff, "instead of the config, libvirt's QEMU command line for the\n"
			 "domain (virsh domxml-to-native) beside mvlaunch's for it"),
		OPT_STRING(0, "connect", &connect, "URI", "with --diff: the libvirt virsh connects to (virsh -c)"),
		OPT_STRING(0, "topology", &topology, "FILE.xml", "with --diff: plan for that hwloc topology (the\n"
			   "domain's host) instead of this one"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "import", .operands = "<DOMAIN.xml | ->", .min = 1, .max = 1, .opts = options,
		.text = "Turn a libvirt domain (the XML of 'virsh dumpxml NAME', or - for stdin) into a\n"
			"mvlaunch config: the TOML on stdout, or in -o FILE.toml. Every element and\n"
			"attribute that is not carried over is reported, on stderr and as a '# not\n"
			"imported:' comment in the TOML, with its XML line and why (not supported yet,\n"
			"libvirt-only with no effect on QEMU, or replaced by a mvlaunch feature);\n"
			"settings carried over with a change the guest notices (i440fx becomes q35,\n"
			"an e1000 NIC becomes e1000e) are '# note:' lines. Devices libvirt adds to\n"
			"every domain (controllers, PS/2, the USB tablet, the balloon) are not\n"
			"reported. 'mvlaunch check' and 'argv' take the result as it is.\n"
			"\n"
			"  virsh dumpxml win10 >win10.xml\n"
			"  mvlaunch import -o /etc/mvlaunch/vms/win10.toml win10.xml\n"
			"  mvlaunch check win10 && mvlaunch up win10\n"
			"\n"
			"--diff prints, instead, the two QEMU command lines for the domain: libvirt's\n"
			"(virsh domxml-to-native qemu-argv) and mvlaunch's (argv --bare of the\n"
			"import), one option a line, normalised (ids, node names, bus addresses,\n"
			"option order, -blockdev chains) so that what differs is a real difference:\n"
			"'-' only libvirt's, '+' only mvlaunch's.\n"
			"\n"
			"The XML is read with libxml2 (libxml2.so.2), which import alone loads: a\n"
			"host without it runs every other command.\n"
			"\n"
			"README \"Coming from libvirt\" has the table of what maps to which key.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	file = argv[0];
	if (name && vm_name_check(name, &why) < 0) {
		error("--name '%s' cannot name a VM: %s", name, why.buf);
		goto out;
	}
	if (output && name_from_output(output, name, &out_name) < 0)
		goto out;
	if (diff && output) {
		error("--diff prints the two command lines; it writes no config (leave out -o)");
		ret = MVL_EXIT_USAGE;
		goto out;
	}
	if (!diff && (connect || topology)) {
		error("--%s only applies with --diff", connect ? "connect" : "topology");
		ret = MVL_EXIT_USAGE;
		goto out;
	}
	if (read_domain(file, &xml) < 0)
		goto out;
	if (!access(LIBVIRT_QEMU_HOOK, F_OK))
		imp.libvirt_hook = LIBVIRT_QEMU_HOOK;
	if (libvirt_import(file, xml.buf, xml.len, out_name ? out_name : name, &imp, &err.msg) < 0) {
		err_print(&err);	/* one "mvlaunch: error: FILE:LINE: ..." per problem */
		goto out;
	}
	for (size_t i = 0; i < imp.lost.nr; i++)
		report(file, imp.lost.v[i], "not imported");
	for (size_t i = 0; i < imp.notes.nr; i++)
		report(file, imp.notes.v[i], "note");
	if (strict && imp.lost.nr) {
		error("--strict: %zu setting%s not imported (listed above)%s", imp.lost.nr, imp.lost.nr == 1 ? "" : "s",
		      output ? "; nothing written" : "");
		goto out;
	}
	if (diff) {
		if (print_diff(file, &xml, &imp, connect, topology, opts) < 0)
			goto out;
	} else if (output) {
		if (atomic_write_file(output, imp.toml.buf, imp.toml.len, ATOMIC_FSYNC, &err.msg) < 0) {
			err_print(&err);
			goto out;
		}
		fprintf(stderr, "wrote %s: %zu setting%s not imported, %zu note%s\n", output, imp.lost.nr,
			imp.lost.nr == 1 ? "" : "s", imp.notes.nr, imp.notes.nr == 1 ? "" : "s");
	} else {
		fputs(imp.toml.buf, stdout);
	}
	ret = MVL_EXIT_OK;
out:
	free(out_name);
	libvirt_import_release(&imp);
	strbuf_release(&xml);
	err_release(&err);
	strbuf_release(&why);
	return ret;
}
