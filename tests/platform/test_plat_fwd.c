// SPDX-License-Identifier: MIT
/*
 * The platform forwarder: every call reaches the ops behind it, the owner's
 * table hooks run in place of passing the call on, the lock is held around
 * exactly the table calls passed on, and an op the ops behind lack stays
 * absent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/platform.h>
#include <vcm/hosted.h>

/* The ops behind: heap ops, each call counted. */
struct under {
	struct vcm_plat_ops heap;
	unsigned int allocs, frees, zero_frees, to_cpu, cleans, metas, meta_frees;
	unsigned int locks, unlocks, held;
	unsigned int calls_locked; /* table calls that came while the lock was held */
};

static struct under u;

static int u_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	assert_ptr_equal(ctx, &u);
	u.allocs++;
	u.calls_locked += u.held;
	return u.heap.table_alloc(u.heap.ctx, size, align, pa, cpu);
}

static void u_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	assert_ptr_equal(ctx, &u);
	u.frees++;
	u.calls_locked += u.held;
	u.heap.table_free(u.heap.ctx, pa, cpu, size);
}

static void u_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	assert_ptr_equal(ctx, &u);
	u.zero_frees++;
	u.calls_locked += u.held;
	u.heap.table_free(u.heap.ctx, pa, cpu, size);
}

static void *u_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	assert_ptr_equal(ctx, &u);
	u.to_cpu++;
	return u.heap.pa_to_cpu(u.heap.ctx, pa);
}

static void u_cache_clean(void *ctx, void *cpu, size_t len)
{
	(void)cpu;
	(void)len;
	assert_ptr_equal(ctx, &u);
	u.cleans++;
}

static void *u_meta_alloc(void *ctx, size_t size)
{
	assert_ptr_equal(ctx, &u);
	u.metas++;
	return u.heap.meta_alloc(u.heap.ctx, size);
}

static void u_meta_free(void *ctx, void *p, size_t size)
{
	assert_ptr_equal(ctx, &u);
	u.meta_frees++;
	u.heap.meta_free(u.heap.ctx, p, size);
}

static void u_lock(void *ctx)
{
	assert_ptr_equal(ctx, &u);
	assert_int_equal(u.held, 0);
	u.locks++;
	u.held = 1;
}

static void u_unlock(void *ctx)
{
	assert_ptr_equal(ctx, &u);
	assert_int_equal(u.held, 1);
	u.unlocks++;
	u.held = 0;
}

static const struct vcm_plat_ops under_ops = {
	.ctx = &u,
	.table_alloc = u_table_alloc,
	.table_free = u_table_free,
	.pa_to_cpu = u_pa_to_cpu,
	.cache_clean = u_cache_clean,
	.meta_alloc = u_meta_alloc,
	.meta_free = u_meta_free,
	.table_free_zero = u_table_free_zero,
};

static const struct vcm_sys_lock under_lock = { u_lock, u_unlock, &u };

/* An owner that embeds the forwarder and counts table bytes through hooks. */
struct owner {
	uint64_t bytes;
	unsigned int hook_allocs, hook_frees;
	struct vcm_plat_fwd fwd;
};

static struct owner *owner_of(struct vcm_plat_fwd *f)
{
	return (struct owner *)(void *)((char *)f - offsetof(struct owner, fwd));
}

static int hook_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
		      void **cpu)
{
	struct owner *o = owner_of(f);
	int r;

	o->hook_allocs++;
	assert_int_equal(u.held, 0); /* the hook runs outside the lock */
	r = vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);
	if (r == 0)
		o->bytes += size;
	return r;
}

static void hook_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct owner *o = owner_of(f);

	o->hook_frees++;
	vcm_plat_fwd_table_free(f, pa, cpu, size);
	o->bytes -= size;
}

static void reset_under(void)
{
	memset(&u, 0, sizeof(u));
	vcm_plat_hosted_heap_ops(&u.heap);
}

static void use_ops(const struct vcm_plat_ops *ops)
{
	vcm_pa_t pa;
	void *cpu, *m;

	assert_int_equal(ops->table_alloc(ops->ctx, 4096, 4096, &pa, &cpu), 0);
	assert_ptr_equal(ops->pa_to_cpu(ops->ctx, pa), cpu);
	ops->cache_clean(ops->ctx, cpu, 64);
	ops->table_free(ops->ctx, pa, cpu, 4096);
	assert_int_equal(ops->table_alloc(ops->ctx, 4096, 4096, &pa, &cpu), 0);
	ops->table_free_zero(ops->ctx, pa, cpu, 4096);
	m = ops->meta_alloc(ops->ctx, 100);
	assert_non_null(m);
	ops->meta_free(ops->ctx, m, 100);
}

static void test_plain(void **state)
{
	struct vcm_plat_fwd f = { .to = &under_ops };
	struct vcm_plat_ops ops;

	(void)state;
	reset_under();
	vcm_plat_fwd_ops(&f, &ops);
	assert_ptr_equal(ops.ctx, &f);
	use_ops(&ops);
	assert_int_equal(u.allocs, 2);
	assert_int_equal(u.frees, 1);
	assert_int_equal(u.zero_frees, 1);
	assert_int_equal(u.to_cpu, 1);
	assert_int_equal(u.cleans, 1);
	assert_int_equal(u.metas, 1);
	assert_int_equal(u.meta_frees, 1);
	assert_int_equal(u.locks, 0);
}

