/* SPDX-License-Identifier: MIT */
/*
 * Host side shared by the QEMU conformance generators (qemu_gen.c, amd_gen.c,
 * x86/qemu_gen_x86.c): the random source, command-line and environment
 * parsing, the table arena, writing blobs, running QEMU and reading the
 * harness's summary, and the self-test verdict. What a generator maps, which
 * vectors it picks and how it corrupts them for --selftest stay in the
 * generator: those follow the hardware under test.
 *
 * Not a goal: anything a bare-metal harness runs; those share nothing with
 * the host.
 */
#ifndef VCM_TESTS_QEMU_GEN_COMMON_H
#define VCM_TESTS_QEMU_GEN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include "model/range_model.h"

/* splitmix64: small, good enough, and the same everywhere. One stream per process. */
void gen_seed(uint64_t seed);
uint64_t gen_rnd(void);
/* Uniform in [0, n); n != 0. */
uint64_t gen_rnd_below(uint64_t n);

/* FNV-1a: a config's seed does not change when configs are added or reordered. */
uint32_t gen_name_hash(const char *s);

/* True when snprintf's result @n fitted in @size bytes. */
bool gen_fit(int n, size_t size);

/*
 * One command-line option: "--name VALUE" stores VALUE in *str, a bare
 * "--name" sets *flag. A table ends with a NULL name.
 */
struct gen_opt {
	const char *name;
	const char **str;
	bool *flag;
};

/* Parses argv[1..] against @opts; -1 on an unknown option or a missing value. */
int gen_parse_opts(int argc, char **argv, const struct gen_opt *opts);

/*
 * The environment every generator reads: VCM_QEMU_SEED (base seed, default
 * 0x5eed0000), VCM_QEMU_ONLY (configs whose name contains it),
 * VCM_QEMU_VECTORS (vectors per config, default 4000, outside [64, max] the
 * default).
 */
struct gen_env {
	const char *only;
	uint64_t base;
	uint32_t nvecs;
};

void gen_env_read(struct gen_env *env, uint32_t max_vecs);
/* False when VCM_QEMU_ONLY excludes the config called @name. */
bool gen_env_wants(const struct gen_env *env, const char *name);
/* The seed of the config called @name: the base plus a hash of the name. */
uint64_t gen_env_seed(const struct gen_env *env, const char *name);

/* A table under test in a zeroed arena placed at a guest physical address. */
struct gen_table {
	void *mem;
	struct vcm_plat_arena arena;
	struct vcm_plat_ops ops;
	struct vcm_pt *pt;
};

/*
 * Allocates @len zeroed bytes at guest address @pa and creates the table @cfg
 * describes in them (cfg->plat is filled in). On failure prints why, under
 * @name, and returns -1 with nothing left allocated.
 */
int gen_table_open(struct gen_table *t, const char *name, struct vcm_pt_cfg *cfg, uint64_t pa,
		   size_t len);
void gen_table_close(struct gen_table *t);
/* Length of the arena dump: up to its last nonzero byte, rounded up to 4 KiB. */
size_t gen_table_used(const struct gen_table *t);
/* Bit n set when the table holds a leaf of 2^n bytes in [0, space). Statistics only. */
uint64_t gen_table_leaf_sizes(const struct gen_table *t, uint64_t space);

/*
 * A table under test and the reference model beside it: every map and unmap
 * goes to both, and the model alone answers what the table should hold.
 */
struct gen_check {
	struct vcm_pt *pt;
	struct model md;
	unsigned int maps, unmaps, map_fail, errors;
};

/* Counts a disagreement with the model; the first ten are printed with the table's last error. */
void gen_mismatch(struct gen_check *k, const char *what, uint64_t da, uint64_t len, long long got,
		  long long want);
/*
 * vcm_pt_map() on the table and, when it succeeds, the same map on the model.
 * Over an existing mapping the table must refuse (-EEXIST, or -ENOMEM when
 * it runs out of table memory first); -ENOMEM elsewhere is counted in
 * map_fail, not an error.
 */
void gen_check_map(struct gen_check *k, uint64_t da, uint64_t pa, uint64_t len, unsigned int prot);
/* vcm_pt_unmap() on both: the same byte count, or -ENOENT when nothing was there. */
void gen_check_unmap(struct gen_check *k, uint64_t da, uint64_t len);

/* Writes @a then @b (@blen may be 0) to @path; 0 or -1, with a message. */
int gen_write_file(const char *path, const void *a, size_t alen, const void *b, size_t blen);
/* Formats "@dir/@name.@what.bin" into @buf; false when it does not fit. */
bool gen_blob_path(char *buf, size_t size, const char *dir, const char *name, const char *what);

/* What the harness's summary line reports. */
struct gen_result {
	unsigned int vectors, ats, mismatches;
};

/*
 * Reads one line of QEMU's output: 1 when it is the harness's summary (filled
 * into @res), 0 when it should be echoed, -1 when it should be dropped.
 */
typedef int gen_parse_fn(const char *line, struct gen_result *res);
/* "RESULT vectors=N ats=N mismatches=N", the Arm, RISC-V and x86 harnesses' line. */
int gen_parse_result_line(const char *line, struct gen_result *res);

/*
 * Runs @cmd (a shell command that starts QEMU) and reads its output with
 * @parse. Returns the mismatch count, or -1 when no summary for @nvec vectors
 * came or QEMU's exit status is not @exit_status(mismatches); @ats (may be
 * NULL) gets the summary's operation count.
 */
long gen_run_qemu(const char *cmd, uint32_t nvec, gen_parse_fn *parse,
		  int (*exit_status)(unsigned int mismatches), uint32_t *ats);

/*
 * --selftest verdict: prints how many of @corrupted expectations the harness
 * caught and returns 0 when it reported at least that many (and some were
 * corrupted), else -1: a check that cannot fail proves nothing.
 */
long gen_selftest_verdict(uint32_t corrupted, long mismatches);

/* The line that lets a failing config be run alone: its registers and the seed. */
void gen_print_rerun(const char *name, const struct vcm_hw_regs *hw, uint64_t base);

#endif
