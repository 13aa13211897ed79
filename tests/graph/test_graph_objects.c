// SPDX-License-Identifier: MIT
/*
 * The graph's object calls one by one: system, devices, VCMs, reservations,
 * bounds and physical allocations, each documented error with its errno and
 * message, and handles used after free.
 */
#include <stdlib.h>
#include "graph_fixture.h"

/* ---- system ---- */

static void test_sys_create_errors(void **state)
{
	struct vcm_phys_range r = { GFX_MT0_PA, MB };
	struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_sys_lock half = { NULL, NULL, NULL };
	struct vcm_plat_ops bad = { 0 };
	struct vcm_diag d = { 0 };
	struct vcm_sys *s = NULL;

	(void)state;
	assert_int_equal(vcm_sys_create(NULL, &s, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: cfg is NULL");
	assert_int_equal(vcm_sys_create(&cfg, NULL, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: out is NULL");
	cfg.plat = &bad;
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "meta_alloc"));
	cfg.plat = &g.plat;
	half.lock = (void (*)(void *))abort;
	cfg.lock = &half;
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->lock"));
	cfg.lock = NULL;
	cfg.nr_memtypes = 0;
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "vcm_sys_create: memtypes: "));
	cfg.nr_memtypes = 1;
	gfx_fail_meta(1);
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), -ENOMEM);
	gfx_fail_meta(0);
	assert_null(s);
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), 0);
	assert_int_equal(vcm_sys_destroy(s), 0);
}

/*
 * A slot store carries handles' generations from one system to the next: a
 * handle of a destroyed system is -EINVAL in the next one, which reuses the
 * very slots (the store's memory is never given back in between).
 */
static void test_slot_store(void **state)
{
	struct vcm_phys_range r = { GFX_MT0_PA, MB };
	struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_slots *st = NULL;
	struct vcm_sys *s, *s2;
	struct vcm *v, *old, *again;
	struct vcm_res *res, *old_res;
	struct vcm_diag d = { 0 };

	(void)state;
	assert_int_equal(vcm_slots_create(NULL, &st, &d), -EINVAL);
	assert_int_equal(vcm_slots_create(&g.plat, NULL, &d), -EINVAL);
	assert_int_equal(vcm_slots_destroy(NULL), -EINVAL);
	assert_int_equal(vcm_slots_create(&g.plat, &st, &d), 0);
	cfg.slots = st;
	assert_int_equal(vcm_sys_create(&cfg, &s, &d), 0);
	/* one system at a time */
	assert_int_equal(vcm_sys_create(&cfg, &s2, &d), -EBUSY);
	assert_int_equal(vcm_slots_destroy(st), -EBUSY);
	assert_int_equal(vcm_create(s, 0, MB, &old), 0);
	assert_int_equal(vcm_reserve(old, 0x1000, 0, VCM_PT_PROT_READ, &old_res), 0);
	assert_int_equal(vcm_unreserve(old_res), 0);
	assert_int_equal(vcm_free(old), 0);
	assert_int_equal(vcm_sys_destroy(s), 0);
	/* the old handles name no system now: refused, nothing read but the store */
	assert_int_equal(vcm_free(old), -EINVAL);
	assert_int_equal(vcm_get_len(old), 0);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(vcm_sys_create(&cfg, &s, &d), 0);
		assert_int_equal(vcm_create(s, 0, MB, &v), 0);
		assert_int_equal(vcm_reserve(v, 0x1000, 0, VCM_PT_PROT_READ, &res), 0);
		/* the same slots, later generations */
		assert_ptr_not_equal(v, old);
		assert_ptr_not_equal(res, old_res);
		assert_int_equal(vcm_free(old), -EINVAL);
		assert_int_equal(vcm_unreserve(old_res), -EINVAL);
		assert_null(vcm_get_vcm_from_res(old_res));
		assert_ptr_equal(vcm_get_vcm_from_res(res), v);
		assert_int_equal(vcm_unreserve(res), 0);
		again = v;
		assert_int_equal(vcm_free(v), 0);
		assert_int_equal(vcm_sys_destroy(s), 0);
		assert_int_equal(vcm_free(again), -EINVAL);
	}
	assert_int_equal(vcm_slots_destroy(st), 0);
}

static void test_sys_destroy(void **state)
{
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_sys_destroy(NULL), -EINVAL);
	assert_int_equal(vcm_create(g.sys, 0x100000, MB, &v), 0);
	assert_int_equal(vcm_sys_destroy(g.sys), -EBUSY);
	gfx_msg("vcm_sys_destroy: 1 VCMs, 4 devices and 0 allocations are live");
	assert_int_equal(vcm_free(v), 0);
}

/* vcm_sys_counts(): what vcm_sys_destroy() waits for, as it changes. */
static void test_sys_counts(void **state)
{
	struct vcm_sys_counts c = { 9, 9, 9 };
	struct vcm_mem *m;
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_sys_counts(NULL, &c), -EINVAL);
	assert_int_equal(vcm_sys_counts(g.sys, NULL), -EINVAL);
	gfx_msg("vcm_sys_counts: out is NULL");
	assert_int_equal(vcm_sys_counts(g.sys, &c), 0);
	assert_true(c.vcms == 0 && c.devs == 4 && c.mems == 0);
	assert_int_equal(vcm_create(g.sys, 0x100000, MB, &v), 0);
	m = gfx_alloc(0, 64 * KB, 0);
	assert_int_equal(vcm_sys_counts(g.sys, &c), 0);
	assert_true(c.vcms == 1 && c.devs == 4 && c.mems == 1);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_sys_counts(g.sys, &c), 0);
	assert_true(c.vcms == 0 && c.devs == 4 && c.mems == 0);
}

