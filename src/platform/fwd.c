// SPDX-License-Identifier: MIT
/*
 * Platform ops that forward to another set (include/vcm/platform.h): every
 * call goes on to f->to, table calls through the owner's hooks when it gave
 * them and under its lock when it gave one.
 */
#include <vcm/platform.h>

int vcm_plat_fwd_table_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align,
			     vcm_pa_t *pa, void **cpu)
{
	int ret;

	if (f->lock != NULL)
		f->lock->lock(f->lock->ctx);
	ret = f->to->table_alloc(f->to->ctx, size, align, pa, cpu);
	if (f->lock != NULL)
		f->lock->unlock(f->lock->ctx);
	return ret;
}

void vcm_plat_fwd_table_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	if (f->lock != NULL)
		f->lock->lock(f->lock->ctx);
	f->to->table_free(f->to->ctx, pa, cpu, size);
	if (f->lock != NULL)
		f->lock->unlock(f->lock->ctx);
}

static int fwd_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct vcm_plat_fwd *f = ctx;

	if (f->table_alloc != NULL)
		return f->table_alloc(f, size, align, pa, cpu);
	return vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);
}

static void fwd_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_plat_fwd *f = ctx;

	if (f->table_free != NULL)
		f->table_free(f, pa, cpu, size);
	else
		vcm_plat_fwd_table_free(f, pa, cpu, size);
}

/*
 * Zero blocks. Freestanding builds (firmware images, with a size budget) pass
 * none on: their arena keeps no zero lists, so table_free serves.
 */
#if __STDC_HOSTED__
void vcm_plat_fwd_table_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	if (f->to->table_free_zero == NULL) {
		vcm_plat_fwd_table_free(f, pa, cpu, size);
		return;
	}
	if (f->lock != NULL)
		f->lock->lock(f->lock->ctx);
	f->to->table_free_zero(f->to->ctx, pa, cpu, size);
	if (f->lock != NULL)
		f->lock->unlock(f->lock->ctx);
}

/* The owner's zero hook, else its table_free hook (a plain block then), else on. */
static void fwd_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_plat_fwd *f = ctx;

	if (f->table_free_zero != NULL)
		f->table_free_zero(f, pa, cpu, size);
	else if (f->table_free != NULL)
		f->table_free(f, pa, cpu, size);
	else
		vcm_plat_fwd_table_free_zero(f, pa, cpu, size);
}
#else
void vcm_plat_fwd_table_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	vcm_plat_fwd_table_free(f, pa, cpu, size);
}
#endif

static void *fwd_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	const struct vcm_plat_ops *to = ((struct vcm_plat_fwd *)ctx)->to;

	return to->pa_to_cpu(to->ctx, pa);
}

static void fwd_cache_clean(void *ctx, void *cpu, size_t len)
{
	const struct vcm_plat_ops *to = ((struct vcm_plat_fwd *)ctx)->to;

	to->cache_clean(to->ctx, cpu, len);
}

static void *fwd_meta_alloc(void *ctx, size_t size)
{
	const struct vcm_plat_ops *to = ((struct vcm_plat_fwd *)ctx)->to;

	return to->meta_alloc(to->ctx, size);
}

static void fwd_meta_free(void *ctx, void *p, size_t size)
{
	const struct vcm_plat_ops *to = ((struct vcm_plat_fwd *)ctx)->to;

	to->meta_free(to->ctx, p, size);
}

void vcm_plat_fwd_ops(struct vcm_plat_fwd *f, struct vcm_plat_ops *ops)
{
	const struct vcm_plat_ops *to = f->to;

	ops->ctx = f;
	ops->table_alloc = to->table_alloc != NULL ? fwd_table_alloc : NULL;
	ops->table_free = to->table_free != NULL ? fwd_table_free : NULL;
	ops->pa_to_cpu = to->pa_to_cpu != NULL ? fwd_pa_to_cpu : NULL;
	ops->cache_clean = to->cache_clean != NULL ? fwd_cache_clean : NULL;
	ops->meta_alloc = to->meta_alloc != NULL ? fwd_meta_alloc : NULL;
	ops->meta_free = to->meta_free != NULL ? fwd_meta_free : NULL;
#if __STDC_HOSTED__
	ops->table_free_zero = to->table_free_zero != NULL ? fwd_table_free_zero : NULL;
#else
	ops->table_free_zero = NULL;
#endif
}
