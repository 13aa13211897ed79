// SPDX-License-Identifier: MIT
/*
 * The graph drives QEMU 7.2's intel-iommu: a bare-metal 32-bit image (paging
 * off, so CPU addresses are physical) that links the freestanding vcmm, takes
 * the remapping unit with the VT-d backend (src/dev/vtd.c) and runs the
 * seed's flow as real DMA by three edu devices, one result line per step:
 *   1. memtypes and VCMs: edu0 and edu2 share VCM A (domain 1, one table),
 *      edu1 has VCM B (domain 2); associated and activated through the
 *      backend;
 *   2. memory of 1M, 64K and 4K chunks backed into a reservation; edu0 and
 *      edu2 copy a window across one chunk boundary to a window across
 *      another, both ways; every byte of the reservation is checked;
 *   3. unback, then edu writes to the old device address: the unit records a
 *      fault, the backend decodes it (translation), vcm_dev_fault() runs the
 *      hook, and the old bytes are untouched;
 *   4. vcm_migrate() of the backed memory: the bytes moved, DMA reads and
 *      writes the new memory, the old memory is never touched;
 *   5. isolation: edu1 writes to edu0's device address and faults in its own
 *      domain; edu0's memory is untouched (edu1's own buffer works);
 *   6. a read-only reservation: edu's write faults (permission) and changes
 *      nothing, its read goes through.
 * With "selftest" on the command line (-append selftest) the image skips the
 * IOTLB invalidation of step 3's unback (QEMU keeps the translations step 2
 * cached, the write goes through: step 3 must fail) and, before step 5's
 * isolation DMA, loads VCM A's table into edu1's context entry (edu1 then
 * reaches edu0's memory: step 5 must fail).
 *
 * With "reginv" the backend uses the CCMD and IOTLB registers instead of the
 * invalidation queue. The tables have 4 levels when the unit takes 48-bit
 * addresses (intel-iommu,aw-bits=48), else 3.
 *
 * Output on COM1 ("STEP n name: ok" or "FAIL ..."); exit through
 * isa-debug-exit (port 0xf4) with the mask of failed steps (bit n = step n),
 * so QEMU's status is 2 * mask + 1: 1 when every step passed.
 */
#include <stdint.h>
#include <vcm/vcm.h>
#include <vcm/vtd.h>
#include <vcm/err.h>
#include "bm_common.h"
#include "bm_x86.h"
#include "edu.h"

#define VTD_REGS  0xfed90000U   /* QEMU's fixed intel-iommu base on q35 */
#define ARENA_PA  0x01000000U   /* 16 MiB: tables and metadata */
#define ARENA_LEN 0x00800000U
#define RAM_PA    0x04000000U   /* 64 MiB: the memtype DMA buffers come from */
#define RAM_LEN   0x02000000U
#define VCM_START 0x10000000U   /* both VCMs: [256 MiB, 1.25 GiB) */
#define VCM_LEN   0x40000000U
#define BUF_LEN   (0x100000U + 0x10000U + 0x1000U)
#define WIN       EDU_MAX_LEN

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

void bm_putc(char c)
{
	outb(0x3f8, (uint8_t)c);
}

struct edu_dev {
	uint32_t devfn;
	uint32_t bar;
	struct vcm_vtd_dev *vd;
	struct vcm_dev *dev;
	struct vcm *vcm;
	struct vcm_avcm *av;
	unsigned int hooks;        /* times the graph's fault hook ran */
};

static struct {
	struct vcm_plat_arena arena;
	struct vcm_plat_ops plat;
	struct vcm_vtd *vtd;
	struct vcm_sys *sys;
	struct edu_dev edu[3];
	unsigned int nr_edu;
	bool selftest;
	bool reginv;               /* register-based invalidation asked for */
	bool skip_armed;           /* selftest: drop tlb_range calls while set */
	/* the last fault the backend reported */
	struct vcm_fault fault;
	unsigned int reason;
	struct edu_dev *fault_edu;
	/* step state */
	unsigned int fails;
	struct vcm_mem *mem0;
	struct vcm_res *res0;
	vcm_da_t da0;
	uint64_t w1, w2;           /* offsets of the windows in res0 */
	uint8_t snap[WIN];
} img;