static void test_sys_last_error_and_phys(void **state)
{
	(void)state;
	assert_string_equal(vcm_sys_last_error(NULL),
			    "vcm_sys_last_error: sys is not a live system");
	assert_null(vcm_sys_phys(NULL));
	assert_non_null(vcm_sys_phys(g.sys));
	assert_int_equal(vcm_sys_check_(NULL), -EINVAL);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_get_min_page_size(g.sys), 4096);
	assert_int_equal(vcm_get_min_page_size(NULL), 0);
}

static int locks, unlocks;
static void lk(void *ctx)
{
	(void)ctx;
	assert_int_equal(locks, unlocks); /* never taken twice */
	locks++;
}
static void ulk(void *ctx)
{
	(void)ctx;
	unlocks++;
}

static void test_sys_lock(void **state)
{
	struct vcm_phys_range r = { GFX_MT0_PA, MB };
	struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_sys_lock l = { lk, ulk, NULL };
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1, .lock = &l };
	struct vcm_sys *s;
	struct vcm *v;
	struct vcm_res *res;

	(void)state;
	assert_int_equal(vcm_sys_create(&cfg, &s, NULL), 0);
	assert_int_equal(vcm_create(s, 0, MB, &v), 0);
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, VCM_PT_PROT_READ, &res), 0);
	assert_int_equal(vcm_reserve(v, 0, 0, VCM_PT_PROT_READ, &res), -EINVAL);
	assert_ptr_equal(vcm_get_res(v, vcm_get_dev_addr(res)), res);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_true(locks > 4);
	assert_int_equal(locks, unlocks);
	assert_int_equal(vcm_sys_destroy(s), 0);
}

/* ---- devices ---- */

static const struct vcm_mapper_ops half_mapper = { .name = "half" };

static void test_dev_register_errors(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_V7];
	struct vcm_dev *d, *fill[4];

	(void)state;
	assert_int_equal(vcm_dev_register(NULL, &c, &d), -EINVAL);
	assert_int_equal(vcm_dev_register(g.sys, NULL, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg is NULL");
	c.name = "x";
	assert_int_equal(vcm_dev_register(g.sys, &c, NULL), -EINVAL);
	gfx_msg("vcm_dev_register: out is NULL");
	c.name = NULL;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg->name is NULL");
	c.name = "";
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg->name is empty or longer than 31 bytes");
	c.name = "0123456789012345678901234567890123";
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	c.name = "x";
	c.mapper = NULL;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg->mapper of 'x' is NULL");
	c.mapper = &half_mapper;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg->mapper 'half' lacks");
	c.mapper = &vcm_mapper_pt;
	c.nr_bases = 3;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: cfg->nr_bases 3 of 'x' is not 1 or 2");
	c.nr_bases = 1;
	c.name = "v7";
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EEXIST);
	gfx_msg("vcm_dev_register: cfg->name 'v7' is already registered");
	/* fill the first slab of device handles (8: 4 are the fixture's) */
	for (int i = 0; i < 4; i++) {
		c.name = (const char *[]){ "f0", "f1", "f2", "f3" }[i];
		assert_int_equal(vcm_dev_register(g.sys, &c, &fill[i]), 0);
	}
	c.name = "x";
	gfx_fail_meta(1);
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -ENOMEM);
	gfx_msg("vcm_dev_register: no metadata for device 'x'");
	gfx_fail_meta(0);
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), 0);
	assert_int_equal(vcm_dev_unregister(d), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vcm_dev_unregister(fill[i]), 0);
}

/* A table configuration the format refuses is refused at registration,
 * naming the device and the field, not at the first association. */
static void test_dev_register_pt_cfg(void **state)
{
	struct vcm_pt_cfg pc = *(const struct vcm_pt_cfg *)g.cfg[D_V8S1].mapper_cfg;
	struct vcm_dev_cfg c = g.cfg[D_V8S1];
	struct vcm_dev *d = NULL;

	(void)state;
	c.name = "bad";
	c.mapper_cfg = &pc;
	pc.fmt = NULL;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: 'bad': cfg->mapper_cfg (pt): cfg->fmt is NULL");
	pc = *(const struct vcm_pt_cfg *)g.cfg[D_V8S1].mapper_cfg;
	pc.ias = 99;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EINVAL);
	gfx_msg("vcm_dev_register: 'bad': cfg->mapper_cfg (pt): cfg->ias 99");
	assert_null(d);
	assert_null(vcm_dev_find(g.sys, "bad"));
	pc.ias = 40;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), 0);
	assert_int_equal(vcm_dev_unregister(d), 0);
}

static void test_dev_unregister(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_V7];
	struct vcm_dev *d;
	struct vcm_avcm *a;
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_dev_unregister(NULL), -EINVAL);
	c.name = "tmp";
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), 0);
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), 0);
	assert_int_equal(vcm_assoc(v, d, 0, &a), 0);
	assert_int_equal(vcm_dev_unregister(d), -EBUSY);
	gfx_msg("vcm_dev_unregister: dev 'tmp' has 1 associations");
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_dev_unregister(d), 0);
	assert_int_equal(vcm_dev_unregister(d), -EINVAL);
	gfx_msg("vcm_dev_unregister: dev is not a live device");
	assert_int_equal(vcm_free(v), 0);
}

