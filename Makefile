# mvlaunch - one Makefile (style rule R15).
#
#   make              build build/mvlaunch
#   make test         the layer check, unit tests (cmocka), then end-to-end tests (real QEMU)
#   make check-layers every #include goes down a layer (scripts/check-layers)
#   make check-asan   the same, built in build-asan/ with ASan+UBSan
#   make check-valgrind  the main paths under valgrind
#   make fuzz         libFuzzer on every input: configs, QMP, state files, topologies, CLI, libvirt XML (FUZZ_SECONDS=600 each)
#   make demo         boot the demo VM, show its status and serial output, stop it
#   make deps         apt-get install everything build, tests and demo need
#   make install      PREFIX=/usr/local DESTDIR=: binary, systemd unit, man page, completion, examples
#   make man          build/mvlaunch.1 from the program's help
#   V=1               show the commands

PKG_CONFIG ?= pkg-config
CC         ?= cc
PREFIX     ?= /usr/local
BUILD      ?= build
PKGS       := jansson hwloc numa libxml-2.0 libacl
# linked; libxml2 is loaded with dlopen() by 'import' only (see config/libvirt_import.c)
LINK_PKGS  := $(filter-out libxml-2.0,$(PKGS))
VERSION    := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)

WARNINGS   += -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes
WARNINGS   += -Wmissing-prototypes -Wwrite-strings -Wvla
ifneq ($(WERROR),0)
WARNINGS   += -Werror
endif
CFLAGS     ?= -O2 -g
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE -I. $(WARNINGS) $(CFLAGS) \
              $(shell $(PKG_CONFIG) --cflags $(PKGS)) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS)
LIBS        = $(shell $(PKG_CONFIG) --libs $(LINK_PKGS)) -ldl
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

ifneq ($(V),1)
Q = @
QUIET_CC = @echo '   CC      $@';
QUIET_LD = @echo '   LD      $@';
QUIET_AR = @echo '   AR      $@';
QUIET_GEN = @echo '   GEN     $@';
endif

LIB_OBJS += util/wrapper.o
LIB_OBJS += util/strbuf.o
LIB_OBJS += util/strvec.o
LIB_OBJS += util/usage.o
LIB_OBJS += util/cpuset.o
LIB_OBJS += util/size.o
LIB_OBJS += util/quote.o
LIB_OBJS += util/atomic_file.o
LIB_OBJS += util/suggest.o
LIB_OBJS += util/interrupt.o
LIB_OBJS += util/dl.o
LIB_OBJS += util/trust.o
LIB_OBJS += util/proc.o
LIB_OBJS += util/err.o
LIB_OBJS += config/toml.o
LIB_OBJS += config/schema.o
LIB_OBJS += config/vm_config.o
LIB_OBJS += config/qos.o
LIB_OBJS += config/host_config.o
LIB_OBJS += config/libvirt_import.o
LIB_OBJS += launcher/vm/paths.o
LIB_OBJS += launcher/qemu/qemu_argv.o
LIB_OBJS += launcher/qemu/qemu_argv_diff.o
LIB_OBJS += launcher/qemu/qemu_probe.o
LIB_OBJS += launcher/vm/vm_load.o
LIB_OBJS += qmp/qmp.o
LIB_OBJS += qmp/qmp_cmds.o
LIB_OBJS += launcher/vm/runtime.o
LIB_OBJS += launcher/qemu/qemu_proc.o
LIB_OBJS += launcher/host/sysfs.o
LIB_OBJS += launcher/plan/host_topo.o
LIB_OBJS += launcher/host/host_prep.o
LIB_OBJS += launcher/host/host_state.o
LIB_OBJS += launcher/host/shield.o
LIB_OBJS += launcher/host/sdbus.o
LIB_OBJS += launcher/host/shield_systemd.o
LIB_OBJS += launcher/host/vm_cgroup.o
LIB_OBJS += launcher/host/vm_cgroup_systemd.o
LIB_OBJS += launcher/host/qemu_user.o
LIB_OBJS += launcher/host/grant.o
LIB_OBJS += launcher/vm/vm_confine.o
LIB_OBJS += launcher/host/vfio.o
LIB_OBJS += launcher/host/input_dev.o
LIB_OBJS += launcher/host/usb_host.o
LIB_OBJS += launcher/host/tap.o
LIB_OBJS += launcher/check/check_report.o
LIB_OBJS += launcher/check/check_host.o
LIB_OBJS += launcher/check/check_vm.o
LIB_OBJS += launcher/check/check_qemu.o
LIB_OBJS += launcher/plan/pin_plan.o
LIB_OBJS += launcher/plan/host_map.o
LIB_OBJS += launcher/vm/host_plan.o
LIB_OBJS += launcher/vm/pin_apply.o
LIB_OBJS += launcher/vm/vm_state.o
LIB_OBJS += launcher/vm/vm_float.o
LIB_OBJS += launcher/vm/vm_plan.o
LIB_OBJS += launcher/vm/vm_up.o
LIB_OBJS += launcher/vm/vm_down.o
LIB_OBJS += launcher/vm/vm_fanout.o
LIB_OBJS += launcher/vm/vm_handle.o
LIB_OBJS += launcher/vm/vm_host.o
LIB_OBJS += launcher/vm/vm_run.o
LIB_OBJS += launcher/vm/vm_console.o
LIB_OBJS += launcher/vm/vm_media.o
LIB_OBJS += launcher/vm/vm_control.o
LIB_OBJS += launcher/vm/vm_list.o
LIB_OBJS += launcher/vm/vm_map.o
LIB_OBJS += launcher/vm/vm_repin.o
LIB_OBJS += launcher/vm/vm_doctor.o
LIB_OBJS += launcher/vm/vm_import.o
LIB_OBJS += launcher/vm/vm_limits.o
LIB_OBJS += launcher/vm/vm_usb.o
LIB_OBJS += launcher/vm/vm_uuid.o
LIB_OBJS += launcher/vm/vm_display.o
LIB_OBJS += launcher/vm/vm_tpm.o
LIB_OBJS += launcher/vm/vm_lg.o
LIB_OBJS += launcher/vm/vm_thread.o
LIB_OBJS += launcher/vm/vm_status.o
LIB_OBJS += launcher/vm/notify.o
LIB_OBJS += launcher/vm/hooks.o

