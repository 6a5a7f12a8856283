# aem — Anti Evil Maid toolkit. Top-level build.
#
#   make            build everything into build/ (the command is build/aem)
#   make check      install missing packages (root), build, run the whole test suite
#   make demo       the main job on a software TPM and an emulated TXT launch
#   make sanitize   ASan+UBSan build (build/san/) running the same tests
#   make fuzz       build the libFuzzer targets and run each for FUZZ_SECONDS
#   make bench      benchmarks (numbers and ratios against peers; no pass/fail on time)
#   make install    DESTDIR=... PREFIX=/usr/local (dracut module: DRACUT_MODULES, hooks: SYSCONFDIR)
#   make dist       release tarball aem-VERSION.tar.gz (git archive of the tag vVERSION)
#   make deb        Debian packages aem and aem-dracut into build/debs (lintian-checked)
#   make clean

BUILD   ?= build
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)
PREFIX  ?= /usr/local
# dracut looks for modules here only, whatever the prefix
DRACUT_MODULES ?= /usr/lib/dracut/modules.d
SYSCONFDIR ?= /etc
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
SAN     ?=
FUZZ_SECONDS ?= 20
# Which tests to run: a space-separated list of suites (unit tpm launch e2e ...), empty = all.
SUITES  ?=

CC      ?= cc
PKGS    := tss2-esys tss2-tctildr tss2-mu tss2-rc libcrypto json-c libqrencode libpng \
           libusb-1.0 libcryptsetup zlib liblzma libisal
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ltspi

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wundef -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -fstack-protector-strong -fPIE $(PKG_CFLAGS)
ifneq ($(SAN),)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS  += -D_FORTIFY_SOURCE=2
endif
LDFLAGS += -pie -Wl,-z,relro,-z,now
LDLIBS  := $(PKG_LIBS)

# Reproducible builds: no build directory in the objects (debug info, __FILE__),
# deterministic archives; the same source in any directory gives the same bytes
# (tests/pkg/test_reproducible.sh). The version is the file VERSION; the source
# commit is git's (with -dirty for uncommitted changes), or, in a release tarball
# (git archive / make dist), the COMMIT file git filled in (export-subst).
CFLAGS  += -ffile-prefix-map=$(CURDIR)=.
VERSION := $(shell cat VERSION)
COMMIT  := $(shell scripts/source-commit)

# The rooms (docs/architecture.md). Each is one static library; a room sees
# only its own headers and those of the rooms below it, so an include that
# points upward does not compile. Lowest first:
#   tpm-seal        libaemtpm        PCR arithmetic, sealed format, TPM backends
#   secret-display  libaemdisplay    text, TOTP, QR, console
#   aem/launch      libaemlaunch     the measured-launch model (pure: no I/O)
#   aem/platform    libaemplatform   the one door to the running system
#   aem/doctor      libaemdoctor     can this machine run AEM
#   aem/lifecycle   libaemlifecycle  state, media, freshness, bundles, PCR 13
#   aem             libaemcli + main the command: one cmd_<verb>.c per verb
#   initramfs-hooks/aem-boot         the boot program (aem-boot*)
ROOMS    := tpm-seal secret-display aem/launch aem/platform aem/doctor aem/lifecycle aem
INC_tpm-seal        := -Itpm-seal
INC_secret-display  := -Isecret-display
INC_aem/launch      := -Iaem/launch -Itpm-seal
INC_aem/platform    := -Iaem/platform $(INC_aem/launch)
INC_aem/doctor      := -Iaem/doctor $(INC_aem/platform)
INC_aem/lifecycle   := -Iaem/lifecycle $(INC_aem/platform) -Isecret-display
INC_aem             := -Iaem -Iaem/doctor $(INC_aem/lifecycle)
INC_initramfs-hooks/aem-boot := -Iinitramfs-hooks/aem-boot $(INC_aem/lifecycle)
# Tests and tools see every library room (not the CLI's own headers).
INC_TEST := -Iinitramfs-hooks/aem-boot -Iaem/doctor $(INC_aem/lifecycle) -Itests/lib
inc_of    = $(or $(INC_$(patsubst %/,%,$(dir $(1)))),$(INC_TEST))