static void test_dev_find_and_name(void **state)
{
	(void)state;
	assert_ptr_equal(vcm_dev_find(g.sys, "v8s2"), g.dev[D_V8S2]);
	assert_null(vcm_dev_find(g.sys, "nope"));
	assert_null(vcm_dev_find(g.sys, NULL));
	assert_null(vcm_dev_find(NULL, "v7"));
	assert_string_equal(vcm_dev_name(g.dev[D_DMA]), "dma");
	assert_null(vcm_dev_name(NULL));
}

static void test_hw_ver(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_V7];
	struct vcm_dev *d;
	uint32_t ver = 7;

	(void)state;
	g.fake[D_V7].ver = 0x20100;
	assert_int_equal(vcm_hw_ver(g.dev[D_V7], &ver), 0);
	assert_int_equal(ver, 0x20100);
	assert_int_equal(vcm_hw_ver(g.dev[D_V7], NULL), -EINVAL);
	gfx_msg("vcm_hw_ver: ver is NULL");
	assert_int_equal(vcm_hw_ver(NULL, &ver), -EINVAL);
	c.name = "noops";
	c.ops = NULL;
	assert_int_equal(vcm_dev_register(g.sys, &c, &d), 0);
	assert_int_equal(vcm_hw_ver(d, &ver), 0);
	assert_int_equal(ver, 0);
	assert_int_equal(vcm_dev_unregister(d), 0);
	assert_int_equal(vcm_hw_ver(d, &ver), -EINVAL);
	gfx_msg("vcm_hw_ver: dev is not a live device");
}

/* ---- faults ---- */

struct hook_ctx {
	int calls;
	struct vcm_res *res;
	struct vcm_mem *mem;
	vcm_da_t da;
};

static int hook_backs(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	struct hook_ctx *h = data;

	(void)dev;
	h->calls++;
	h->da = f->da;
	/* the lock is not held: the hook may call the graph */
	return vcm_back(h->res, h->mem) == 0 ? VCM_FAULT_RETRY : VCM_FAULT_TERMINATE;
}

static void test_faults(void **state)
{
	struct vcm_fault f = { .da = 0x1000, .access = VCM_ACCESS_READ,
			       .kind = VCM_FAULT_TRANSLATION, .level = 3, .desc_pa = 0x80001008,
			       .stream = 7 }, out;
	struct hook_ctx h = { 0 };
	struct vcm_avcm *a;
	struct vcm *v;
	uint64_t count;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_dev_last_fault(g.dev[D_V7], &out, &count), -ENOENT);
	gfx_msg("vcm_dev_last_fault: dev 'v7' has reported no fault");
	assert_int_equal(count, 0);
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], &f), VCM_FAULT_TERMINATE);
	assert_int_equal(vcm_dev_last_fault(g.dev[D_V7], &out, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(out.da, 0x1000);
	/* the record comes back whole */
	assert_int_equal(out.kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(out.level, 3);
	assert_int_equal(out.desc_pa, 0x80001008);
	assert_int_equal(out.stream, 7);
	assert_int_equal(vcm_dev_last_fault(g.dev[D_V7], NULL, NULL), -EINVAL);
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], NULL), -EINVAL);
	gfx_msg("vcm_dev_fault: fault is NULL");
	assert_int_equal(vcm_dev_fault(NULL, &f), -EINVAL);
	assert_int_equal(vcm_hook(NULL, hook_backs, NULL), -EINVAL);

	assert_int_equal(vcm_create(g.sys, 0, 16 * MB, &v), 0);
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], 0, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_reserve_at(v, 0x1000, 4 * KB, VCM_PT_PROT_READ, &h.res), 0);
	assert_int_equal(vcm_alloc(g.sys, 0, 4 * KB, 0, &h.mem), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V7], 0, 0x1000, &pa), -ENOENT);
	assert_int_equal(vcm_hook(g.dev[D_V7], hook_backs, &h), 0);
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], &f), VCM_FAULT_RETRY);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.da, 0x1000);
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V7], 0, 0x1000, &pa), 0);
	/* second fault: already backed, the hook gives up */
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], &f), VCM_FAULT_TERMINATE);
	assert_int_equal(vcm_dev_last_fault(g.dev[D_V7], &out, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(vcm_hook(g.dev[D_V7], NULL, NULL), 0);
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], &f), VCM_FAULT_TERMINATE);
	assert_int_equal(h.calls, 2);
	assert_int_equal(vcm_unback(h.res), 0);
	assert_int_equal(vcm_unreserve(h.res), 0);
	assert_int_equal(vcm_free_phys(g.sys, h.mem), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* ---- VCMs ---- */

static void test_vcm_create(void **state)
{
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_create(NULL, 0, MB, &v), -EINVAL);
	assert_int_equal(vcm_create(g.sys, 0, MB, NULL), -EINVAL);
	gfx_msg("vcm_create: out is NULL");
	assert_int_equal(vcm_create(g.sys, 0, 0, &v), -EINVAL);
	gfx_msg("vcm_create: len 0x0 is 0 or not a multiple of 4 KiB");
	assert_int_equal(vcm_create(g.sys, 0x800, MB, &v), -EINVAL);
	gfx_msg("vcm_create: start 0x800 is not 4 KiB aligned");
	assert_int_equal(vcm_create(g.sys, ~0xfffULL, 2 * 4096, &v), -EOVERFLOW);
	gfx_msg("vcm_create: start 0xfffffffffffff000 + len 0x2000 wraps");
	gfx_fail_meta(1);
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), -ENOMEM);
	gfx_fail_meta(2); /* the slab came; the range space does not */
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), -ENOMEM);
	gfx_msg("vcm_create: range: ");
	gfx_fail_meta(0);
	assert_int_equal(vcm_create(g.sys, 0x1000, 128 * MB, &v), 0);
	assert_int_equal(vcm_get_start_addr(v), 0x1000);
	assert_int_equal(vcm_get_len(v), 128 * MB);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_get_start_addr(v), 0);
	assert_int_equal(vcm_get_len(v), 0);
	assert_int_equal(vcm_get_start_addr(NULL), 0);
}

static void test_vcm_create_one_to_one(void **state)
{
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_create_one_to_one(g.sys, GFX_MT0_PA + 0x10, MB, &v), -EINVAL);
	gfx_msg("vcm_create_one_to_one: pa 0x80800010 is not 4 KiB aligned");
	assert_int_equal(vcm_create_one_to_one(g.sys, GFX_MT0_PA, MB, NULL), -EINVAL);
	assert_int_equal(vcm_create_one_to_one(NULL, GFX_MT0_PA, MB, &v), -EINVAL);
	assert_int_equal(vcm_create_one_to_one(g.sys, GFX_MT0_PA, GFX_MT0_LEN, &v), 0);
	assert_int_equal(vcm_get_start_addr(v), GFX_MT0_PA);
	assert_int_equal(vcm_free(v), 0);
}

static void test_vcm_free(void **state)
{
	struct vcm *v;
	struct vcm_res *r;
	struct vcm_avcm *a;
	struct vcm_bound *b;

	(void)state;
	assert_int_equal(vcm_free(NULL), -EINVAL);
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r), 0);
	assert_int_equal(vcm_free(v), -EBUSY);
	gfx_msg("vcm_free: vcm has 1 reservations");
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], 0, &a), 0);
	assert_int_equal(vcm_free(v), -EBUSY);
	gfx_msg("vcm_free: vcm has 1 associations");
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_create_bound(v, 64 * KB, &b), 0);
	assert_int_equal(vcm_free(v), 0); /* empty bounds go with it */
	assert_int_equal(vcm_get_bound_len(b), 0);
	assert_int_equal(vcm_free(v), -EINVAL);
	gfx_msg("vcm_free: vcm is not a live VCM");
}

/* A CPU-like mapper: the one-to-one mapper with a range op. */
static int cpu_range(void *ctx, bool user, vcm_da_t *start, uint64_t *len)
{
	(void)ctx;
	if (!user)
		return -ENOENT;
	*start = GFX_MT0_PA;
	*len = GFX_MT0_LEN;
	return 0;
}

static struct vcm_mapper_ops cpu_mapper;

static void test_vcm_create_prebuilt(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_DMA];
	struct vcm_dev *cpu;
	struct vcm *v, *v2;
	struct vcm_avcm *a;

	(void)state;
	cpu_mapper = vcm_mapper_one_to_one;
	cpu_mapper.name = "cpu";
	cpu_mapper.range = cpu_range;
	c.name = "cpu";
	c.mapper = &cpu_mapper;
	c.ctx = &g.fake[D_DMA];
	assert_int_equal(vcm_dev_register(g.sys, &c, &cpu), 0);
	assert_int_equal(vcm_create_prebuilt(g.sys, g.dev[D_V7], true, &v), -EOPNOTSUPP);
	gfx_msg("vcm_create_prebuilt: cpu 'v7': mapper 'pt' has no range op");
	assert_int_equal(vcm_create_prebuilt(g.sys, cpu, false, &v), -ENOENT);
	gfx_msg("vcm_create_prebuilt: cpu 'cpu': mapper 'cpu' gave no kernel range");
	assert_int_equal(vcm_create_prebuilt(g.sys, NULL, true, &v), -EINVAL);
	assert_int_equal(vcm_create_prebuilt(g.sys, cpu, true, NULL), -EINVAL);
	assert_int_equal(vcm_create_prebuilt(NULL, cpu, true, &v), -EINVAL);
	assert_int_equal(vcm_create_prebuilt(g.sys, cpu, true, &v), 0);
	assert_int_equal(g.fake[D_DMA].program, 1);
	assert_false(g.fake[D_DMA].had_hw);
	assert_int_equal(vcm_get_start_addr(v), GFX_MT0_PA);
	/* active from the start: a second VCM cannot take the base */
	assert_int_equal(vcm_create(g.sys, GFX_MT0_PA, MB, &v2), 0);
	assert_int_equal(vcm_assoc(v2, cpu, 0, &a), 0);
	assert_int_equal(vcm_activate(a), -EBUSY);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v2), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(g.fake[D_DMA].clear, 1);
	assert_int_equal(vcm_dev_unregister(cpu), 0);
}

/* ---- reservations ---- */