# the CLI (launcher/cmd/): linked into the program only, never into the library
CMD_OBJS += launcher/cmd/vm_show.o
CMD_OBJS += launcher/cmd/load.o
CMD_OBJS += launcher/cmd/parse_options.o
CMD_OBJS += launcher/cmd/cmd_argv.o
CMD_OBJS += launcher/cmd/cmd_import.o
CMD_OBJS += launcher/cmd/cmd_limits.o
CMD_OBJS += launcher/cmd/cmd_pause.o
CMD_OBJS += launcher/cmd/cmd_qmp.o
CMD_OBJS += launcher/cmd/cmd_map.o
CMD_OBJS += launcher/cmd/cmd_log.o
CMD_OBJS += launcher/cmd/cmd_repin.o
CMD_OBJS += launcher/cmd/cmd_doctor.o
CMD_OBJS += launcher/cmd/cmd_up.o
CMD_OBJS += launcher/cmd/cmd_down.o
CMD_OBJS += launcher/cmd/cmd_status.o
CMD_OBJS += launcher/cmd/cmd_list.o
CMD_OBJS += launcher/cmd/cmd_plan.o
CMD_OBJS += launcher/cmd/cmd_check.o
CMD_OBJS += launcher/cmd/cmd_unit.o
CMD_OBJS += launcher/cmd/cmd_host.o
CMD_OBJS += launcher/cmd/cmd_run.o
CMD_OBJS += launcher/cmd/cmd_console.o
CMD_OBJS += launcher/cmd/cmd_eject.o
CMD_OBJS += launcher/cmd/cmd_usb.o
CMD_OBJS += launcher/cmd/cmd_display.o
CMD_OBJS += launcher/cmd/cmd_input.o
CMD_OBJS += launcher/cmd/cmd_help.o
CMD_OBJS += launcher/cmd/cmd_version.o
CMD_OBJS += launcher/cmd/main.o

UNIT_TESTS += util
UNIT_TESTS += toml
UNIT_TESTS += vm_config
UNIT_TESTS += qos
UNIT_TESTS += vm_cgroup
UNIT_TESTS += qemu_argv
UNIT_TESTS += qemu_argv_diff
UNIT_TESTS += qmp
UNIT_TESTS += vm_state
UNIT_TESTS += pin_plan
UNIT_TESTS += host_prep
UNIT_TESTS += host_state
UNIT_TESTS += check
UNIT_TESTS += runtime
UNIT_TESTS += qemu_proc
UNIT_TESTS += qemu_probe
UNIT_TESTS += pin_apply
UNIT_TESTS += vm_status
UNIT_TESTS += vm_plan
UNIT_TESTS += proc
UNIT_TESTS += vm_thread
UNIT_TESTS += vm_console
UNIT_TESTS += vm_media
UNIT_TESTS += vm_uuid
UNIT_TESTS += vm_display
UNIT_TESTS += vm_handle
UNIT_TESTS += vm_down
UNIT_TESTS += vm_fanout
UNIT_TESTS += vm_host
UNIT_TESTS += vm_run
UNIT_TESTS += vm_up
UNIT_TESTS += paths
UNIT_TESTS += vm_load
UNIT_TESTS += host_plan
UNIT_TESTS += vm_float
UNIT_TESTS += notify
UNIT_TESTS += hooks
UNIT_TESTS += input_dev
UNIT_TESTS += grant
UNIT_TESTS += vm_confine