/* ---- output and checks ----------------------------------------------------- */

static void put_kv(const char *k, uint64_t v)
{
	bm_puts(" ");
	bm_puts(k);
	bm_puts("=");
	bm_puthex(v);
}

static bool check(bool ok, const char *what, uint64_t got, uint64_t want)
{
	if (!ok) {
		img.fails++;
		bm_puts("  FAIL ");
		bm_puts(what);
		put_kv("got", got);
		put_kv("want", want);
		bm_puts("\n");
	}
	return ok;
}

static bool check_call(int ret, const char *what)
{
	if (ret != 0) {
		img.fails++;
		bm_puts("  FAIL ");
		bm_puts(what);
		bm_puts(" returned ");
		bm_puts(vcm_strerror(ret));
		bm_puts(": ");
		bm_puts(vcm_sys_last_error(img.sys));
		bm_puts(" / ");
		bm_puts(vcm_vtd_last_error(img.vtd));
		bm_puts("\n");
	}
	return ret == 0;
}

static uint8_t pattern(uint64_t off, unsigned int seed)
{
	return (uint8_t)(off * 7U + (off >> 9) + seed * 29U);
}

/* ---- memory by offset in a vcm_mem ------------------------------------------ */

static volatile uint8_t *byte_at(const struct vcm_mem *mem, uint64_t off)
{
	uint64_t iter = 0, len;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(mem, &iter, &pa, &len) == 0) {
		if (off < len)
			return (volatile uint8_t *)(uintptr_t)(pa + off);
		off -= len;
	}
	return NULL;
}

static void fill(const struct vcm_mem *mem, uint64_t off, uint64_t len, unsigned int seed)
{
	for (uint64_t i = 0; i < len; i++)
		*byte_at(mem, off + i) = pattern(off + i, seed);
}

/*
 * Every byte of @mem: [@win, @win + WIN) holds the pattern of @src_seed
 * taken from offset @src, everything else the pattern of @seed (@win
 * ~0 for no window). Stops at the first mismatch.
 */
static bool check_mem(const struct vcm_mem *mem, uint64_t len, unsigned int seed, uint64_t win,
		      uint64_t src, unsigned int src_seed, const char *what)
{
	for (uint64_t off = 0; off < len; off++) {
		uint8_t want = pattern(off, seed);

		if (off >= win && off - win < WIN)
			want = pattern(src + (off - win), src_seed);
		if (*byte_at(mem, off) != want) {
			bm_puts("  at offset");
			bm_puthex(off);
			bm_puts("\n");
			return check(false, what, *byte_at(mem, off), want);
		}
	}
	return true;
}

/* ---- faults ------------------------------------------------------------------ */

static void on_vtd_fault(void *arg, struct vcm_vtd_dev *vd, const struct vcm_fault *f,
			 unsigned int reason)
{
	(void)arg;
	img.fault = *f;
	img.reason = reason;
	img.fault_edu = NULL;
	for (unsigned int i = 0; i < img.nr_edu; i++) {
		if (img.edu[i].vd != vd)
			continue;
		img.fault_edu = &img.edu[i];
		(void)vcm_dev_fault(img.edu[i].dev, f); /* records it, runs the hook */
	}
	bm_puts("  fault: reason");
	bm_puthex(reason);
	bm_puts(" ");
	bm_puts(vcm_fault_kind_name(f->kind));
	put_kv("da", f->da);
	put_kv("sid", f->stream);
	put_kv("did", f->ctx);
	put_kv("level", (uint64_t)(int64_t)f->level);
	bm_puts(f->access & VCM_ACCESS_WRITE ? " write\n" : " read\n");
}

