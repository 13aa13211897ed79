// SPDX-License-Identifier: MIT
/* The page-table test fixture: see pt_fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "pt_fixture.h"
#include "common/test_rand.h"

static int fx_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct pt_fixture *f = ctx;
	int ret;

	if (f->fail_after == 0)
		return -ENOMEM;
	if (f->fail_after > 0)
		f->fail_after--;
	ret = f->inner.table_alloc(f->inner.ctx, size, align, pa, cpu);
	if (ret != 0)
		return ret;
	/* fresh table memory is zero for the walker too (the platform's contract) */
	memset(f->shadow + (*pa - f->arena->pa), 0, (size_t)size);
	if (f->nblocks == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 256;
		f->blocks = realloc(f->blocks, f->cap * sizeof(*f->blocks));
		if (f->blocks == NULL)
			abort();
	}
	f->blocks[f->nblocks++] = (struct pt_block){ *pa, size };
	return 0;
}

/* Forget block @pa; false (a violation) if it was never handed out. */
static bool fx_forget(struct pt_fixture *f, vcm_pa_t pa, const char *call)
{
	for (size_t i = 0; i < f->nblocks; i++)
		if (f->blocks[i].pa == pa) {
			f->blocks[i] = f->blocks[--f->nblocks];
			return true;
		}
	f->violations++;
	snprintf(f->why, sizeof(f->why), "%s of %#llx, never allocated", call,
		 (unsigned long long)pa);
	return false;
}

static void fx_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct pt_fixture *f = ctx;

	if (fx_forget(f, pa, "table_free"))
		f->inner.table_free(f->inner.ctx, pa, cpu, size);
}

/*
 * A block given back as zero must be zero through the CPU and as the walker
 * sees it (every clear cleaned): the arena hands it out again uncleared.
 */
static void fx_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct pt_fixture *f = ctx;
	const uint8_t *c = cpu, *w = f->shadow + (pa - f->arena->pa);

	if (!fx_forget(f, pa, "table_free_zero"))
		return;
	for (uint64_t k = 0; k < size; k++)
		if (c[k] != 0U || w[k] != 0U) {
			f->violations++;
			snprintf(f->why, sizeof(f->why),
				 "table_free_zero of %#llx: byte %#llx is %#x (CPU), %#x (walker)",
				 (unsigned long long)pa, (unsigned long long)k, c[k], w[k]);
			f->inner.table_free(f->inner.ctx, pa, cpu, size);
			return;
		}
	f->zero_frees++;
	f->inner.table_free_zero(f->inner.ctx, pa, cpu, size);
}

static void *fx_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	struct pt_fixture *f = ctx;

	return f->inner.pa_to_cpu(f->inner.ctx, pa);
}

static void fx_cache_clean(void *ctx, void *cpu, size_t len)
{
	struct pt_fixture *f = ctx;
	size_t off = (size_t)((uint8_t *)cpu - f->arena->cpu);

	memcpy(f->shadow + off, cpu, len);
}

static void *fx_meta_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void fx_meta_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	free(p);
}

/* First table byte where the walker's view differs from the CPU's, or -1. */
static long shadow_diff(const struct pt_fixture *f)
{
	for (size_t i = 0; i < f->nblocks; i++) {
		size_t off = (size_t)(f->blocks[i].pa - f->arena->pa);

		if (memcmp(f->shadow + off, f->arena->cpu + off, (size_t)f->blocks[i].size) != 0)
			return (long)f->blocks[i].pa;
	}
	return -1;
}

static void fx_flush(void *ctx, vcm_da_t da, uint64_t len, bool leaf)
{
	struct pt_fixture *f = ctx;
	vcm_da_t probe[3] = { da, da + len - 1, da + (len / 2 & ~UINT64_C(0xfff)) };
	struct vcm_pt_leaf l;
	long diff;

	(void)leaf;
	/* [da, da + 0) is nothing: a flush that means more must say so */
	if (len == 0) {
		f->violations++;
		snprintf(f->why, sizeof(f->why), "flush of length 0 at %#llx",
			 (unsigned long long)da);
	}
	f->flog[f->flushes % 8].da = da;
	f->flog[f->flushes % 8].len = len;
	f->flushes++;
	if (f->pt == NULL)
		return;
	/* Break-before-make: what is flushed is invalid at the time of the flush... */
	for (int i = 0; i < 3 && !f->flush_live_ok; i++)
		if (vcm_pt_lookup(f->pt, probe[i], &l) == 0) {
			f->violations++;
			snprintf(f->why, sizeof(f->why), "flush of [%#llx,+%#llx) while %#llx is mapped",
				 (unsigned long long)da, (unsigned long long)len,
				 (unsigned long long)probe[i]);
		}
	/* ... and every write made so far was cleaned to the walker first. */
	diff = shadow_diff(f);
	if (diff >= 0) {
		f->violations++;
		snprintf(f->why, sizeof(f->why), "flush with table %#lx not cleaned", diff);
	}
}

void ptf_init(struct pt_fixture *f, const struct pt_config *cfg, uint64_t page_sizes)
{
	struct vcm_pt_cfg c = { 0 };
	struct vcm_diag d = { 0 };

	memset(f, 0, sizeof(*f));
	f->cfg = cfg;
	f->fail_after = -1;
	f->arena = vcm_plat_hosted_arena_new(PT_ARENA_LEN, PT_ARENA_PA);
	f->shadow = calloc(1, PT_ARENA_LEN);
	if (f->arena == NULL || f->shadow == NULL)
		abort();
	vcm_plat_arena_ops(f->arena, &f->inner);
	f->plat = (struct vcm_plat_ops){
		.ctx = f, .table_alloc = fx_table_alloc, .table_free = fx_table_free,
		.pa_to_cpu = fx_pa_to_cpu, .cache_clean = fx_cache_clean,
		.meta_alloc = fx_meta_alloc, .meta_free = fx_meta_free,
		.table_free_zero = fx_table_free_zero,
	};
	f->tlb.flush_range = fx_flush;
	c.fmt = cfg->fmt;
	c.ias = cfg->ias;
	c.oas = cfg->oas;
	c.granule_lg2 = cfg->granule_lg2;
	c.flags = cfg->flags;
	c.page_sizes = page_sizes != 0 ? page_sizes : pt_config_page_sizes(cfg);
	c.plat = &f->plat;
	c.tlb = &f->tlb;
	c.tlb_ctx = f;
	/* a split without a break flushes a block still mapped (as a table now) */
	f->flush_live_ok = (cfg->fmt != &vcm_pt_fmt_armv7s && cfg->fmt != &vcm_pt_fmt_armv8) ||
			   (cfg->flags & VCM_PT_CFG_BBML2) != 0U;
	if (vcm_pt_create(&c, &f->pt, &d) != 0) {
		fprintf(stderr, "%s: %s\n", cfg->name, d.msg);
		abort();
	}
	model_init(&f->md);
}

void ptf_fini(struct pt_fixture *f)
{
	vcm_pt_destroy(f->pt);
	model_free(&f->md);
	vcm_plat_hosted_arena_delete(f->arena);
	free(f->shadow);
	free(f->blocks);
}

struct walk_check {
	struct pt_fixture *f;
	uint64_t covered;
	vcm_da_t next; /* leaves come in address order */
	int bad;
};

static int check_leaf(void *arg, const struct vcm_pt_leaf *l)
{
	struct walk_check *w = arg;
	struct pt_fixture *f = w->f;
	uint64_t size = UINT64_C(1) << l->size_lg2;
	const struct model_map *m = model_lookup(&f->md, l->da);

	if ((vcm_pt_page_sizes(f->pt) & size) == 0)
		snprintf(f->why, sizeof(f->why), "leaf at %#llx has size %#llx the table does not use",
			 (unsigned long long)l->da, (unsigned long long)size);
	else if (l->da < w->next)
		snprintf(f->why, sizeof(f->why), "walk went back to %#llx", (unsigned long long)l->da);
	else if (m == NULL)
		snprintf(f->why, sizeof(f->why), "leaf at %#llx is not in the model",
			 (unsigned long long)l->da);
	else if (l->da + size - 1 > m->da + m->len - 1)
		snprintf(f->why, sizeof(f->why), "leaf [%#llx,+%#llx) runs past the model's end %#llx",
			 (unsigned long long)l->da, (unsigned long long)size,
			 (unsigned long long)(m->da + m->len));
	else if (l->pa != m->pa + (l->da - m->da) || l->prot != m->prot)
		snprintf(f->why, sizeof(f->why),
			 "leaf at %#llx: pa %#llx prot %#x, model pa %#llx prot %#x",
			 (unsigned long long)l->da, (unsigned long long)l->pa, l->prot,
			 (unsigned long long)(m->pa + (l->da - m->da)), m->prot);
	else {
		w->covered += size;
		w->next = l->da + size;
		return 0;
	}
	w->bad = 1;
	return 1;
}

static int check_lookup(struct pt_fixture *f, vcm_da_t va)
{
	const struct model_map *m = model_lookup(&f->md, va);
	struct vcm_pt_leaf l;
	int ret;

	if (va > ptf_top_last(f->cfg)) /* a probe past either end of the space */
		return vcm_pt_lookup(f->pt, va, &l) == -ERANGE ? 0 : -1;
	ret = vcm_pt_lookup(f->pt, va, &l);
	if (m == NULL && ret == -ENOENT)
		return 0;
	if (m != NULL && ret == 0 && l.pa + (va - l.da) == m->pa + (va - m->da) &&
	    l.prot == m->prot)
		return 0;
	snprintf(f->why, sizeof(f->why), "lookup %#llx: ret %d pa %#llx, model %s %#llx",
		 (unsigned long long)va, ret, ret == 0 ? (unsigned long long)(l.pa + (va - l.da)) : 0ULL,
		 m ? "pa" : "unmapped", m ? (unsigned long long)(m->pa + (va - m->da)) : 0ULL);
	return -1;
}