static void test_reserve(void **state)
{
	struct vcm *v;
	struct vcm_res *r, *r2;
	unsigned int prot;
	uint64_t align;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0x1000, 64 * MB, &v), 0);
	assert_int_equal(vcm_reserve(NULL, 4 * KB, 0, VCM_PT_PROT_READ, &r), -EINVAL);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, NULL), -EINVAL);
	gfx_msg("vcm_reserve: out is NULL");
	assert_int_equal(vcm_reserve(v, 0, 0, VCM_PT_PROT_READ, &r), -EINVAL);
	gfx_msg("vcm_reserve: len 0x0 is 0 or not a multiple of 4 KiB");
	assert_int_equal(vcm_reserve(v, 100, 0, VCM_PT_PROT_READ, &r), -EINVAL);
	assert_int_equal(vcm_reserve(v, 4 * KB, 3 * 4096, VCM_PT_PROT_READ, &r), -EINVAL);
	gfx_msg("vcm_reserve: align 0x3000 is not a power of two in 4K..1G");
	assert_int_equal(vcm_reserve(v, 4 * KB, 2048, VCM_PT_PROT_READ, &r), -EINVAL);
	assert_int_equal(vcm_reserve(v, 4 * KB, 2048 * MB, VCM_PT_PROT_READ, &r), -EINVAL);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ | 0x80000U, &r), -EINVAL);
	gfx_msg("vcm_reserve: prot 0x80001 has unknown bit 0x80000");
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_WRITE, &r), -EINVAL);
	gfx_msg("vcm_reserve: prot 0x2 lacks VCM_PT_PROT_READ");
	/* device memory with a cache policy: refused here, not at vcm_back() */
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, 0x341, &r), -EINVAL);
	gfx_msg("vcm_reserve: prot 0x341: device memory takes no cache or share field");
	assert_int_equal(vcm_reserve_at(v, 0x10000, 4 * KB, 0x341, &r), -EINVAL);
	gfx_msg("vcm_reserve_at: prot 0x341: device memory takes no cache or share field");
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ | VCM_PT_PROT_SH(3), &r),
			 -EINVAL);
	gfx_msg("vcm_reserve: prot 0x3001 has a reserved share value");
	assert_int_equal(vcm_get_num_res(v), 0);
	assert_int_equal(vcm_reserve(v, 128 * MB, 0, VCM_PT_PROT_READ, &r), -ERANGE);
	assert_int_equal(vcm_reserve(v, 64 * MB, 16 * MB, VCM_PT_PROT_READ, &r), -ENOSPC);
	gfx_msg("vcm_reserve: ");
	{
		/* a full VCM: -ENOSPC for the next page, as vcm.h says */
		struct vcm *f = gfx_vcm(0, 64 * KB);
		struct vcm_res *all;

		assert_int_equal(vcm_reserve(f, 64 * KB, 0, VCM_PT_PROT_READ, &all), 0);
		assert_int_equal(vcm_reserve(f, 4 * KB, 0, VCM_PT_PROT_READ, &r), -ENOSPC);
		gfx_msg("vcm_reserve: ");
		assert_int_equal(vcm_unreserve(all), 0);
		assert_int_equal(vcm_free(f), 0);
	}
	gfx_fail_meta(1);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r), -ENOMEM);
	gfx_fail_meta(0);
	assert_int_equal(vcm_reserve(v, 16 * MB, 16 * MB, VCM_PT_PROT_READ, &r), 0);
	assert_int_equal(vcm_get_dev_addr(r), 16 * MB);
	assert_int_equal(vcm_get_res_len(r), 16 * MB);
	assert_ptr_equal(vcm_get_vcm_from_res(r), v);
	assert_int_equal(vcm_get_res_attr(r, &prot, &align), 0);
	assert_int_equal(prot, VCM_PT_PROT_READ);
	assert_int_equal(align, 16 * MB);
	assert_int_equal(vcm_reserve(v, 64 * KB, 64 * KB, VCM_PT_PROT_READ, &r2), 0);
	assert_int_equal(vcm_get_dev_addr(r2), 0x10000);
	assert_int_equal(vcm_get_num_res(v), 2);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_unreserve(r), -EINVAL);
	gfx_msg("vcm_unreserve: res is not a live reservation");
	assert_null(vcm_get_vcm_from_res(r));
	assert_int_equal(vcm_get_res_len(r), 0);
	assert_int_equal(vcm_get_dev_addr(r), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* The range cache through the graph: a freed 64K comes back in O(1). */
static void test_range_cache(void **state)
{
	const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 }, off = { 0, 0, 0 };
	const struct vcm_vs_cache_cfg bad = { 0x4, 0, 0 };
	struct vcm_vs_cache_stats st;
	struct vcm *v;
	struct vcm_res *a, *b, *c;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 16 * MB, &v), 0);
	assert_int_equal(vcm_set_range_cache(NULL, &on), -EINVAL);
	assert_int_equal(vcm_set_range_cache(v, NULL), -EINVAL);
	gfx_msg("vcm_set_range_cache: cc is NULL");
	assert_int_equal(vcm_set_range_cache(v, &bad), -EINVAL);
	gfx_msg("vcm_set_range_cache: cc->flags has unknown bits 0x4");
	assert_int_equal(vcm_get_range_cache_stats(v, NULL), -EINVAL);
	gfx_msg("vcm_get_range_cache_stats: out is NULL");
	assert_int_equal(vcm_set_range_cache(v, &on), 0);
	/* 64K at 64K, freed, then a 4K below it: the next 64K takes the cached one */
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &c), 0);
	assert_int_equal(vcm_reserve(v, 64 * KB, 64 * KB, VCM_PT_PROT_READ, &a), 0);
	assert_int_equal(vcm_get_dev_addr(a), 64 * KB);
	assert_int_equal(vcm_unreserve(a), 0);
	assert_null(vcm_get_res(v, 64 * KB)); /* free to the user */
	assert_int_equal(vcm_get_num_res(v), 1);
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, VCM_PT_PROT_READ, &b), 0);
	assert_int_equal(vcm_get_dev_addr(b), 64 * KB);
	assert_int_equal(vcm_get_range_cache_stats(v, &st), 0);
	assert_true(st.hits == 1 && st.kept == 1 && st.returned == 0);
	/* a reserve-at over a cached range gets it (the cache is flushed) */
	assert_int_equal(vcm_unreserve(b), 0);
	assert_int_equal(vcm_reserve_at(v, 64 * KB + 4 * KB, 4 * KB, VCM_PT_PROT_READ, &b), 0);
	assert_int_equal(vcm_get_range_cache_stats(v, &st), 0);
	assert_true(st.hits == 1 && st.kept == 2 && st.returned == 1);
	assert_int_equal(vcm_unreserve(b), 0);
	/* off: the freed range goes straight back */
	assert_int_equal(vcm_set_range_cache(v, &off), 0);
	assert_int_equal(vcm_reserve(v, 64 * KB, 64 * KB, VCM_PT_PROT_READ, &a), 0);
	assert_int_equal(vcm_unreserve(a), 0);
	assert_int_equal(vcm_get_range_cache_stats(v, &st), 0);
	assert_int_equal(st.kept, 3);
	assert_int_equal(st.returned, 2);
	assert_int_equal(vcm_unreserve(c), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_set_range_cache(v, &on), -EINVAL);
	assert_int_equal(vcm_get_range_cache_stats(v, &st), -EINVAL);
}

