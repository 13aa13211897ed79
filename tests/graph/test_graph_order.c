// SPDX-License-Identifier: MIT
/*
 * The order of a call's table frees and its TLB invalidations, seen through a
 * platform and a device that log both (docs/dev.md: the graph invalidates
 * "before any table memory freed by the call is reused"). A table block that
 * goes back to the platform before the device was told may be handed to
 * another VCM while the device's walk cache still points at it. Also: a
 * refused vcm_back invalidates what it wrote and took back, so a translation
 * the device cached meanwhile does not outlive the call.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/sim.h>
#include <vcm/hosted.h>
#include <vcm/mapper_pt.h>
#include <vcm/pgtable.h>

#define MB (UINT64_C(1) << 20)
#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static struct {
	struct vcm_hosted_mem *mem;
	struct vcm_plat_fwd fwd;
	struct vcm_plat_ops plat;
	struct vcm_sys *sys;
	struct vcm_sim_iommu *m[2];
	struct vcm_dev *dev[2];
	struct vcm *vcm[2];
	struct vcm_avcm *avcm[2];
	unsigned long seq;          /* events so far */
	unsigned long last_walk_inval; /* seq of the last tlb_range with leaf = false */
	unsigned long frees, early; /* table frees; of them, before the next walk invalidation */
	bool watch;                 /* count frees and invalidations now */
	long fail_at;               /* > 0: the fail_at-th table alloc from now fails */
	vcm_da_t read_da;           /* nonzero: the device reads it when the alloc fails */
} t;

static int o_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
		   void **cpu)
{
	if (t.fail_at > 0 && --t.fail_at == 0) {
		uint8_t b[64];

		/* the device uses what the call wrote so far (and caches it) */
		if (t.read_da != 0U)
			assert_int_equal(vcm_sim_iommu_read(t.m[0], 0, t.read_da, b, sizeof(b)),
					 0);
		/* what the call wrote so far was live: its tables wait for the next one */
		t.last_walk_inval = 0;
		return -ENOMEM;
	}
	return vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);
}

static void freed(void)
{
	if (!t.watch)
		return;
	t.seq++;
	t.frees++;
	if (t.last_walk_inval == 0U)
		t.early++;
}

static void o_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	freed();
	vcm_plat_fwd_table_free(f, pa, cpu, size);
}

static void o_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	freed();
	vcm_plat_fwd_table_free_zero(f, pa, cpu, size);
}

static int d_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	return vcm_sim_iommu_ops.program(ctx, base, hw);
}

static void d_clear(void *ctx, unsigned int base)
{
	vcm_sim_iommu_ops.clear(ctx, base);
}

static void d_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	if (t.watch && !leaf)
		t.last_walk_inval = ++t.seq;
	vcm_sim_iommu_ops.tlb_range(ctx, base, da, len, leaf);
}

static const struct vcm_dev_ops d_ops = { .program = d_program, .clear = d_clear,
					   .tlb_range = d_tlb_range };

static void *cpu_of(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return vcm_hosted_mem_cpu(t.mem, pa);
}

/* The devices' table flags: none, then VCM_PT_CFG_POOL (the graph must not let a table pool reuse). */
static unsigned int pt_flags;

static int setup(void **state)
{
	static struct vcm_pt_cfg pt = { .ias = 39, .oas = 40, .page_sizes = 0x1000 };
	static struct vcm_phys_range rng;
	static struct vcm_phys_memtype_cfg mt;
	struct vcm_sys_cfg sc = { 0 };
	struct vcm_diag d = { 0 };
	vcm_pa_t fpa;
	uint64_t flen;

	(void)state;
	memset(&t, 0, sizeof(t));
	pt.fmt = &vcm_pt_fmt_armv8;
	pt.flags = pt_flags;
	assert_int_equal(vcm_hosted_mem_create(0x80000000, 64 * MB, 8 * MB, &t.mem, &d), 0);
	t.fwd = (struct vcm_plat_fwd){ .to = vcm_hosted_mem_plat(t.mem), .table_alloc = o_alloc,
				       .table_free = o_free, .table_free_zero = o_free_zero };
	vcm_plat_fwd_ops(&t.fwd, &t.plat);
	vcm_hosted_mem_free_range(t.mem, &fpa, &flen);
	rng = (struct vcm_phys_range){ fpa, flen };
	mt = (struct vcm_phys_memtype_cfg){ &rng, 1, VCM_PHYS_4KB | VCM_PHYS_64KB | VCM_PHYS_2MB };
	sc.plat = &t.plat;
	sc.memtypes = &mt;
	sc.nr_memtypes = 1;
	assert_int_equal(vcm_sys_create(&sc, &t.sys, &d), 0);
	for (int i = 0; i < 2; i++) {
		struct vcm_sim_iommu_cfg mc = { .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "m",
						.tlb_entries = 64,
						.plat = vcm_hosted_mem_plat(t.mem),
						.pa_to_cpu = cpu_of };
		struct vcm_dev_cfg dc = { .name = i == 0 ? "dev0" : "dev1",
					  .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
					  .nr_bases = 1, .ops = &d_ops };
		assert_int_equal(vcm_sim_iommu_create(&mc, &t.m[i], &d), 0);
		dc.ctx = t.m[i];
		assert_int_equal(vcm_dev_register(t.sys, &dc, &t.dev[i]), 0);
		assert_int_equal(vcm_create(t.sys, 0x40000000, 0x40000000, &t.vcm[i]), 0);
		assert_int_equal(vcm_assoc(t.vcm[i], t.dev[i], 0, &t.avcm[i]), 0);
		assert_int_equal(vcm_activate(t.avcm[i]), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_deactivate(t.avcm[i]), 0);
		assert_int_equal(vcm_deassoc(t.avcm[i]), 0);
		assert_int_equal(vcm_free(t.vcm[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(vcm_dev_unregister(t.dev[i]), 0);
	assert_int_equal(vcm_sys_destroy(t.sys), 0);
	for (int i = 0; i < 2; i++)
		vcm_sim_iommu_destroy(t.m[i]);
	assert_int_equal(vcm_hosted_mem_destroy(t.mem), 0);
	return 0;
}

static void watch(void)
{
	t.watch = true;
	t.seq = t.last_walk_inval = t.frees = t.early = 0;
}

/*
 * A watched call refused at its injected table failure: -ENOMEM, the failure
 * reached, tables given back, none before the walk invalidation after it.
 */
static void refused_in_order(int ret)
{
	t.watch = false;
	assert_int_equal(ret, -ENOMEM);
	assert_int_equal(t.fail_at, 0);
	assert_true(t.frees >= 2);
	assert_int_equal(t.early, 0);
}

/* An unback that empties two leaf tables and their parent: freed after the device was told. */
static void test_unback(void **state)
{
	struct vcm_res *res;
	struct vcm_mem *mem;

	(void)state;
	assert_int_equal(vcm_reserve(t.vcm[0], 4 * MB, 2 * MB, RW, &res), 0);
	assert_int_equal(vcm_alloc(t.sys, 0, 4 * MB, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_back(res, mem), 0);
	watch();
	assert_int_equal(vcm_unback(res), 0);
	t.watch = false;
	assert_true(t.frees >= 2);
	assert_int_equal(t.early, 0);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free_phys(t.sys, mem), 0);
}

/*
 * A back refused at its second leaf table: the first one's mapping was live
 * and the device read through it. After the call, nothing of it translates,
 * even once the memory is freed, and its tables went back after the device
 * was told.
 */
static void test_failed_back(void **state)
{
	struct vcm_res *res;
	struct vcm_mem *mem;
	vcm_pa_t out = 0;

	(void)state;
	assert_int_equal(vcm_reserve(t.vcm[0], 4 * MB, 2 * MB, RW, &res), 0);
	assert_int_equal(vcm_alloc(t.sys, 0, 4 * MB, VCM_PHYS_4KB, &mem), 0);
	t.read_da = vcm_get_dev_addr(res);
	t.fail_at = 3; /* the level-2 table, the first leaf table, then the second fails */
	watch();
	refused_in_order(vcm_back(res, mem));
	assert_int_equal(vcm_free_phys(t.sys, mem), 0);
	assert_int_not_equal(vcm_sim_iommu_translate(t.m[0], 0, t.read_da, VCM_ACCESS_WRITE, &out),
			     0);
	t.read_da = 0;
	assert_int_equal(vcm_unreserve(res), 0);
}

/*
 * A migration whose second user cannot have its new tables: the first
 * user's new mappings (live since the make) go, and their tables wait for
 * that user's walk invalidation.
 */
static void test_migrate_undo(void **state)
{
	struct vcm_res *r[2];
	struct vcm_mem *mem;

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(vcm_reserve(t.vcm[i], 0x1000, 0, RW, &r[i]), 0);
	assert_int_equal(vcm_alloc(t.sys, 0, 0x1000, VCM_PHYS_4KB, &mem), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(vcm_back(r[i], mem), 0);
	/* the break empties both users' tables (kept); the first user's make takes two new ones */
	t.fail_at = 3;
	watch();
	refused_in_order(vcm_migrate(t.sys, mem));
	for (int i = 0; i < 2; i++) {
		vcm_pa_t pa;

		assert_int_equal(vcm_dev_addr_to_phys_addr(t.dev[i], 0, vcm_get_dev_addr(r[i]), &pa),
				 0);
		assert_int_equal(vcm_unback(r[i]), 0);
		assert_int_equal(vcm_unreserve(r[i]), 0);
	}
	assert_int_equal(vcm_free_phys(t.sys, mem), 0);
}

/*
 * A migration whose one user's new mapping is refused halfway (its second
 * leaf table): the tables that mapping had linked, live since, wait for the
 * rollback's walk invalidation too.
 */
static void test_migrate_make(void **state)
{
	struct vcm_res *res;
	struct vcm_mem *mem;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_reserve(t.vcm[0], 4 * MB, 2 * MB, RW, &res), 0);
	assert_int_equal(vcm_alloc(t.sys, 0, 4 * MB, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_back(res, mem), 0);
	t.fail_at = 3; /* the new level-2 table, the first leaf table, then the second */
	watch();
	refused_in_order(vcm_migrate(t.sys, mem));
	assert_int_equal(vcm_dev_addr_to_phys_addr(t.dev[0], 0, vcm_get_dev_addr(res), &pa), 0);
	assert_int_equal(vcm_unback(res), 0);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free_phys(t.sys, mem), 0);
}

/* The page-table mapper with an unmap that can refuse, as a driver's own might. */
static struct vcm_mapper_ops refusing;
static bool refuse_unmap;

static int refusing_unmap(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag)
{
	if (refuse_unmap)
		return vcm_diag_set(diag, -ENOMEM, diag->fn, "no memory to unmap (refused)");
	return vcm_mapper_pt.unmap(inst, da, len, diag);
}

/* An unback a mapper refuses: nothing changed, and the message names the device. */
static void test_unback_refused(void **state)
{
	static struct vcm_pt_cfg pt = { .ias = 39, .oas = 40, .page_sizes = 0x1000 };
	struct vcm_dev_cfg dc = { .name = "refuser", .mapper = &refusing, .mapper_cfg = &pt,
				  .nr_bases = 1 };
	struct vcm_dev *dev;
	struct vcm *v;
	struct vcm_avcm *a;
	struct vcm_res *res;
	struct vcm_mem *mem;
	vcm_pa_t pa;

	(void)state;
	pt.fmt = &vcm_pt_fmt_armv8;
	refusing = vcm_mapper_pt;
	refusing.name = "refusing-pt";
	refusing.unmap = refusing_unmap;
	assert_int_equal(vcm_dev_register(t.sys, &dc, &dev), 0);
	assert_int_equal(vcm_create(t.sys, 0x40000000, 0x40000000, &v), 0);
	assert_int_equal(vcm_assoc(v, dev, 0, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_reserve(v, 4 * MB, 2 * MB, RW, &res), 0);
	assert_int_equal(vcm_alloc(t.sys, 0, 4 * MB, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_back(res, mem), 0);
	refuse_unmap = true;
	watch();
	assert_int_equal(vcm_unback(res), -ENOMEM);
	t.watch = false;
	refuse_unmap = false;
	assert_string_equal(vcm_sys_last_error(t.sys),
			    "vcm_unback: dev 'refuser' (refusing-pt): no memory to unmap (refused)");
	assert_int_equal(t.frees, 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, vcm_get_dev_addr(res), &pa), 0);
	assert_int_equal(vcm_unback(res), 0);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free_phys(t.sys, mem), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_dev_unregister(dev), 0);
}

static int plain(void **state)
{
	(void)state;
	pt_flags = 0;
	return 0;
}

/*
 * A table's own pool (VCM_PT_CFG_POOL) would keep emptied tables and hand
 * them to its next map at once, under other addresses, before the walk
 * invalidation: the graph leaves that to its own stash, and the tables reach
 * the platform after the device was told, as without the flag.
 */
static int pooled(void **state)
{
	(void)state;
	pt_flags = VCM_PT_CFG_POOL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_make, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unback_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("plain", tests, plain, NULL) |
	       cmocka_run_group_tests_name("pooled", tests, pooled, NULL);
}
