/*
 * qemu_argv_diff.h - two QEMU command lines side by side, told apart by what
 * they ask of QEMU, not by how they spell it.
 *
 * 'mvlaunch import --diff' puts libvirt's command line for a domain (virsh
 * domxml-to-native qemu-argv) beside mvlaunch's for the import. Both name
 * the same things differently: ids and node names, bus addresses, the order
 * of options and of their key=value lists, a -blockdev chain of a protocol
 * node and a format node, -no-hpet against -machine hpet=off, libvirt's
 * -global driver=X,property=Y,value=Z against X.Y=Z. qemu_argv_normalise()
 * writes each option as one line with all that taken out, so that equal
 * lines mean equal settings; what is left differs for real. Pure: no I/O.
 */
#ifndef MVL_QEMU_ARGV_DIFF_H
#define MVL_QEMU_ARGV_DIFF_H

#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * Split a command line printed for a shell (virsh domxml-to-native:
 * VAR=value assignments, then the program and its arguments, with '...',
 * "..." and \ quoting and \-newline continuations) into argv, without the
 * assignments. 0, or -1 with the reason in err (an unterminated quote).
 */
int qemu_argv_split_shell(const char *text, struct strvec *argv, struct strbuf *err);

/* One "-option value" line per option of argv (argv[0], the program, left out), normalised as above. */
void qemu_argv_normalise(const struct strvec *argv, struct strvec *lines);

/*
 * The two normalised lists as a diff into out: "  " for a line in both, "- "
 * for one only in a (libvirt's), "+ " for one only in b (mvlaunch's), grouped
 * by option in b's order; counts[0..2] = both, only a, only b.
 */
void qemu_argv_diff(const struct strvec *a, const struct strvec *b, struct strbuf *out, unsigned counts[3]);

#endif