LIB     := $(BUILD)/libmvlaunch.a
PROGRAM := $(BUILD)/mvlaunch
MAN     := $(BUILD)/mvlaunch.1
OBJS    := $(addprefix $(BUILD)/,$(LIB_OBJS) $(CMD_OBJS))
TEST_BINS := $(addprefix $(BUILD)/tests/test_,$(UNIT_TESTS))

.PHONY: FORCE man demo demo-guest all test check check-layers check-unit check-e2e check-asan check-valgrind fuzz fuzz-build deps install clean
.DELETE_ON_ERROR:

all: $(PROGRAM)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(VERSION_CFLAGS) -c $< -o $@

# Only the two files that print the version see it, and they are rebuilt
# when it changes (a new commit, a dirty tree): VERSION-FILE is rewritten
# only then, as git's GIT-VERSION-FILE.
VERSION_OBJS := $(BUILD)/launcher/cmd/cmd_version.o $(BUILD)/launcher/cmd/main.o
$(VERSION_OBJS): VERSION_CFLAGS = -DMVL_VERSION='"$(VERSION)"'
$(VERSION_OBJS): $(BUILD)/VERSION-FILE
$(BUILD)/VERSION-FILE: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
FORCE:

$(LIB): $(addprefix $(BUILD)/,$(LIB_OBJS))
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(PROGRAM): $(addprefix $(BUILD)/,$(CMD_OBJS)) $(LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/unit.h tests/unit/unit_vm.h $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) $(ALL_LDFLAGS) \
		-o $@ $< $(LIB) $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# a virtual keyboard through /dev/uinput, for t3019 (where the kernel has uinput)
UINPUT_KBD := $(BUILD)/tests/uinput-kbd
$(UINPUT_KBD): tests/uinput-kbd.c
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

test check: check-layers check-unit check-e2e

# The include rule (README "Layout"): every include goes down a layer, and the
# library needs nothing from the CLI's objects.
check-layers: $(LIB) $(addprefix $(BUILD)/,$(CMD_OBJS))
	$(Q)LIB=$(LIB) CMD_OBJ_FILES="$(addprefix $(BUILD)/,$(CMD_OBJS))" scripts/check-layers

check-unit: $(TEST_BINS)
	$(Q)tests/run-unit.sh $(TEST_BINS)

DEMO_GUEST ?= /var/cache/mvlaunch/demo-guest

check-e2e: $(PROGRAM) $(UINPUT_KBD) demo-guest
	$(Q)UINPUT_KBD=$(abspath $(UINPUT_KBD)) MVLAUNCH=$(abspath $(PROGRAM)) MVLAUNCH_DEMO_GUEST=$(DEMO_GUEST) tests/e2e/run.sh

# The README's first command: boot vms/demo.toml, show status and its serial output, stop it.
demo: $(PROGRAM)
	$(Q)scripts/demo $(DEMO_GUEST)

# The tiny guest vms/demo.toml boots (a Debian kernel + busybox initramfs).
demo-guest:
	$(Q)scripts/make-demo-guest $(DEMO_GUEST)

# The main paths under valgrind memcheck.
check-valgrind: $(PROGRAM)
	$(Q)MVLAUNCH=$(abspath $(PROGRAM)) tests/valgrind.sh

# A separate build directory: sanitized and plain objects never mix.
# the crash sweep samples 40 points a sweep there (120 in make test): CI stays under 30 minutes
check-asan:
	$(Q)SWEEP_POINTS=40 $(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined \
		CFLAGS='-O1 -g' check

# libFuzzer needs clang. The whole library is built again in $(FUZZ_BUILD)/
# with ASan+UBSan and coverage (fuzzer-no-link); each fuzz/fuzz_X.c links
# against it. fuzz_cli runs main() itself (compiled as mvlaunch_main).
# FUZZ_SECONDS is per target; a crash stops 'make fuzz' and leaves its input
# in $(FUZZ_BUILD)/ (crash-*, leak-*, timeout-*).
FUZZ_SECONDS ?= 600
FUZZ_BUILD ?= build-fuzz
FUZZ_TARGETS := config host_config qmp qmp_stream state host_state topology cli import
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. $(WARNINGS) -Wno-format-nonliteral -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all $(shell $(PKG_CONFIG) --cflags $(PKGS)) -MMD -MP
FUZZ_LIB := $(FUZZ_BUILD)/libmvlaunch.a
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)clang $(FUZZ_CFLAGS) -DMVL_VERSION='"$(VERSION)"' -c $< -o $@

