#!/usr/bin/env bash
# t0005-layers.sh - 'make check-layers' holds on the tree and fails, naming
# the file, line and rule, on each violation planted in a copy of it: an
# upward include (plan including vm), the pure argv builder including the
# QEMU process or QMP, an include that is not root-relative,
# struct mvl_opts below launcher/cmd/, a source outside every layer, and a
# library that needs a symbol only the CLI defines.
. "$(dirname "$0")/lib.sh" || exit 1
command -v git >/dev/null || skip "git is not installed"
[ -d "$TOP/.git" ] || skip "not a git checkout"

expect_code 0 "$TOP/scripts/check-layers" "$TOP"
expect_out "layers: every include goes down (util, config|qmp, plan, qemu, host, check, vm, cmd)"

fresh() {	# a copy of the tracked tree in $T/tree
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	git -C "$TOP" ls-files -z | (cd "$TOP" && xargs -0 cp --parents -t "$T/tree")
	expect_code 0 "$TOP/scripts/check-layers" "$T/tree"
}

# plan includes vm: the line it is on is named
fresh
sed -i '0,/^#include "/s||#include "launcher/vm/vm_up.h"\n#include "|' "$T/tree/launcher/plan/pin_plan.c"
line=$(grep -n '^#include "launcher/vm/vm_up.h"' "$T/tree/launcher/plan/pin_plan.c" | cut -d: -f1)
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "launcher/plan/pin_plan.c:$line: plan includes vm ('launcher/vm/vm_up.h'): a layer includes only the ones below it (util, config|qmp, plan, qemu, host, check, vm, cmd)"

# util includes config; qmp includes config (side by side, not below)
fresh
echo '#include "config/toml.h"' >>"$T/tree/util/size.c"
echo '#include "config/toml.h"' >>"$T/tree/qmp/qmp.c"
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "util/size.c:$(wc -l <"$T/tree/util/size.c"): util includes config ('config/toml.h')"
expect_out "qmp/qmp.c:$(wc -l <"$T/tree/qmp/qmp.c"): qmp includes config ('config/toml.h')"

# the argv builder is pure: a same-layer include of the QEMU process (or of QMP) is refused too
fresh
echo '#include "launcher/qemu/qemu_proc.h"' >>"$T/tree/launcher/qemu/qemu_argv.c"
echo '#include "qmp/qmp.h"' >>"$T/tree/launcher/qemu/qemu_argv.h"
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "launcher/qemu/qemu_argv.c:$(wc -l <"$T/tree/launcher/qemu/qemu_argv.c"): includes 'launcher/qemu/qemu_proc.h': qemu_argv is pure, it includes plan, config and util only"
expect_out "launcher/qemu/qemu_argv.h:$(wc -l <"$T/tree/launcher/qemu/qemu_argv.h"): includes 'qmp/qmp.h': qemu_argv is pure, it includes plan, config and util only"

# a relative include
fresh
echo '#include "../../util/strbuf.h"' >>"$T/tree/launcher/host/sysfs.c"
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "launcher/host/sysfs.c:$(wc -l <"$T/tree/launcher/host/sysfs.c"): includes '../../util/strbuf.h', which does not exist (includes are root-relative: \"util/strbuf.h\")"

# the CLI's options struct below the CLI
fresh
echo 'struct mvl_opts;' >>"$T/tree/launcher/vm/vm_plan.h"
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "launcher/vm/vm_plan.h:$(wc -l <"$T/tree/launcher/vm/vm_plan.h"): names struct mvl_opts, which only launcher/cmd/ may see"

# a source in no layer
fresh
echo 'int x;' >"$T/tree/launcher/stray.c"
expect_code 1 "$TOP/scripts/check-layers" "$T/tree"
expect_out "launcher/stray.c: not in a layer folder"

# a library object that calls into the CLI
fresh
printf 'void commands_list(void);\nvoid f(void);\nvoid f(void) { commands_list(); }\n' >"$T/lib.c"
printf 'void commands_list(void);\nvoid commands_list(void) { }\n' >"$T/cmd.c"
cc -c -o "$T/lib.o" "$T/lib.c" && cc -c -o "$T/cmd.o" "$T/cmd.c" && ar rcs "$T/libx.a" "$T/lib.o" || fail "cannot build the test objects"
LIB=$T/libx.a CMD_OBJ_FILES=$T/cmd.o expect_code 1 "$TOP/scripts/check-layers" "$TOP"
expect_out "$T/libx.a: needs 'commands_list', defined only in launcher/cmd/"
done_testing