static int hook(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	struct edu_dev *e = data;

	(void)dev;
	(void)f;
	e->hooks++;
	return VCM_FAULT_TERMINATE;
}

static int poll_faults(void)
{
	img.fault_edu = NULL;
	return vcm_vtd_poll_faults(img.vtd, on_vtd_fault, NULL);
}

/* One DMA by @e, then the fault records: how many faults it raised. */
static int dma(struct edu_dev *e, vcm_da_t da, bool to_ram)
{
	if (!edu_dma(e->bar, da, WIN, to_ram)) {
		check(false, "edu DMA never finished", da, 0);
		return -1;
	}
	return poll_faults();
}

/* A DMA that must go through. */
static bool dma_ok(struct edu_dev *e, vcm_da_t da, bool to_ram)
{
	return check(dma(e, da, to_ram) == 0, to_ram ? "edu write faulted" : "edu read faulted",
		     da, 0);
}

/* The fault the last DMA by @e to @da must have raised. */
static bool check_fault(struct edu_dev *e, int n, vcm_da_t da, enum vcm_fault_kind kind,
			unsigned int access, unsigned int hooks_before)
{
	struct vcm_fault last;
	uint64_t count = 0;
	bool ok = check(n >= 1, "faults recorded", (uint64_t)n, 1);

	ok = ok && check(img.fault_edu == e, "fault's device (sid)", img.fault.stream, e->devfn);
	ok = ok && check(img.fault.kind == kind, "fault kind", img.fault.kind, kind);
	ok = ok && check(img.fault.access == access, "fault access", img.fault.access, access);
	ok = ok && check(img.fault.da == (da & ~UINT64_C(0xfff)), "fault address", img.fault.da,
			 da & ~UINT64_C(0xfff));
	ok = ok && check(img.fault.ctx == vcm_vtd_dev_did(e->vd), "fault domain", img.fault.ctx,
			 vcm_vtd_dev_did(e->vd));
	ok = ok && check(e->hooks > hooks_before, "hook runs", e->hooks, hooks_before + 1U);
	ok = ok && check(vcm_dev_last_fault(e->dev, &last, &count) == 0 && last.da == img.fault.da,
			 "vcm_dev_last_fault", last.da, img.fault.da);
	return ok;
}

/*
 * ---- the backend's ops, with the self-test's skipped invalidation -----------
 * The graph calls tlb_range once per active device of the VCM: edu0 and edu2
 * share domain 1, so either call would flush the other's entries too; the
 * self-test drops every call of one unback.
 */

static void img_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	if (img.skip_armed) {
		bm_puts("  SELFTEST: skipping the IOTLB invalidation of ");
		bm_puthex(da);
		bm_puts("\n");
		return;
	}
	vcm_vtd_dev_ops.tlb_range(ctx, base, da, len, leaf);
}

static struct vcm_dev_ops img_ops;

/*
 * Paging is off, so every physical address is its own CPU pointer: the
 * graph copies memtype memory through this (vcm_migrate()), the backend
 * reads tables through it to decode faults. The arena's own op knows only
 * the arena.
 */
static void *identity_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

/*
 * QEMU's unit reports ECAP.C = 0 (its walks do not snoop the CPU caches), so
 * table and queue writes are flushed to memory, as on such hardware. QEMU
 * models no caches: this cannot fail there, only be skipped.
 */
static void clflush_range(void *ctx, void *cpu, size_t len)
{
	uintptr_t p = (uintptr_t)cpu & ~(uintptr_t)63, end = (uintptr_t)cpu + len;

	(void)ctx;
	for (; p < end; p += 64)
		__asm__ volatile("clflush (%0)" : : "r"(p) : "memory");
	__asm__ volatile("mfence" : : : "memory");
}

/* ---- steps ------------------------------------------------------------------- */