static void test_reserve_at(void **state)
{
	struct vcm *v;
	struct vcm_res *r, *r2;
	uint64_t align;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 64 * MB, &v), 0);
	assert_int_equal(vcm_reserve_at(v, 0x30000, 64 * KB, VCM_PT_PROT_READ, &r), 0);
	assert_int_equal(vcm_get_dev_addr(r), 0x30000);
	assert_int_equal(vcm_get_res_attr(r, NULL, &align), 0);
	assert_int_equal(align, 0x10000);
	assert_int_equal(vcm_reserve_at(v, 0x38000, 64 * KB, VCM_PT_PROT_READ, &r2), -EEXIST);
	gfx_msg("vcm_reserve_at: ");
	assert_int_equal(vcm_reserve_at(v, 64 * MB, 4 * KB, VCM_PT_PROT_READ, &r2), -ERANGE);
	assert_int_equal(vcm_reserve_at(v, 0x801, 4 * KB, VCM_PT_PROT_READ, &r2), -EINVAL);
	assert_int_equal(vcm_reserve_at(v, 0x1000, 4 * KB, 0, &r2), -EINVAL);
	assert_int_equal(vcm_reserve_at(NULL, 0x1000, 4 * KB, VCM_PT_PROT_READ, &r2), -EINVAL);
	assert_int_equal(vcm_reserve_at(v, 0x1000, 4 * KB, VCM_PT_PROT_READ, NULL), -EINVAL);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_unreserve(void **state)
{
	(void)state;
	assert_int_equal(vcm_unreserve(NULL), -EINVAL);
	/* backed: -EBUSY (tests/graph/test_graph_back.c covers it with a backing) */
}

static void test_res_attr(void **state)
{
	struct vcm *v;
	struct vcm_res *r;
	unsigned int prot;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r), 0);
	assert_int_equal(vcm_set_res_attr(r, VCM_PT_PROT_READ | VCM_PT_PROT_WRITE), 0);
	assert_int_equal(vcm_get_res_attr(r, &prot, NULL), 0);
	assert_int_equal(prot, VCM_PT_PROT_READ | VCM_PT_PROT_WRITE);
	assert_int_equal(vcm_set_res_attr(r, VCM_PT_PROT_WRITE), -EINVAL);
	gfx_msg("vcm_set_res_attr: prot 0x2 lacks VCM_PT_PROT_READ");
	assert_int_equal(vcm_set_res_attr(r, 0x341), -EINVAL);
	gfx_msg("vcm_set_res_attr: prot 0x341: device memory takes no cache or share field");
	assert_int_equal(vcm_get_res_attr(r, &prot, NULL), 0);
	assert_int_equal(prot, VCM_PT_PROT_READ | VCM_PT_PROT_WRITE);
	assert_int_equal(vcm_get_res_attr(r, NULL, NULL), -EINVAL);
	gfx_msg("vcm_get_res_attr: prot and align are both NULL");
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_set_res_attr(r, VCM_PT_PROT_READ), -EINVAL);
	assert_int_equal(vcm_get_res_attr(r, &prot, NULL), -EINVAL);
	assert_int_equal(vcm_free(v), 0);
}

static void test_res_iterate(void **state)
{
	struct vcm *v, *w;
	struct vcm_res *r[5], *x, *other;
	vcm_da_t at[5] = { 0x50000, 0x10000, 0x40000, 0x20000, 0x30000 };

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, MB, &v), 0);
	assert_int_equal(vcm_create(g.sys, 0, MB, &w), 0);
	assert_int_equal(vcm_reserve(w, 4 * KB, 0, VCM_PT_PROT_READ, &other), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(vcm_reserve_at(v, at[i], 8 * KB, VCM_PT_PROT_READ, &r[i]), 0);
	assert_int_equal(vcm_get_num_res(v), 5);
	assert_int_equal(vcm_get_num_res(NULL), 0);
	x = vcm_get_next_res(v, NULL);
	for (vcm_da_t da = 0x10000; da <= 0x50000; da += 0x10000) {
		assert_non_null(x);
		assert_int_equal(vcm_get_dev_addr(x), da);
		x = vcm_get_next_res(v, x);
	}
	assert_null(x);
	assert_null(vcm_get_next_res(v, other));
	gfx_msg("vcm_get_next_res: prev is not a live reservation of vcm");
	assert_null(vcm_get_next_res(NULL, NULL));
	assert_ptr_equal(vcm_get_res(v, 0x31fff), r[4]);
	assert_null(vcm_get_res(v, 0x32000));
	assert_null(vcm_get_res(v, 0));
	assert_null(vcm_get_res(NULL, 0x31000));
	for (int i = 0; i < 5; i++)
		assert_int_equal(vcm_unreserve(r[i]), 0);
	assert_int_equal(vcm_unreserve(other), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(w), 0);
}

