// SPDX-License-Identifier: MIT
/*
 * Host side shared by the QEMU conformance generators: see gen_common.h.
 */
#define _POSIX_C_SOURCE 200809L /* popen, pclose */
#include "gen_common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static uint64_t rng_state;

void gen_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t gen_rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t gen_rnd_below(uint64_t n)
{
	return gen_rnd() % n;
}

uint32_t gen_name_hash(const char *s)
{
	uint32_t h = 2166136261U;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619U;
	return h;
}

bool gen_fit(int n, size_t size)
{
	return n >= 0 && (size_t)n < size;
}

int gen_parse_opts(int argc, char **argv, const struct gen_opt *opts)
{
	for (int i = 1; i < argc; i++) {
		const struct gen_opt *o = opts;

		while (o->name != NULL && strcmp(o->name, argv[i]) != 0)
			o++;
		if (o->name == NULL)
			return -1;
		if (o->flag != NULL) {
			*o->flag = true;
			continue;
		}
		if (i + 1 >= argc)
			return -1;
		*o->str = argv[++i];
	}
	return 0;
}

void gen_env_read(struct gen_env *env, uint32_t max_vecs)
{
	const char *seed = getenv("VCM_QEMU_SEED");
	const char *nv = getenv("VCM_QEMU_VECTORS");

	env->only = getenv("VCM_QEMU_ONLY");
	env->base = seed != NULL ? strtoull(seed, NULL, 0) : UINT64_C(0x5eed0000);
	env->nvecs = 4000;
	if (nv != NULL) {
		env->nvecs = (uint32_t)strtoul(nv, NULL, 0);
		if (env->nvecs < 64U || env->nvecs > max_vecs)
			env->nvecs = 4000;
	}
}

bool gen_env_wants(const struct gen_env *env, const char *name)
{
	return env->only == NULL || strstr(name, env->only) != NULL;
}

uint64_t gen_env_seed(const struct gen_env *env, const char *name)
{
	return env->base + gen_name_hash(name);
}

int gen_table_open(struct gen_table *t, const char *name, struct vcm_pt_cfg *cfg, uint64_t pa,
		   size_t len)
{
	struct vcm_diag diag = { 0 };
	int ret;

	memset(t, 0, sizeof(*t));
	/* zeroed, so the dump can stop at its last nonzero byte */
	t->mem = aligned_alloc(4096, len);
	if (t->mem == NULL) {
		fprintf(stderr, "%s: no memory for the table arena\n", name);
		return -1;
	}
	memset(t->mem, 0, len);
	if (vcm_plat_arena_init(&t->arena, t->mem, pa, len) != 0) {
		fprintf(stderr, "%s: arena: %s\n", name, t->arena.diag.msg);
		free(t->mem);
		return -1;
	}
	vcm_plat_arena_ops(&t->arena, &t->ops);
	cfg->plat = &t->ops;
	ret = vcm_pt_create(cfg, &t->pt, &diag);
	if (ret != 0) {
		printf("%s: create failed (%d): %s\n", name, ret, diag.msg);
		free(t->mem);
		return -1;
	}
	return 0;
}

void gen_table_close(struct gen_table *t)
{
	vcm_pt_destroy(t->pt);
	free(t->mem);
	t->pt = NULL;
	t->mem = NULL;
}

size_t gen_table_used(const struct gen_table *t)
{
	size_t n = (size_t)t->arena.len;

	while (n > 0U && t->arena.cpu[n - 1U] == 0U)
		n--;
	return (n + 4095U) & ~(size_t)4095U;
}

static int note_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	uint64_t *sizes = arg;

	*sizes |= UINT64_C(1) << leaf->size_lg2;
	return 0;
}

uint64_t gen_table_leaf_sizes(const struct gen_table *t, uint64_t space)
{
	uint64_t sizes = 0;

	vcm_pt_walk(t->pt, 0, space, note_leaf, &sizes);
	return sizes;
}

void gen_mismatch(struct gen_check *k, const char *what, uint64_t da, uint64_t len, long long got,
		  long long want)
{
	if (++k->errors <= 10U)
		printf("  GENERATOR MISMATCH %s da=%#" PRIx64 " len=%#" PRIx64
		       " got=%lld model=%lld: %s\n",
		       what, da, len, got, want, vcm_pt_last_error(k->pt));
}

void gen_check_map(struct gen_check *k, uint64_t da, uint64_t pa, uint64_t len, unsigned int prot)
{
	bool overlap = model_any(&k->md, da, len);
	int ret = vcm_pt_map(k->pt, da, pa, len, prot);

	if (overlap) {
		/* The walker may run out of table memory before it meets the mapping. */
		if (ret != -EEXIST && ret != -ENOMEM)
			gen_mismatch(k, "map over a mapping", da, len, ret, -EEXIST);
		return;
	}
	if (ret == -ENOMEM) {
		k->map_fail++;
		return;
	}
	if (ret != 0) {
		gen_mismatch(k, "map", da, len, ret, 0);
		return;
	}
	if (!model_map(&k->md, da, pa, len, prot))
		gen_mismatch(k, "model map", da, len, 0, 0);
	k->maps++;
}

void gen_check_unmap(struct gen_check *k, uint64_t da, uint64_t len)
{
	uint64_t got = 0, want = model_unmap(&k->md, da, len);
	int ret = vcm_pt_unmap(k->pt, da, len, &got);

	if (want == 0U) {
		if (ret != -ENOENT)
			gen_mismatch(k, "unmap of nothing", da, len, ret, -ENOENT);
	} else if (ret != 0 || got != want) {
		gen_mismatch(k, "unmap", da, len, ret != 0 ? ret : (long long)got, (long long)want);
	}
	k->unmaps++;
}

int gen_write_file(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	ok = fwrite(a, 1, alen, f) == alen && (blen == 0U || fwrite(b, 1, blen, f) == blen);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "%s: write failed\n", path);
	return ok ? 0 : -1;
}

bool gen_blob_path(char *buf, size_t size, const char *dir, const char *name, const char *what)
{
	return gen_fit(snprintf(buf, size, "%s/%s.%s.bin", dir, name, what), size);
}

int gen_parse_result_line(const char *line, struct gen_result *res)
{
	return sscanf(line, "RESULT vectors=%u ats=%u mismatches=%u", &res->vectors, &res->ats,
		      &res->mismatches) == 3;
}

long gen_run_qemu(const char *cmd, uint32_t nvec, gen_parse_fn *parse,
		  int (*exit_status)(unsigned int mismatches), uint32_t *ats)
{
	struct gen_result res = { 0 };
	char line[512];
	bool seen = false;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (p == NULL) {
		perror("popen");
		return -1;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		int kind = parse(line, &res);

		if (kind > 0)
			seen = true;
		else if (kind == 0)
			printf("  | %s", line);
	}
	st = pclose(p);
	if (!seen || res.vectors != nvec) {
		printf("  QEMU gave no summary for %u vectors (status %d); command:\n  %s\n", nvec,
		       st, cmd);
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != exit_status(res.mismatches)) {
		printf("  QEMU exit status %d does not match %u mismatches\n", st, res.mismatches);
		return -1;
	}
	if (ats != NULL)
		*ats = res.ats;
	return (long)res.mismatches;
}

long gen_selftest_verdict(uint32_t corrupted, long mismatches)
{
	bool caught = corrupted != 0U && mismatches >= (long)corrupted;

	printf("  selftest: %u expectations corrupted, %ld mismatches: %s\n", corrupted,
	       mismatches, caught ? "caught" : "NOT CAUGHT");
	return caught ? 0 : -1;
}

void gen_print_rerun(const char *name, const struct vcm_hw_regs *hw, uint64_t base)
{
	printf("  %s %s=%#" PRIx64 " %s=%#" PRIx64 " %s=%#" PRIx64 " (rerun: VCM_QEMU_SEED=%#" PRIx64
	       " VCM_QEMU_ONLY=%s)\n",
	       name, hw->reg_names[0], hw->regs[0], hw->reg_names[1], hw->regs[1],
	       hw->reg_names[2], hw->regs[2], base, name);
}