static bool setup(void)
{
	static const struct vcm_phys_range ram = { RAM_PA, RAM_LEN };
	static const struct vcm_phys_memtype_cfg mt = {
		&ram, 1, VCM_PHYS_1MB | VCM_PHYS_64KB | VCM_PHYS_4KB
	};
	struct vcm_vtd_cfg vcfg = { .mmio = { &vcm_mmio_direct, (void *)(uintptr_t)VTD_REGS } };
	struct vcm_sys_cfg scfg = { .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_vtd_stats st;
	struct vcm_diag d = { 0 };
	/* as many levels as the unit takes: CAP.SAGAW bit 2 is 48 bits, bit 1 39 */
	static struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_vtd_ss, .ias = 39 };
	uint32_t devfn[3];
	int ret;

	img.nr_edu = edu_find(devfn, 3);
	if (!check(img.nr_edu == 3, "edu devices on bus 0", img.nr_edu, 3))
		return false;
	if (vcm_plat_arena_init(&img.arena, (void *)(uintptr_t)ARENA_PA, ARENA_PA, ARENA_LEN) != 0)
		return check(false, "arena", 0, 0);
	vcm_plat_arena_ops(&img.arena, &img.plat);
	img.plat.pa_to_cpu = identity_pa_to_cpu;
	img.plat.cache_clean = clflush_range;
	vcfg.plat = &img.plat;
	vcfg.flags = img.reginv ? VCM_VTD_REGISTER_INV : 0U;
	ret = vcm_vtd_init(&vcfg, &img.vtd, &d);
	if (ret != 0) {
		bm_puts(d.msg);
		bm_puts("\n");
		return check(false, "vcm_vtd_init", (uint64_t)-ret, 0);
	}
	vcm_vtd_get_stats(img.vtd, &st);
	bm_puts("VT-d");
	put_kv("ver", st.ver);
	put_kv("cap", st.cap);
	put_kv("ecap", st.ecap);
	bm_puts(st.queued ? " queued invalidation," : " register invalidation,");
	if ((st.cap >> 10 & 1U) != 0U)
		pt.ias = 48;
	bm_puts(pt.ias == 48U ? " 4 levels\n" : " 3 levels\n");
	scfg.plat = &img.plat;
	ret = vcm_sys_create(&scfg, &img.sys, &d);
	if (ret != 0) {
		bm_puts(d.msg);
		bm_puts("\n");
		return check(false, "vcm_sys_create", (uint64_t)-ret, 0);
	}
	img_ops = vcm_vtd_dev_ops;
	img_ops.tlb_range = img_tlb_range;
	for (unsigned int i = 0; i < img.nr_edu; i++) {
		static const char *const names[3] = { "edu0", "edu1", "edu2" };
		/* edu2 shares VCM A with edu0, so it shares its domain id */
		static const uint16_t did[3] = { 1, 2, 1 };
		struct edu_dev *e = &img.edu[i];
		struct vcm_dev_cfg dc = { .name = names[i], .mapper = &vcm_mapper_pt,
					  .mapper_cfg = &pt, .nr_bases = 1, .ops = &img_ops };
		/* bus 0: the requester id is the devfn; one domain per VCM */
		uint16_t sid = VCM_VTD_SID(0, devfn[i] >> 3, devfn[i] & 7U);

		e->devfn = devfn[i];
		e->bar = edu_bar(devfn[i]);
		if (!check_call(vcm_vtd_dev_create(img.vtd, sid, did[i], &e->vd),
				"vcm_vtd_dev_create"))
			return false;
		dc.ctx = e->vd;
		if (!check_call(vcm_dev_register(img.sys, &dc, &e->dev), "vcm_dev_register") ||
		    !check_call(vcm_hook(e->dev, hook, e), "vcm_hook"))
			return false;
	}
	return true;
}