/*
 * Reservations inside bounds are found, counted and walked with the others,
 * in address order (the VCM's space is the one record: a bound is one range
 * of it, whose own space holds the bound's reservations); an empty bound is
 * stepped over; a clone has the same record.
 */
static void test_res_iterate_bounds(void **state)
{
	struct vcm *v, *c;
	struct vcm_bound *b1, *b2, *b3;
	struct vcm_res *r[6], *x, *y;
	vcm_da_t want[6];
	unsigned int n = 0;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 8 * MB, &v), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r[0]), 0);   /* 0 */
	assert_int_equal(vcm_create_bound(v, MB, &b1), 0);                          /* 0x1000 */
	assert_int_equal(vcm_create_bound(v, MB, &b2), 0);                          /* empty */
	assert_int_equal(vcm_reserve(v, 8 * KB, 0, VCM_PT_PROT_READ, &r[3]), 0);
	assert_int_equal(vcm_create_bound(v, MB, &b3), 0);
	assert_int_equal(vcm_reserve_from_bound(b1, 64 * KB, 64 * KB, VCM_PT_PROT_READ, &r[2]), 0);
	assert_int_equal(vcm_reserve_from_bound(b1, 4 * KB, 0, VCM_PT_PROT_READ, &r[1]), 0);
	assert_int_equal(vcm_reserve_from_bound(b3, 4 * KB, 0, VCM_PT_PROT_READ, &r[4]), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r[5]), 0);
	/* r[1] went below r[2] in b1 (first fit), r[5] after b3 */
	assert_true(vcm_get_dev_addr(r[1]) < vcm_get_dev_addr(r[2]));
	assert_true(vcm_get_dev_addr(r[2]) < vcm_get_bound_start_addr(b2));
	assert_true(vcm_get_bound_start_addr(b3) + MB <= vcm_get_dev_addr(r[5]));
	for (unsigned int i = 0; i < 6; i++)
		want[i] = vcm_get_dev_addr(r[i]);
	assert_int_equal(vcm_get_num_res(v), 6);
	for (x = vcm_get_next_res(v, NULL); x != NULL; x = vcm_get_next_res(v, x), n++) {
		assert_true(n < 6);
		assert_ptr_equal(x, r[n]);
		assert_ptr_equal(vcm_get_res(v, want[n] + 4 * KB - 1), r[n]);
	}
	assert_int_equal(n, 6);
	/* inside a bound but free; inside the empty bound */
	assert_null(vcm_get_res(v, vcm_get_bound_start_addr(b1) + MB - 1));
	assert_null(vcm_get_res(v, vcm_get_bound_start_addr(b2)));
	assert_int_equal(vcm_sys_check_(g.sys), 0);

	assert_int_equal(vcm_clone(v, &c), 0);
	assert_int_equal(vcm_get_num_res(c), 6);
	n = 0;
	for (y = vcm_get_next_res(c, NULL); y != NULL; y = vcm_get_next_res(c, y), n++) {
		assert_int_equal(vcm_get_dev_addr(y), want[n]);
		assert_ptr_equal(vcm_get_res(c, want[n]), y);
	}
	assert_int_equal(n, 6);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	while ((y = vcm_get_next_res(c, NULL)) != NULL)
		assert_int_equal(vcm_unreserve(y), 0);
	assert_int_equal(vcm_free(c), 0);

	/* the last of a bound goes: the walk steps from before the bound to after it */
	assert_int_equal(vcm_unreserve(r[4]), 0);
	assert_ptr_equal(vcm_get_next_res(v, r[3]), r[5]);
	assert_int_equal(vcm_get_num_res(v), 5);
	for (unsigned int i = 0; i < 6; i++)
		if (i != 4)
			assert_int_equal(vcm_unreserve(r[i]), 0);
	assert_null(vcm_get_next_res(v, NULL));
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* ---- bounds ---- */