const struct pt_config *ptf_config(const char *name)
{
	for (size_t i = 0; i < PT_NCONFIGS; i++)
		if (strcmp(pt_configs[i].name, name) == 0)
			return &pt_configs[i];
	fprintf(stderr, "no page-table config %s\n", name);
	abort();
}

int ptf_check(struct pt_fixture *f, uint64_t seed)
{
	struct walk_check w = { .f = f };
	const uint64_t last = ptf_top_last(f->cfg), gran = UINT64_C(1) << f->cfg->granule_lg2;
	uint64_t total = 0;
	long diff;

	if (f->violations != 0)
		return -1;
	/* two halves, so that a 64-bit space fits in the length */
	vcm_pt_walk(f->pt, 0, last / 2 + 1, check_leaf, &w);
	if (!w.bad)
		vcm_pt_walk(f->pt, last / 2 + 1, last / 2 + 1, check_leaf, &w);
	if (w.bad)
		return -1;
	for (size_t i = 0; i < f->md.n; i++) {
		const struct model_map *m = &f->md.m[i];

		total += m->len;
		if (check_lookup(f, m->da) || check_lookup(f, m->da + m->len - 1) ||
		    check_lookup(f, m->da - 1) || check_lookup(f, m->da + m->len))
			return -1;
	}
	if (w.covered != total) {
		snprintf(f->why, sizeof(f->why), "walk covered %#llx bytes, model has %#llx",
			 (unsigned long long)w.covered, (unsigned long long)total);
		return -1;
	}
	for (int i = 0; i < 32; i++)
		if (check_lookup(f, (last == UINT64_MAX ? test_rand(&seed) :
				     test_rand_below(&seed, last + 1)) & ~(gran - 1)))
			return -1;
	if (check_lookup(f, last))
		return -1;
	if (ptf_check_bytes(f) != 0)
		return -1;
	diff = shadow_diff(f);
	if (diff >= 0) {
		snprintf(f->why, sizeof(f->why), "table %#lx: walker view differs (missing clean)", diff);
		return -1;
	}
	if (vcm_plat_arena_check_(f->arena) != 0) {
		snprintf(f->why, sizeof(f->why), "arena corrupted");
		return -1;
	}
	if (vcm_pt_check_(f->pt) != 0) {
		snprintf(f->why, sizeof(f->why), "%s", vcm_pt_last_error(f->pt));
		return -1;
	}
	return 0;
}

int ptf_check_bytes(struct pt_fixture *f)
{
	uint64_t held = 0;

	for (size_t i = 0; i < f->nblocks; i++)
		held += f->blocks[i].size;
	/* what the table holds: linked tables, and emptied ones kept in its pool */
	if (held != vcm_pt_table_bytes(f->pt) + vcm_pt_pool_bytes(f->pt)) {
		snprintf(f->why, sizeof(f->why),
			 "the platform handed out %#llx table bytes, vcm_pt_table_bytes says %#llx "
			 "and vcm_pt_pool_bytes %#llx", (unsigned long long)held,
			 (unsigned long long)vcm_pt_table_bytes(f->pt),
			 (unsigned long long)vcm_pt_pool_bytes(f->pt));
		return -1;
	}
	return 0;
}

int ptf_check_greedy(struct pt_fixture *f, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		     uint64_t sizes)
{
	uint64_t off = 0;

	sizes &= vcm_pt_page_sizes(f->pt);
	while (off < len) {
		/* the largest allowed size both addresses are aligned to that fits */
		uint64_t best = 0;
		struct vcm_pt_leaf l;

		for (unsigned int b = 0; b < 64; b++) {
			uint64_t s = UINT64_C(1) << b;

			if ((sizes & s) && ((da + off) % s) == 0 && ((pa + off) % s) == 0 &&
			    len - off >= s)
				best = s;
		}
		if (vcm_pt_lookup(f->pt, da + off, &l) != 0 || l.da != da + off ||
		    (UINT64_C(1) << l.size_lg2) != best) {
			snprintf(f->why, sizeof(f->why),
				 "map [%#llx,+%#llx) pa %#llx: at %#llx expected a %#llx leaf, got %#llx at %#llx",
				 (unsigned long long)da, (unsigned long long)len,
				 (unsigned long long)pa, (unsigned long long)(da + off),
				 (unsigned long long)best, (unsigned long long)(UINT64_C(1) << l.size_lg2),
				 (unsigned long long)l.da);
			return -1;
		}
		off += best;
	}
	return 0;
}