static void step1(void)
{
	vcm_pa_t t0 = 0, t2 = 1;

	for (unsigned int i = 0; i < img.nr_edu; i++) {
		struct edu_dev *e = &img.edu[i];

		/* edu0 and edu1 each in a VCM of their own; edu2 in edu0's */
		if (i == 2U)
			e->vcm = img.edu[0].vcm;
		else if (!check_call(vcm_create(img.sys, VCM_START, VCM_LEN, &e->vcm),
				     "vcm_create"))
			return;
		if (!check_call(vcm_assoc(e->vcm, e->dev, 0, &e->av), "vcm_assoc") ||
		    !check_call(vcm_activate(e->av), "vcm_activate"))
			return;
		bm_puts("  ");
		bm_puts(vcm_dev_name(e->dev));
		put_kv("devfn", e->devfn);
		put_kv("did", vcm_vtd_dev_did(e->vd));
		put_kv("bar", e->bar);
		bm_puts("\n");
	}
	/* one table for the two devices of VCM A */
	if (check_call(vcm_get_pgtbl_pa(img.edu[0].vcm, img.edu[0].dev, &t0), "vcm_get_pgtbl_pa") &&
	    check_call(vcm_get_pgtbl_pa(img.edu[2].vcm, img.edu[2].dev, &t2), "vcm_get_pgtbl_pa"))
		check(t0 == t2, "edu2's table is edu0's", t2, t0);
	/* nothing backed: edu0's read walks its (empty) table and faults there */
	check(dma(&img.edu[0], VCM_START, false) >= 1 && img.reason == 6U,
	      "DMA before backing faults with reason 6 (read, no R)", img.reason, 6);
}

static void step2(void)
{
	uint64_t iter = 0, len, off = 0, bounds[4];
	unsigned int nr_bounds = 0, sizes = 0;
	struct edu_dev *e = &img.edu[0];
	vcm_pa_t pa;

	if (!check_call(vcm_alloc(img.sys, 0, BUF_LEN, 0, &img.mem0), "vcm_alloc") ||
	    !check_call(vcm_reserve(e->vcm, BUF_LEN, 0, RW, &img.res0), "vcm_reserve") ||
	    !check_call(vcm_back(img.res0, img.mem0), "vcm_back"))
		return;
	img.da0 = vcm_get_dev_addr(img.res0);
	while (vcm_mem_next_chunk(img.mem0, &iter, &pa, &len) == 0) {
		bm_puts("  chunk");
		put_kv("off", off);
		put_kv("pa", pa);
		put_kv("len", len);
		bm_puts("\n");
		sizes |= len == 0x100000U ? 1U : len == 0x10000U ? 2U : len == 0x1000U ? 4U : 8U;
		off += len;
		if (off < BUF_LEN && nr_bounds < 4U)
			bounds[nr_bounds++] = off;
	}
	if (!check(sizes == 7U && nr_bounds == 2U, "chunks of 1M, 64K and 4K", sizes, 7) ||
	    !check(vcm_get_res_len(img.res0) == BUF_LEN, "reservation length",
		   vcm_get_res_len(img.res0), BUF_LEN))
		return;
	img.w1 = bounds[0] - WIN / 2U;
	img.w2 = bounds[1] - WIN / 2U;
	put_kv("  da", img.da0);
	put_kv("window1", img.da0 + img.w1);
	put_kv("window2", img.da0 + img.w2);
	bm_puts("\n");
	/* window 1 -> edu -> window 2 */
	fill(img.mem0, 0, BUF_LEN, 1);
	if (!dma_ok(e, img.da0 + img.w1, false) || !dma_ok(e, img.da0 + img.w2, true))
		return;
	if (!check_mem(img.mem0, BUF_LEN, 1, img.w2, img.w1, 1, "bytes after window 1 -> 2"))
		return;
	/* edu2, through the same table: window 1 -> edu2 -> window 2 */
	fill(img.mem0, 0, BUF_LEN, 8);
	if (!dma_ok(&img.edu[2], img.da0 + img.w1, false) ||
	    !dma_ok(&img.edu[2], img.da0 + img.w2, true))
		return;
	if (!check_mem(img.mem0, BUF_LEN, 8, img.w2, img.w1, 8, "bytes after edu2's copy"))
		return;
	/* and back by edu0: window 2 -> edu -> window 1 */
	fill(img.mem0, 0, BUF_LEN, 2);
	if (!dma_ok(e, img.da0 + img.w2, false) || !dma_ok(e, img.da0 + img.w1, true))
		return;
	check_mem(img.mem0, BUF_LEN, 2, img.w1, img.w2, 2, "bytes after window 2 -> 1");
}