static void test_hooks_and_lock(void **state)
{
	struct owner o = { .fwd = { .to = &under_ops, .lock = &under_lock,
				    .table_alloc = hook_alloc, .table_free = hook_free } };
	struct vcm_plat_ops ops;
	vcm_pa_t pa[2];
	void *cpu[2];

	(void)state;
	reset_under();
	vcm_plat_fwd_ops(&o.fwd, &ops);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &pa[0], &cpu[0]), 0);
	assert_int_equal(ops.table_alloc(ops.ctx, 1024, 1024, &pa[1], &cpu[1]), 0);
	assert_int_equal(o.bytes, 5120);
	ops.table_free(ops.ctx, pa[0], cpu[0], 4096);
	assert_int_equal(o.bytes, 1024);
	/* a zero block the owner watches goes through its table_free hook */
	ops.table_free_zero(ops.ctx, pa[1], cpu[1], 1024);
	assert_int_equal(o.bytes, 0);
	assert_int_equal(o.hook_allocs, 2);
	assert_int_equal(o.hook_frees, 2);
	assert_int_equal(u.zero_frees, 0);
	/* the lock was held around each of the four table calls passed on, and only those */
	assert_int_equal(u.allocs + u.frees, 4);
	assert_int_equal(u.calls_locked, 4);
	assert_int_equal(u.locks, 4);
	assert_int_equal(u.unlocks, 4);
	ops.meta_free(ops.ctx, ops.meta_alloc(ops.ctx, 8), 8);
	assert_int_equal(u.locks, 4);
}

static unsigned int zero_hooks;

static void hook_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct owner *o = owner_of(f);

	zero_hooks++;
	assert_int_equal(u.held, 0);
	vcm_plat_fwd_table_free_zero(f, pa, cpu, size);
	o->bytes -= size;
}

/*
 * An owner's zero hook gets the zero blocks (its table_free hook the rest);
 * passing one on reaches table_free_zero under the lock, or table_free
 * where the ops behind have no table_free_zero.
 */
static void test_zero_hook(void **state)
{
	struct owner o = { .fwd = { .to = &under_ops, .lock = &under_lock,
				    .table_alloc = hook_alloc, .table_free = hook_free,
				    .table_free_zero = hook_free_zero } };
	struct vcm_plat_ops ops, plain = under_ops;
	vcm_pa_t pa;
	void *cpu;

	(void)state;
	reset_under();
	zero_hooks = 0;
	vcm_plat_fwd_ops(&o.fwd, &ops);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &pa, &cpu), 0);
	ops.table_free_zero(ops.ctx, pa, cpu, 4096);
	assert_int_equal(zero_hooks, 1);
	assert_int_equal(o.hook_frees, 0);
	assert_int_equal(u.zero_frees, 1);
	assert_int_equal(u.frees, 0);
	assert_int_equal(u.calls_locked, 2);
	assert_int_equal(o.bytes, 0);
	/* the ops behind without table_free_zero: none handed out, and a pass-on frees plainly */
	plain.table_free_zero = NULL;
	o.fwd.to = &plain;
	vcm_plat_fwd_ops(&o.fwd, &ops);
	assert_null(ops.table_free_zero);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &pa, &cpu), 0);
	vcm_plat_fwd_table_free_zero(&o.fwd, pa, cpu, 4096);
	assert_int_equal(u.frees, 1);
	assert_int_equal(u.zero_frees, 1);
	assert_int_equal(u.calls_locked, 4);
}

/* Without hooks a zero block is passed on as one, under the lock. */
static void test_zero_locked(void **state)
{
	struct vcm_plat_fwd f = { .to = &under_ops, .lock = &under_lock };
	struct vcm_plat_ops ops;
	vcm_pa_t pa;
	void *cpu;

	(void)state;
	reset_under();
	vcm_plat_fwd_ops(&f, &ops);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &pa, &cpu), 0);
	ops.table_free_zero(ops.ctx, pa, cpu, 4096);
	assert_int_equal(u.zero_frees, 1);
	assert_int_equal(u.frees, 0);
	assert_int_equal(u.calls_locked, 2);
	assert_int_equal(u.locks, 2);
	assert_int_equal(u.unlocks, 2);
}

static void test_gaps(void **state)
{
	struct vcm_plat_ops partial = under_ops, ops;
	struct vcm_plat_fwd f = { .to = &partial };

	(void)state;
	reset_under();
	partial.cache_clean = NULL;
	partial.table_alloc = NULL;
	partial.table_free_zero = NULL;
	vcm_plat_fwd_ops(&f, &ops);
	assert_null(ops.cache_clean);
	assert_null(ops.table_alloc);
	assert_null(ops.table_free_zero);
	assert_non_null(ops.table_free);
	assert_non_null(ops.pa_to_cpu);
	assert_non_null(ops.meta_alloc);
	assert_non_null(ops.meta_free);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hooks_and_lock),
		cmocka_unit_test(test_zero_locked),
		cmocka_unit_test(test_zero_hook),
		cmocka_unit_test(test_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
