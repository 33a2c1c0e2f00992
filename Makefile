# samen: build, run, test, benchmark.
#
#   make            build build/samen (and build/libsamen.a)
#   make run        install what is missing, build, run the built-in experiment
#   make test       the whole test suite (what CI runs)
#   make bench      benchmarks, written to bench/RESULTS.md
#   make deps       install the Debian packages the project needs
#   make asan       the test suite under AddressSanitizer + UBSan
#   make params-doc regenerate docs/parameters.md from sim/params.def
#
# Local overrides go in an untracked config.mk (CC, CFLAGS, ...). V=1 prints full commands.

-include config.mk

CC      ?= gcc
PYTHON  ?= /usr/bin/python3
BUILD   ?= build
PREFIX  ?= /usr/local

# Deferred (=, not :=): on a fresh machine the packages are installed by the first recipe, after
# the Makefile is read, so pkg-config must be asked when a command runs. Cached after first use.
DEP_CFLAGS   = $(eval DEP_CFLAGS := $(shell pkg-config --cflags hdf5 gsl yaml-0.1 2>/dev/null))$(DEP_CFLAGS)
DEP_LIBS     = $(eval DEP_LIBS := $(shell pkg-config --libs hdf5 gsl yaml-0.1 2>/dev/null) -lhdf5_hl -lm)$(DEP_LIBS)

OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
CFLAGS  += -std=c11 $(OPT) $(WARN) -fopenmp -ffp-contract=off -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS  += $(if $(CI),-Werror) $(DEP_CFLAGS) -Isim $(SAN)
LDFLAGS += -fopenmp $(SAN)
LDLIBS  += $(DEP_LIBS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ  := $(LIB_SRC:sim/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/version.o $(BUILD)/obj/scenario_default.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test unit integration pytest bench deps check-deps asan clean install params-doc docs patterns

all: $(BUILD)/samen

# --- dependencies ----------------------------------------------------------------------------
DEB_PACKAGES := gcc make pkg-config libgsl-dev libhdf5-dev hdf5-tools librandom123-dev libyaml-dev \
                netcdf-bin python3 python3-h5py python3-xarray python3-matplotlib python3-pandas \
                python3-netcdf4 python3-h5netcdf python3-pytest python3-jsonschema python3-scipy time bc \
                python3-yaml python3-pil chromium fonts-dejavu-core r-cran-hdf5r r-cran-diptest
DEPS_STAMP := $(BUILD)/.deps-ok

deps:
	@scripts/deps.sh $(DEB_PACKAGES)

# Install only when something is missing; the stamp keeps later builds from asking again (until
# the package list in this Makefile changes).
$(DEPS_STAMP): Makefile
	@scripts/deps.sh --if-missing $(DEB_PACKAGES)
	@mkdir -p $(BUILD) && touch $@

check-deps: $(DEPS_STAMP)

# --- library and binary ------------------------------------------------------------------------
$(BUILD)/obj/%.o: sim/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# version.c is regenerated when the git revision or the flags change.
VERSION_STRING := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)
$(BUILD)/version.c: FORCE | $(DEPS_STAMP)
	@mkdir -p $(BUILD)
	@scripts/version.sh "$(VERSION_STRING)" "$(CC)" "$(CFLAGS)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/obj/version.o: $(BUILD)/version.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
FORCE:

# The built-in default experiment: scenarios/default.yaml compiled in as the C string
# scenario_default_text (bytes as an initializer list, so its length is not limited).
$(BUILD)/scenario_default.c: scenarios/default.yaml
	@mkdir -p $(BUILD)
	$(Q){ echo '/* Generated from scenarios/default.yaml by make; do not edit. */'; \
	  echo 'const char scenario_default_text[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/(char)0x\1,/g' -e 's/^/    /'; \
	  echo '    0};'; } > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/scenario_default.o: $(BUILD)/scenario_default.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libsamen.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BUILD)/samen: $(BUILD)/obj/main.o $(BUILD)/libsamen.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# --- tests -------------------------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsamen.a tests/unit/testhelp.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(BUILD)/libsamen.a $(LDFLAGS) $(LDLIBS) -o $@

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

integration: $(BUILD)/samen
	@tests/integration/run.sh

pytest: $(BUILD)/samen $(BUILD)/tests/test_output
	@$(PYTHON) -m pytest -q tests/python

test: $(DEPS_STAMP) $(BUILD)/samen $(UNIT_BIN)
	@tests/run-all.sh $(UNIT_BIN)

patterns: $(BUILD)/samen
	@tests/patterns/run.sh

# Regenerate docs/validation.md (and docs/validation/) from the current build, whatever the verdicts.
.PHONY: validation
validation: $(BUILD)/samen
	@tests/patterns/run.sh --allow-fail

# --- the two user commands ---------------------------------------------------------------------
run: $(DEPS_STAMP) $(BUILD)/samen
	$(BUILD)/samen run

$(BUILD)/bench: bench/bench.c $(BUILD)/libsamen.a
	$(Q)$(CC) $(CFLAGS) $< $(BUILD)/libsamen.a $(LDFLAGS) $(LDLIBS) -o $@

bench: $(DEPS_STAMP) $(BUILD)/samen $(BUILD)/bench
	@bench/run.sh

params-doc: $(BUILD)/samen
	$(BUILD)/samen params --markdown > docs/parameters.md

docs: params-doc # regenerate the generated parts of docs/ and scenarios/schema.json
	$(PYTHON) scripts/metrics-doc.py
	$(BUILD)/samen params --json-schema > scenarios/schema.json
	scripts/odd-params.sh $(BUILD)/samen docs/ODD.md

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g" SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	        SAMEN=build-asan/samen SAMEN_TEST_OUTPUT=build-asan/tests/test_output test

install: $(BUILD)/samen
	install -D -m 755 $(BUILD)/samen $(DESTDIR)$(PREFIX)/bin/samen

clean:
	rm -rf $(BUILD) build-asan

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
print-%: # make print-VAR shows a variable (debugging the build)
	@echo '$*=$($*)'