static void step3(void)
{
	struct edu_dev *e = &img.edu[0];
	unsigned int hooks = e->hooks;
	vcm_da_t da = img.da0 + img.w1;
	int n;

	if (img.res0 == NULL)
		return (void)check(false, "step 2 left no reservation", 0, 0);
	/* bytes unlike edu's buffer (window 2's), so a write that lands shows */
	fill(img.mem0, 0, BUF_LEN, 7);
	for (unsigned int i = 0; i < WIN; i++)
		img.snap[i] = *byte_at(img.mem0, img.w1 + i);
	img.skip_armed = img.selftest;
	if (!check_call(vcm_unback(img.res0), "vcm_unback"))
		return;
	img.skip_armed = false;
	/* edu's buffer still holds window 2's bytes: write them to the old address */
	n = dma(e, da, true);
	check_fault(e, n, da, VCM_FAULT_TRANSLATION, VCM_ACCESS_WRITE, hooks);
	for (unsigned int i = 0; i < WIN; i++)
		if (!check(*byte_at(img.mem0, img.w1 + i) == img.snap[i], "old byte changed",
			   img.w1 + i, img.snap[i]))
			break;
	/* a read of the old address faults too */
	n = dma(e, da, false);
	check(n >= 1 && img.fault.kind == VCM_FAULT_TRANSLATION &&
	      img.fault.access == VCM_ACCESS_READ, "read of the old address faults",
	      (uint64_t)n, 1);
	check_call(vcm_back(img.res0, img.mem0), "vcm_back again");
}

static void step4(void)
{
	struct edu_dev *e = &img.edu[0];
	vcm_pa_t old_pa[8], pa;
	uint64_t old_len[8], iter = 0, len;
	unsigned int nr_old = 0;

	if (img.res0 == NULL || vcm_get_physmem_from_res(img.res0) != img.mem0)
		return (void)check(false, "step 2 left no backed reservation", 0, 0);
	fill(img.mem0, 0, BUF_LEN, 3);
	while (nr_old < 8U && vcm_mem_next_chunk(img.mem0, &iter, &old_pa[nr_old],
						 &old_len[nr_old]) == 0)
		nr_old++;
	if (!check_call(vcm_migrate(img.sys, img.mem0), "vcm_migrate"))
		return;
	iter = 0;
	while (vcm_mem_next_chunk(img.mem0, &iter, &pa, &len) == 0) {
		bm_puts("  new chunk");
		put_kv("pa", pa);
		put_kv("len", len);
		bm_puts("\n");
		for (unsigned int i = 0; i < nr_old; i++)
			if (!check(pa + len <= old_pa[i] || old_pa[i] + old_len[i] <= pa,
				   "new memory overlaps the old", pa, old_pa[i]))
				return;
	}
	if (!check_mem(img.mem0, BUF_LEN, 3, ~UINT64_C(0), 0, 0, "bytes moved by vcm_migrate"))
		return;
	/* the old memory: a sentinel that DMA must leave alone */
	for (unsigned int i = 0; i < nr_old; i++)
		for (uint64_t b = 0; b < old_len[i]; b++)
			*(volatile uint8_t *)(uintptr_t)(old_pa[i] + b) = 0xee;
	fill(img.mem0, img.w2, WIN, 4);
	if (!dma_ok(e, img.da0 + img.w2, false) || !dma_ok(e, img.da0 + img.w1, true))
		return;
	/* window 1 got window 2's new bytes: edu read and wrote the new memory */
	for (uint64_t off = 0; off < BUF_LEN; off++) {
		uint8_t want = pattern(off, 3);

		if (off >= img.w2 && off - img.w2 < WIN)
			want = pattern(off, 4);
		else if (off >= img.w1 && off - img.w1 < WIN)
			want = pattern(img.w2 + (off - img.w1), 4);
		if (!check(*byte_at(img.mem0, off) == want, "new memory byte", off, want))
			return;
	}
	for (unsigned int i = 0; i < nr_old; i++)
		for (uint64_t b = 0; b < old_len[i]; b++)
			if (!check(*(volatile uint8_t *)(uintptr_t)(old_pa[i] + b) == 0xee,
				   "old memory touched at", old_pa[i] + b, 0xee))
				return;
}

static void step5(void)
{
	struct edu_dev *e0 = &img.edu[0], *e1 = &img.edu[1];
	unsigned int hooks0 = e0->hooks, hooks1 = e1->hooks;
	struct vcm_mem *mem;
	struct vcm_res *res;
	vcm_da_t da = img.da0 + img.w1, own;
	int n;

	if (img.res0 == NULL || img.mem0 == NULL)
		return (void)check(false, "no buffer of edu0", 0, 0);
	/* edu1's own buffer, in its own VCM, away from edu0's device addresses */
	if (!check_call(vcm_alloc(img.sys, 0, 0x10000, 0, &mem), "vcm_alloc") ||
	    !check_call(vcm_reserve_at(e1->vcm, img.da0 + 0x1000000U, 0x10000, RW, &res),
			"vcm_reserve_at") ||
	    !check_call(vcm_back(res, mem), "vcm_back"))
		return;
	own = vcm_get_dev_addr(res);
	fill(mem, 0, 0x10000, 5);
	if (!dma_ok(e1, own, false) || !dma_ok(e1, own + 0x8000U, true))
		return;
	if (!check_mem(mem, 0x10000, 5, 0x8000, 0, 5, "edu1's own buffer"))
		return;
	for (unsigned int i = 0; i < WIN; i++)
		img.snap[i] = *byte_at(img.mem0, img.w1 + i);
	if (img.selftest) {
		/* a wrong context entry: edu1 (domain 2) walks VCM A's table */
		struct vcm_hw_regs hw;

		bm_puts("  SELFTEST: edu1's context entry gets VCM A's table\n");
		if (!check_call(vcm_get_hw(e0->vcm, e0->dev, &hw), "vcm_get_hw") ||
		    !check_call(vcm_vtd_dev_ops.program(e1->vd, VCM_BASE_LOW, &hw), "program"))
			return;
	}
	/* edu0's device address, from edu1 */
	n = dma(e1, da, true);
	check_fault(e1, n, da, VCM_FAULT_TRANSLATION, VCM_ACCESS_WRITE, hooks1);
	check(e0->hooks == hooks0, "edu0's hook stays quiet", e0->hooks, hooks0);
	for (unsigned int i = 0; i < WIN; i++)
		if (!check(*byte_at(img.mem0, img.w1 + i) == img.snap[i], "edu0's byte changed",
			   img.w1 + i, img.snap[i]))
			break;
}

static void step6(void)
{
	struct edu_dev *e = &img.edu[0];
	unsigned int hooks = e->hooks;
	struct vcm_mem *mem;
	struct vcm_res *res;
	vcm_da_t da;
	int n;

	if (!check_call(vcm_alloc(img.sys, 0, 0x10000, 0, &mem), "vcm_alloc") ||
	    !check_call(vcm_reserve(e->vcm, 0x10000, 0, VCM_PT_PROT_READ, &res), "vcm_reserve") ||
	    !check_call(vcm_back(res, mem), "vcm_back"))
		return;
	da = vcm_get_dev_addr(res) + 0x2000U;
	fill(mem, 0, 0x10000, 6);
	/*
	 * The write first: QEMU records a fault only when it walks the table, and
	 * a write that hits a read-only IOTLB entry left by a read fails silently.
	 */
	n = dma(e, da, true);
	check_fault(e, n, da, VCM_FAULT_PERMISSION, VCM_ACCESS_WRITE, hooks);
	check(img.fault.level == 1, "fault level (SS-PTE)", (uint64_t)(int64_t)img.fault.level, 1);
	if (!check_mem(mem, 0x10000, 6, ~UINT64_C(0), 0, 0, "read-only memory after the write"))
		return;
	/* the read goes through: its bytes land in edu0's writable buffer */
	if (img.res0 == NULL || !dma_ok(e, da, false) || !dma_ok(e, img.da0 + img.w2, true))
		return;
	for (unsigned int i = 0; i < WIN; i++)
		if (!check(*byte_at(img.mem0, img.w2 + i) == pattern(0x2000U + i, 6),
			   "byte read from the read-only buffer", img.w2 + i,
			   pattern(0x2000U + i, 6)))
			return;
}

/*
 * Is @word one of the words QEMU passed after the kernel's path (-append)?
 * The path itself is skipped: it may contain anything.
 */
static bool has_word(uint32_t magic, const uint32_t *info, const char *word)
{
	const char *s;

	if (magic != 0x2badb002U || (info[0] & (1U << 2)) == 0U)
		return false;
	s = (const char *)(uintptr_t)info[4];
	while (*s != '\0' && *s != ' ')
		s++;
	while (*s != '\0') {
		unsigned int i = 0;

		while (*s == ' ')
			s++;
		while (word[i] != '\0' && s[i] == word[i])
			i++;
		if (word[i] == '\0' && (s[i] == ' ' || s[i] == '\0'))
			return true;
		while (*s != '\0' && *s != ' ')
			s++;
	}
	return false;
}

void __attribute__((noreturn)) vtd_graph_main(uint32_t magic, const uint32_t *info);

void __attribute__((noreturn)) vtd_graph_main(uint32_t magic, const uint32_t *info)
{
	static void (*const steps[6])(void) = { step1, step2, step3, step4, step5, step6 };
	static const char *const names[6] = {
		"memtypes, VCMs, associate and activate",
		"back 1M/64K/4K chunks, DMA across chunk boundaries",
		"unback: DMA to the old address faults",
		"migrate: DMA reaches the new memory only",
		"isolation: edu1 into edu0's buffer faults",
		"read-only reservation: device write faults",
	};
	struct vcm_vtd_stats st;
	unsigned int mask = 0;

	img.selftest = has_word(magic, info, "selftest");
	img.reginv = has_word(magic, info, "reginv");
	bm_puts(img.selftest ? "vcmm VT-d graph image (selftest)\n" : "vcmm VT-d graph image\n");
	if (!setup()) {
		bm_puts("SETUP FAIL\n");
		outb(0xf4, 0x7e);
	}
	for (unsigned int i = 0; i < 6U; i++) {
		unsigned int before = img.fails;

		steps[i]();
		bm_puts("STEP ");
		bm_putdec(i + 1U);
		bm_puts(" ");
		bm_puts(names[i]);
		bm_puts(img.fails == before ? ": ok\n" : ": FAIL\n");
		if (img.fails != before)
			mask |= 1U << (i + 1U);
	}
	vcm_vtd_get_stats(img.vtd, &st);
	bm_puts("VT-d");
	put_kv("descs", st.descs);
	put_kv("waits", st.waits);
	put_kv("psi", st.psi);
	put_kv("dsi", st.dsi);
	put_kv("faults", st.faults);
	put_kv("lost", st.lost);
	put_kv("errors", st.errors);
	bm_puts("\n");
	if (img.selftest)
		bm_puts((mask & (1U << 3 | 1U << 5)) == (1U << 3 | 1U << 5)
				? "SELFTEST steps 3 and 5 failed, as they must\n"
				: "SELFTEST a sabotaged step passed: its check is blind\n");
	bm_puts(mask == 0U ? "RESULT all steps ok\n" : "RESULT some steps failed\n");
	outb(0xf4, (uint8_t)mask);
	for (;;)
		__asm__ volatile("cli; hlt");
}