$(FUZZ_BUILD)/obj/launcher/cmd/main-fuzz.o: launcher/cmd/main.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)clang $(FUZZ_CFLAGS) -DMVL_VERSION='"$(VERSION)"' -Dmain=mvlaunch_main -Wno-missing-prototypes -c $< -o $@

$(FUZZ_LIB): $(addprefix $(FUZZ_BUILD)/obj/,$(LIB_OBJS))
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_cli: $(FUZZ_BUILD)/obj/fuzz/fuzz_cli.o $(FUZZ_BUILD)/obj/launcher/cmd/main-fuzz.o \
		$(addprefix $(FUZZ_BUILD)/obj/,$(filter-out launcher/cmd/main.o,$(CMD_OBJS))) $(FUZZ_LIB)
	$(QUIET_LD)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(QUIET_LD)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BINS)
.SECONDARY: $(addprefix $(FUZZ_BUILD)/obj/fuzz/fuzz_,$(addsuffix .o,$(FUZZ_TARGETS)))

# Each target: its seed corpus (fuzz/corpus-X, plus files the tests already
# have), grown in $(FUZZ_BUILD)/corpus-X across runs.
FUZZ_RUN = LSAN_OPTIONS=suppressions=fuzz/lsan.supp $(FUZZ_BUILD)/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 \
           -artifact_prefix=$(FUZZ_BUILD)/$(1)- $(2) $(FUZZ_BUILD)/corpus-$(1)

fuzz: fuzz-build
	$(Q)scripts/fuzz-corpus $(FUZZ_BUILD)
	$(call FUZZ_RUN,config,-max_len=8192 -dict=fuzz/toml.dict)
	$(call FUZZ_RUN,host_config,-max_len=4096 -dict=fuzz/toml.dict)
	$(call FUZZ_RUN,qmp,-max_len=65536)
	$(call FUZZ_RUN,qmp_stream,-max_len=65536)
	$(call FUZZ_RUN,state,-max_len=16384 -dict=fuzz/json.dict)
	$(call FUZZ_RUN,host_state,-max_len=16384 -dict=fuzz/json.dict)
	$(call FUZZ_RUN,topology,-max_len=65536 -dict=fuzz/xml.dict)
	$(call FUZZ_RUN,cli,-max_len=1024 -dict=fuzz/cli.dict)
	$(call FUZZ_RUN,import,-max_len=65536 -dict=fuzz/libvirt.dict)

-include $(addprefix $(FUZZ_BUILD)/obj/,$(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d))

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEB_PKGS := build-essential pkg-config git libjansson-dev libhwloc-dev libnuma-dev \
            libcmocka-dev libsystemd0 qemu-system-x86 qemu-utils ovmf hwloc-nox \
            clang libclang-rt-14-dev valgrind busybox-static cpio jq python3 procps util-linux strace \
            systemd man-db dbus-daemon python3-dbus python3-gi \
            xorriso swtpm libxml2-dev virtinst libvirt-clients libvirt-daemon-driver-qemu osinfo-db \
            libacl1-dev acl e2fsprogs iproute2 swtpm-tools

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(DEB_PKGS)

# the man page comes from the binary's own help (scripts/make-manpage)
man: $(MAN)
$(MAN): $(PROGRAM) scripts/make-manpage
	$(QUIET_GEN)scripts/make-manpage $(PROGRAM) >$@

# the unit's ExecStart/ExecStop get the installed binary's path
install: $(PROGRAM) $(MAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mvlaunch/vms \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(PROGRAM) $(DESTDIR)$(PREFIX)/bin/mvlaunch
	install -m 0644 vms/*.toml $(DESTDIR)$(PREFIX)/share/mvlaunch/vms/
	sed 's|^\(Exec[A-Za-z]*=\)mvlaunch |\1$(PREFIX)/bin/mvlaunch |' scripts/mvlaunch@.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/mvlaunch@.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/mvlaunch@.service
	install -m 0644 scripts/mvlaunch.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mvlaunch
	install -m 0644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/mvlaunch.1
	@# the group whose members may read VM status (runtime dirs 0750, state.json 0640; QMP stays root's)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ! getent group mvlaunch >/dev/null; then \
		groupadd --system mvlaunch && echo "created group mvlaunch: its members may run 'mvlaunch status'"; fi
	@# the user QEMU and swtpm run as (security.user): mvlaunch makes it itself, idempotent
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then $(DESTDIR)$(PREFIX)/bin/mvlaunch host setup; fi

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d)