static void test_bounds(void **state)
{
	struct vcm *v;
	struct vcm_bound *b, *b2;
	struct vcm_res *r, *r2;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 4 * MB, &v), 0);
	assert_int_equal(vcm_create_bound(NULL, MB, &b), -EINVAL);
	assert_int_equal(vcm_create_bound(v, MB, NULL), -EINVAL);
	gfx_msg("vcm_create_bound: out is NULL");
	assert_int_equal(vcm_create_bound(v, 0, &b), -EINVAL);
	assert_int_equal(vcm_create_bound(v, 8 * MB, &b), -ERANGE);
	gfx_fail_meta(1);
	assert_int_equal(vcm_create_bound(v, MB, &b), -ENOMEM);
	gfx_fail_meta(0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, VCM_PT_PROT_READ, &r2), 0);
	assert_int_equal(vcm_create_bound(v, MB, &b), 0);
	assert_int_equal(vcm_get_bound_start_addr(b), 0x1000);
	assert_int_equal(vcm_get_bound_len(b), MB);
	assert_int_equal(vcm_reserve_from_bound(b, 64 * KB, 64 * KB, VCM_PT_PROT_READ, &r), 0);
	assert_int_equal(vcm_get_dev_addr(r), 0x10000);
	assert_ptr_equal(vcm_get_res(v, 0x10000), r);
	assert_int_equal(vcm_reserve_from_bound(b, 2 * MB, 0, VCM_PT_PROT_READ, &r2), -ERANGE);
	assert_int_equal(vcm_reserve_from_bound(NULL, 4 * KB, 0, VCM_PT_PROT_READ, &r2), -EINVAL);
	assert_int_equal(vcm_reserve_from_bound(b, 4 * KB, 0, 0x341, &r2), -EINVAL);
	gfx_msg("vcm_reserve_from_bound: prot 0x341: device memory takes no cache or share field");
	assert_int_equal(vcm_free_bound(b), -EBUSY);
	gfx_msg("vcm_free_bound: bound at da 0x1000 holds 1 reservations");
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_bound(b), 0);
	assert_int_equal(vcm_free_bound(b), -EINVAL);
	gfx_msg("vcm_free_bound: bound is not a live bound");
	assert_int_equal(vcm_get_bound_start_addr(b), 0);
	assert_int_equal(vcm_create_bound(v, MB, &b2), 0);
	assert_int_equal(vcm_unreserve(vcm_get_res(v, 0)), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* ---- physical allocations ---- */

static void test_alloc(void **state)
{
	struct vcm_mem *m, *w;
	uint64_t it = 0, len, total = 0, n = 0;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_alloc(NULL, 0, MB, 0, &m), -EINVAL);
	assert_int_equal(vcm_alloc(g.sys, 0, MB, 0, NULL), -EINVAL);
	gfx_msg("vcm_alloc: out is NULL");
	assert_int_equal(vcm_alloc(g.sys, 0, 0, 0, &m), -EINVAL);
	gfx_msg("vcm_alloc: ");
	assert_int_equal(vcm_alloc(g.sys, 9, MB, 0, &m), -EINVAL);
	assert_int_equal(vcm_alloc(g.sys, 0, 64 * MB, 0, &m), -ENOMEM);
	gfx_fail_meta(2); /* phys record slab is 1; the handle slab 2 */
	assert_int_equal(vcm_alloc(g.sys, 0, MB, 0, &m), -ENOMEM);
	gfx_fail_meta(0);
	assert_int_equal(vcm_alloc(g.sys, 0, MB + 68 * KB, 0, &m), 0);
	assert_int_equal(vcm_mem_len(m), MB + 68 * KB);
	assert_int_equal(vcm_mem_memtype(m), 0);
	assert_non_null(vcm_mem_physmem(m));
	while (vcm_mem_next_chunk(m, &it, &pa, &len) == 0) {
		total += len;
		n++;
	}
	assert_int_equal(total, MB + 68 * KB);
	assert_int_equal(n, 3);
	it = 0;
	assert_int_equal(vcm_mem_next_extent(m, &it, &pa, &len), 0);
	assert_int_equal(vcm_alloc_wrap(g.sys, 0x40000000, MB, &w), 0);
	assert_int_equal(vcm_mem_memtype(w), -ENOENT);
	assert_int_equal(vcm_alloc_wrap(g.sys, 0x40000800, MB, &w), -EINVAL);
	gfx_msg("vcm_alloc_wrap: ");
	assert_int_equal(vcm_alloc_wrap(g.sys, 0x40000000, MB, NULL), -EINVAL);
	assert_int_equal(vcm_alloc_wrap(NULL, 0x40000000, MB, &w), -EINVAL);
	assert_int_equal(vcm_free_phys(g.sys, w), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), -EINVAL);
	gfx_msg("vcm_free_phys: mem is not a live allocation of this system");
	assert_int_equal(vcm_free_phys(NULL, m), -EINVAL);
	assert_int_equal(vcm_mem_len(m), 0);
	assert_int_equal(vcm_mem_memtype(m), -EINVAL);
	assert_null(vcm_mem_physmem(m));
	assert_int_equal(vcm_mem_next_chunk(m, &it, &pa, &len), -EINVAL);
	assert_int_equal(vcm_mem_next_extent(m, &it, &pa, &len), -EINVAL);
}

static void test_cont_memtype(void **state)
{
	vcm_pa_t pa;
	uint64_t len;

	(void)state;
	assert_int_equal(vcm_get_cont_memtype(g.sys, 1, &pa, &len), 0);
	assert_int_equal(pa, GFX_MT1_PA);
	assert_int_equal(len, GFX_MT1_LEN);
	assert_int_equal(vcm_get_cont_memtype(g.sys, 5, &pa, &len), -EINVAL);
	gfx_msg("vcm_get_cont_memtype: ");
	assert_int_equal(vcm_get_cont_memtype(g.sys, 0, NULL, &len), -EINVAL);
	assert_int_equal(vcm_get_cont_memtype(NULL, 0, &pa, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sys_create_errors), T(test_slot_store), T(test_sys_destroy), T(test_sys_counts),
		T(test_sys_last_error_and_phys),
		T(test_sys_lock), T(test_dev_register_errors), T(test_dev_register_pt_cfg),
		T(test_dev_unregister),
		T(test_dev_find_and_name), T(test_hw_ver), T(test_faults), T(test_vcm_create),
		T(test_vcm_create_one_to_one), T(test_vcm_free), T(test_vcm_create_prebuilt),
		T(test_reserve), T(test_reserve_at), T(test_range_cache), T(test_unreserve), T(test_res_attr),
		T(test_res_iterate), T(test_res_iterate_bounds), T(test_bounds), T(test_alloc),
		T(test_cont_memtype),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