room_src = $(sort $(wildcard $(1)/*.c))
room_obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(call room_src,$(1)))
TPM_SRC  := $(call room_src,tpm-seal)
DISP_SRC := $(call room_src,secret-display)
LAUNCH_SRC := $(call room_src,aem/launch)
PLAT_SRC := $(call room_src,aem/platform)
DOC_SRC  := $(call room_src,aem/doctor)
LC_SRC   := $(call room_src,aem/lifecycle)
CLI_SRC  := $(filter-out aem/main.c,$(call room_src,aem))
BOOT_SRC := $(call room_src,initramfs-hooks/aem-boot)
# Link order follows the arrows: a library before every library it uses.
LIBS     := $(BUILD)/libaemlifecycle.a $(BUILD)/libaemdoctor.a $(BUILD)/libaemplatform.a \
            $(BUILD)/libaemlaunch.a $(BUILD)/libaemdisplay.a $(BUILD)/libaemtpm.a

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
# Test tooling (not the product): simulator helpers and the emulated TXT launch.
# Every C file in a test folder other than unit/ and fuzz/ is one tool binary.
TOOL_SRC := $(sort $(filter-out tests/unit/% tests/fuzz/%,$(wildcard tests/*/*.c)))
TOOL_BIN := $(addprefix $(BUILD)/tests/tools/,$(notdir $(TOOL_SRC:.c=)))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all check demo sanitize fuzz bench install clean deps tcb programs dist deb
all: $(BUILD)/aem $(UNIT_BIN) $(TOOL_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(call inc_of,$<) -MMD -MP -c -o $@ $<

$(BUILD)/libaemtpm.a: $(call room_obj,tpm-seal)
$(BUILD)/libaemdisplay.a: $(call room_obj,secret-display)
$(BUILD)/libaemlaunch.a: $(call room_obj,aem/launch)
$(BUILD)/libaemplatform.a: $(call room_obj,aem/platform)
$(BUILD)/libaemdoctor.a: $(call room_obj,aem/doctor)
$(BUILD)/libaemlifecycle.a: $(call room_obj,aem/lifecycle)
$(BUILD)/libaemcli.a: $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
$(BUILD)/libaemboot.a: $(BOOT_SRC:%.c=$(BUILD)/obj/%.o)
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcsD $@ $^

# aem --version: the version and source commit, rebuilt when either changes.
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION) $(COMMIT)' | cmp -s - $@ || echo '$(VERSION) $(COMMIT)' > $@
$(BUILD)/obj/aem/cmd_version.o: $(BUILD)/version.stamp
$(BUILD)/obj/aem/cmd_version.o: CFLAGS += -DAEM_VERSION='"$(VERSION)"' -DAEM_COMMIT='"$(COMMIT)"'
.PHONY: FORCE
FORCE:

$(BUILD)/aem: $(BUILD)/obj/aem/main.o $(BUILD)/libaemcli.a $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The boot-path programs: aem-boot-tpm2 and aem-boot-tpm12 hold one TPM
# family's backend each (the facade's backend list is compiled for that family
# alone), aem-boot both, for initramfs images built where the family is not
# known. Only the archive members a program references are linked in; the
# link maps tell `make tcb` which project files those are. --as-needed keeps
# the other family's TSS libraries out of the ELF dependencies dracut copies.
BOOT_BIN := $(BUILD)/aem-boot $(BUILD)/aem-boot-tpm2 $(BUILD)/aem-boot-tpm12
BOOT_LDFLAGS = $(LDFLAGS) -Wl,--as-needed -Wl,--gc-sections -Wl,-Map=$@.map
BOOT_MAIN := $(BUILD)/obj/initramfs-hooks/aem-boot/boot_main.o
all: $(BOOT_BIN)
$(BUILD)/aem-boot: $(BOOT_MAIN) $(BUILD)/libaemboot.a $(LIBS)
	$(CC) $(BOOT_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/aem-boot-tpm%: $(BOOT_MAIN) $(BUILD)/obj/backends-tpm%.o $(BUILD)/libaemboot.a $(LIBS)
	$(CC) $(BOOT_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/obj/backends-tpm2.o: tpm-seal/tpm_backends.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(INC_tpm-seal) -DAEM_BACKEND_ONLY=20 -MMD -MP -c -o $@ $<
$(BUILD)/obj/backends-tpm12.o: tpm-seal/tpm_backends.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(INC_tpm-seal) -DAEM_BACKEND_ONLY=12 -MMD -MP -c -o $@ $<

# Unit tests may reach the boot program's steps (libaemboot) but not the CLI.
$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libaemboot.a $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

define tool_rule
$(BUILD)/tests/tools/$(notdir $(1:.c=)): $(BUILD)/obj/$(1:.c=.o) $(LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach s,$(TOOL_SRC),$(eval $(call tool_rule,$(s))))

# Dependencies: installs missing packages as root, else prints the apt-get line and stops.
deps:
	@scripts/install-deps --check || scripts/install-deps

check: deps
	$(MAKE) all
	tests/run --build $(BUILD) $(SUITES)

sanitize: deps
	$(MAKE) SAN=1 BUILD=build/san all
	tests/run --build build/san $(SUITES)

demo: deps
	$(MAKE) all
	scripts/demo --build $(BUILD)

# libFuzzer targets: clang, ASan+UBSan, each run for FUZZ_SECONDS on its seed corpus.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(INC_TEST) $(PKG_CFLAGS) \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN)
FUZZ_LIBSRC := $(TPM_SRC) $(DISP_SRC) $(LAUNCH_SRC) $(PLAT_SRC) $(DOC_SRC) $(LC_SRC) \
               $(filter-out %/boot_main.c,$(BOOT_SRC))
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIBSRC) $(LDLIBS)
fuzz: deps $(FUZZ_BIN)
	tests/fuzz/run --build $(BUILD) --seconds $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: deps
	$(MAKE) all
	bench/run --build $(BUILD)

# Lines of project C linked into the boot-path program (files it is built from).
tcb: $(BOOT_BIN)
	@scripts/tcb-lines $(BUILD)

# What the packages ship: the command and the boot programs (no tests).
programs: $(BUILD)/aem $(BOOT_BIN)

install: programs
	install -D -m 0755 $(BUILD)/aem $(DESTDIR)$(PREFIX)/bin/aem
	@for b in $(BOOT_BIN); do if [ -x $$b ]; then \
		install -D -m 0755 $$b $(DESTDIR)$(PREFIX)/lib/aem/$${b##*/}; fi; done
	install -d $(DESTDIR)$(DRACUT_MODULES)/90aem
	install -m 0755 initramfs-hooks/dracut/90aem/*.sh $(DESTDIR)$(DRACUT_MODULES)/90aem/
	install -m 0644 $(filter-out %.sh,$(wildcard initramfs-hooks/dracut/90aem/*)) \
		$(DESTDIR)$(DRACUT_MODULES)/90aem/
	install -D -m 0755 initramfs-hooks/grub.d/19_linux_xen_tboot_aem $(DESTDIR)$(SYSCONFDIR)/grub.d/19_linux_xen_tboot_aem
	install -D -m 0755 initramfs-hooks/kernel-install/60-aem.install $(DESTDIR)$(SYSCONFDIR)/kernel/install.d/60-aem.install
	install -D -m 0755 initramfs-hooks/kernel-install/zz-aem $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-aem
	install -D -m 0755 initramfs-hooks/kernel-install/zz-aem $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-aem
	@for m in docs/man/*.[1-8]; do [ -f "$$m" ] || continue; \
		s=$${m##*.}; install -D -m 0644 "$$m" $(DESTDIR)$(PREFIX)/share/man/man$$s/$$(basename $$m); done
	install -D -m 0644 contrib/bash-completion/aem $(DESTDIR)$(BASH_COMPLETION_DIR)/aem

# Release tarball: exactly `git archive` of the tag v$(VERSION) (COMMIT filled in
# by git, see .gitattributes); DIST_REF=HEAD for a snapshot.
DIST_REF ?= v$(VERSION)
DISTDIR  ?= .
dist:
	@git rev-parse -q --verify '$(DIST_REF)^{commit}' >/dev/null || \
		{ echo "make dist: no $(DIST_REF) in git (tag it: git tag -a $(DIST_REF); or DIST_REF=HEAD)" >&2; exit 1; }
	git archive --format=tar --prefix=aem-$(VERSION)/ '$(DIST_REF)' | gzip -9n > $(DISTDIR)/aem-$(VERSION).tar.gz
	@echo "make dist: $(DISTDIR)/aem-$(VERSION).tar.gz ($(DIST_REF) = $$(git rev-parse '$(DIST_REF)^{commit}'))"

# Debian packages aem and aem-dracut (debian/; needs debhelper), moved from ..
# (where dpkg-buildpackage writes them) to DEB_OUT; lintian when installed.
DEB_OUT ?= $(BUILD)/debs
deb:
	dpkg-buildpackage -us -uc -b
	@set -e; mkdir -p $(DEB_OUT); \
	ch=../aem_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).changes; \
	for f in $$(sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]* [0-9]* [^ ]* [^ ]* //p' $$ch); do \
		mv ../$$f $(DEB_OUT)/; done; mv $$ch $(DEB_OUT)/; ls -l $(DEB_OUT)
	@if command -v lintian >/dev/null; then lintian --fail-on error,warning $(DEB_OUT)/*.changes; fi

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
.SECONDARY:
