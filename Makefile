# skuld — build, test and benchmark.
#
#   make            build ./skuld
#   make run        build, then evaluate the bundled rules on the example tenant
#   make test       install missing build/test packages, build, run every test
#                   (plain build, then AddressSanitizer + UBSan build); ends with
#                   "N passed, M failed"
#   make bench      benchmarks (see docs/PERFORMANCE.md)
#   make bench-compare OLD=path/to/skuld [PAIRS=20] [USERS=1000000]
#                   this build against another on the bench's tenant (tools/compare.sh)
#
# Generated parser/lexer sources live in $(BUILD)/, never in git.

CC      ?= cc
BUILD   ?= build
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT     ?= -O2 -g
CFLAGS_ALL := $(CSTD) $(OPT) -Iinclude -I$(BUILD) $(EXTRA_CFLAGS)
LDLIBS  := -ljansson $(EXTRA_LDFLAGS)

SRC     := $(sort $(wildcard src/*.c))
LIB_SRC := $(filter-out src/main.c,$(SRC))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/parser.o $(BUILD)/lexer.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOLS_SRC := $(sort $(wildcard tools/*.c))
TOOLS_BIN := $(TOOLS_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all run test check-deps deps unit tools bench bench-compare clean asan fuzz fuzz-smoke
all: skuld

skuld: $(BUILD)/skuld
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/skuld: $(BUILD)/main.o $(BUILD)/libskuld.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS)

$(BUILD)/libskuld.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# bison runs once even under -j (grouped target).
$(BUILD)/parser.c $(BUILD)/parser.h &: grammar/parser.y | $(BUILD)/.dir
	bison -Wall -Werror --defines=$(BUILD)/parser.h -o $(BUILD)/parser.c $<

$(BUILD)/lexer.c $(BUILD)/lexer.h &: grammar/lexer.l | $(BUILD)/.dir
	flex --header-file=$(BUILD)/lexer.h -o $(BUILD)/lexer.c $<

# Generated code: relaxed warnings.
$(BUILD)/parser.o: $(BUILD)/parser.c $(BUILD)/lexer.h
	$(CC) $(CFLAGS_ALL) -Wall -Werror -Wno-unused-function -c -o $@ $<
$(BUILD)/lexer.o: $(BUILD)/lexer.c $(BUILD)/parser.h
	$(CC) $(CFLAGS_ALL) -Wall -Werror -Wno-unused-function -Wno-sign-compare -c -o $@ $<

# Our own code: strict warnings.
$(BUILD)/%.o: src/%.c $(BUILD)/parser.h $(BUILD)/lexer.h | $(BUILD)/.dir
	$(CC) $(CFLAGS_ALL) $(WARN) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libskuld.a | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(WARN) -Wno-missing-prototypes -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/tools/%: tools/%.c $(BUILD)/libskuld.a | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(WARN) -o $@ $^ $(LDLIBS)

$(BUILD)/.dir:
	mkdir -p $(BUILD)
	touch $@

unit: $(UNIT_BIN)
tools: $(TOOLS_BIN)

# Install what a fresh Debian machine lacks (needs root for apt-get).
deps:
	@sh tools/install-deps.sh

run: deps skuld
	./skuld eval rules/ --tenant examples/contoso

# The whole suite, twice: a plain build, then ASan + UBSan in build-asan/.
test: deps
	@$(MAKE) --no-print-directory all unit tools
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" all-asan
	@sh tests/run.sh build build-asan

all-asan: $(BUILD)/skuld unit tools

bench: deps skuld tools
	@sh tools/bench.sh

# ./skuld against the build OLD, pair by pair in random order: eval with --no-assignments
# of the bench's tenant of USERS users (generated as make bench does when missing).
PAIRS ?= 20
USERS ?= 1000000
bench-compare: deps skuld tools
	@test -n "$(OLD)" || { echo "usage: make bench-compare OLD=path/to/other/skuld [PAIRS=20] [USERS=1000000]" >&2; exit 2; }
	@d=build/bench/tenant-$(USERS); [ -f $$d/tenant/users.csv ] || $(BUILD)/tools/gen-tenant --users $(USERS) --out $$d; \
	sh tools/compare.sh -n $(PAIRS) "$(OLD)" ./skuld -- eval rules/microsoft365/catalog.skuld $$d/rules.skuld \
	    --tenant $$d/tenant --format json --no-assignments -o build/bench/compare.json

# libFuzzer targets (fuzz/, docs/RELIABILITY.md), each for FUZZ_SECONDS (default 60).
fuzz: deps
	@sh fuzz/run.sh
fuzz-smoke: deps
	@FUZZ_SECONDS=10 sh fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz skuld

-include $(wildcard $(BUILD)/*.d)
