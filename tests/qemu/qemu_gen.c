// SPDX-License-Identifier: MIT
/*
 * Conformance of our page tables against QEMU's MMU. For each configuration of
 * a format family this program builds a table in an arena placed at
 * VQ_TABLES_PA, applies a random sequence of maps and partial unmaps (mirrored
 * in the reference range model, which alone supplies the expected answers),
 * picks vectors (inside mappings, at their edges, in holes, anywhere in the
 * input range, the last page of it), writes tables.bin and vectors.bin, and
 * runs the bare-metal harness under QEMU, which translates each vector with
 * the CPU's own AT operations and counts mismatches.
 *
 * Usage: vcm_qemu_gen --family armv7s|armv8_s1|armv8_s2|riscv|riscv_g|riscv32
 *        --workdir DIR --harness-a64 ELF --harness-a32 ELF --qemu-a64 BIN
 *        --qemu-a32 BIN [--harness-rv ELF --qemu-rv BIN]
 *        [--harness-rv32 ELF --qemu-rv32 BIN] [--selftest]
 * Environment: VCM_QEMU_SEED (base seed; a config uses base + a hash of its name),
 *              VCM_QEMU_ONLY (run only configs whose name contains it),
 *              VCM_QEMU_VECTORS (vectors per config, default 4000).
 * --selftest corrupts one expectation in 50 (wrong output page, a denied
 * access allowed, an allowed one denied, a mapping called unmapped) and passes
 * only when the harness reports at least that many mismatches: a check that
 * cannot fail proves nothing.
 *
 * RISC-V (family riscv, harness_rv.c) has no translate instruction: the
 * harness loads and stores through the MMU and checks the loaded word, which
 * it has tagged with its own physical address. So every output address a
 * vector reaches must be RAM the harness may write: leaves up to 1 GiB get
 * output addresses in the tag window (vectors.h), larger ones output address
 * 0 (their range covers the window), and a vector inside a mapping is moved
 * to where the mapping's output lies in the window.
 * Family riscv_g runs the G-stage tables (Sv39x4, Sv48x4, Sv57x4) the same
 * way, the harness's accesses made as VS-mode accesses under hgatp with a
 * Bare VS-stage; family riscv32 runs Sv32 and Sv32x4 on qemu-system-riscv32 with the
 * harness built for RV32, its tag window below 4 GiB (vectors.h).
 *
 * Not a goal: memory attributes, execute permission, TLB maintenance (QEMU
 * keeps no stale entries), Secure state. vcm_pt_lookup is never used for an
 * expected value; map/unmap return values are cross-checked with the model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include "model/range_model.h"
#include "gen_common.h"
#include "vectors.h"

struct qcfg {
	const char *name;
	const char *family;
	const struct vcm_pt_fmt *fmt;
	unsigned int ias, oas, granule_lg2;
	uint32_t flags;
};

/*
 * Output sizes stay at 44 bits or less: cortex-a57's PARange is 44 bits, and a
 * stage 1 output or stage 2 input above it is an address size fault.
 */
static const struct qcfg configs[] = {
	{ "armv7s-32", "armv7s", &vcm_pt_fmt_armv7s, 32, 32, 12, 0 },
	{ "armv7s-28", "armv7s", &vcm_pt_fmt_armv7s, 28, 32, 12, 0 },
	/* COHERENT sets the walk cacheability and shareability fields of TTBR0/TCR */
	{ "armv7s-32c", "armv7s", &vcm_pt_fmt_armv7s, 32, 32, 12, VCM_PT_CFG_COHERENT },
	{ "s1-4k-48", "armv8_s1", &vcm_pt_fmt_armv8, 48, 44, 12, 0 },
	{ "s1-4k-39", "armv8_s1", &vcm_pt_fmt_armv8, 39, 40, 12, 0 },
	{ "s1-4k-36", "armv8_s1", &vcm_pt_fmt_armv8, 36, 36, 12, 0 },
	{ "s1-4k-32", "armv8_s1", &vcm_pt_fmt_armv8, 32, 32, 12, 0 },
	{ "s1-16k-48", "armv8_s1", &vcm_pt_fmt_armv8, 48, 44, 14, 0 },
	{ "s1-16k-40", "armv8_s1", &vcm_pt_fmt_armv8, 40, 40, 14, 0 },
	{ "s1-16k-42", "armv8_s1", &vcm_pt_fmt_armv8, 42, 42, 14, 0 },
	{ "s1-16k-32", "armv8_s1", &vcm_pt_fmt_armv8, 32, 36, 14, 0 },
	{ "s1-64k-48", "armv8_s1", &vcm_pt_fmt_armv8, 48, 44, 16, 0 },
	{ "s1-64k-42", "armv8_s1", &vcm_pt_fmt_armv8, 42, 42, 16, 0 },
	{ "s1-64k-36", "armv8_s1", &vcm_pt_fmt_armv8, 36, 40, 16, 0 },
	{ "s1-64k-32", "armv8_s1", &vcm_pt_fmt_armv8, 32, 32, 16, 0 },
	{ "s1-4k-48c", "armv8_s1", &vcm_pt_fmt_armv8, 48, 44, 12, VCM_PT_CFG_COHERENT },
	{ "s2-4k-40", "armv8_s2", &vcm_pt_fmt_armv8, 40, 40, 12, VCM_PT_CFG_STAGE2 },
	{ "s2-4k-44", "armv8_s2", &vcm_pt_fmt_armv8, 44, 44, 12, VCM_PT_CFG_STAGE2 },
	{ "s2-4k-42", "armv8_s2", &vcm_pt_fmt_armv8, 42, 44, 12, VCM_PT_CFG_STAGE2 },
	{ "s2-4k-33", "armv8_s2", &vcm_pt_fmt_armv8, 33, 36, 12, VCM_PT_CFG_STAGE2 },
	{ "s2-4k-32", "armv8_s2", &vcm_pt_fmt_armv8, 32, 32, 12, VCM_PT_CFG_STAGE2 },
	{ "s2-16k-40", "armv8_s2", &vcm_pt_fmt_armv8, 40, 42, 14, VCM_PT_CFG_STAGE2 },
	{ "s2-16k-36", "armv8_s2", &vcm_pt_fmt_armv8, 36, 36, 14, VCM_PT_CFG_STAGE2 },
	{ "s2-16k-44", "armv8_s2", &vcm_pt_fmt_armv8, 44, 44, 14, VCM_PT_CFG_STAGE2 },
	{ "s2-64k-44", "armv8_s2", &vcm_pt_fmt_armv8, 44, 44, 16, VCM_PT_CFG_STAGE2 },
	{ "s2-64k-40", "armv8_s2", &vcm_pt_fmt_armv8, 40, 40, 16, VCM_PT_CFG_STAGE2 },
	{ "s2-64k-32", "armv8_s2", &vcm_pt_fmt_armv8, 32, 32, 16, VCM_PT_CFG_STAGE2 },
	{ "s2-16k-40c", "armv8_s2", &vcm_pt_fmt_armv8, 40, 42, 14,
	  VCM_PT_CFG_STAGE2 | VCM_PT_CFG_COHERENT },
	/* RISC-V: QEMU 7.2's rv64 has Sv39, Sv48 and Sv57; Svnapot, Svpbmt as CPU options */
	{ "rv-sv39", "riscv", &vcm_pt_fmt_riscv, 39, 56, 12, 0 },
	{ "rv-sv39-40", "riscv", &vcm_pt_fmt_riscv, 39, 40, 12, 0 },
	{ "rv-sv48", "riscv", &vcm_pt_fmt_riscv, 48, 56, 12, 0 },
	{ "rv-sv57", "riscv", &vcm_pt_fmt_riscv, 57, 56, 12, 0 },
	{ "rv-sv39-napot", "riscv", &vcm_pt_fmt_riscv, 39, 56, 12, VCM_PT_CFG_RISCV_SVNAPOT },
	{ "rv-sv48-napot", "riscv", &vcm_pt_fmt_riscv, 48, 56, 12, VCM_PT_CFG_RISCV_SVNAPOT },
	{ "rv-sv57-napot-pbmt", "riscv", &vcm_pt_fmt_riscv, 57, 56, 12,
	  VCM_PT_CFG_RISCV_SVNAPOT | VCM_PT_CFG_RISCV_SVPBMT },
	{ "rv-sv48-pbmt", "riscv", &vcm_pt_fmt_riscv, 48, 56, 12, VCM_PT_CFG_RISCV_SVPBMT },
	/* The G-stage: QEMU 7.2's rv64 with h=true walks hgatp's Sv39x4/Sv48x4/Sv57x4 */
	{ "rv-sv39x4", "riscv_g", &vcm_pt_fmt_riscv, 41, 56, 12, VCM_PT_CFG_STAGE2 },
	{ "rv-sv39x4-40", "riscv_g", &vcm_pt_fmt_riscv, 41, 40, 12, VCM_PT_CFG_STAGE2 },
	{ "rv-sv48x4", "riscv_g", &vcm_pt_fmt_riscv, 50, 56, 12, VCM_PT_CFG_STAGE2 },
	{ "rv-sv57x4", "riscv_g", &vcm_pt_fmt_riscv, 59, 56, 12, VCM_PT_CFG_STAGE2 },
	{ "rv-sv48x4-napot-pbmt", "riscv_g", &vcm_pt_fmt_riscv, 50, 56, 12,
	  VCM_PT_CFG_STAGE2 | VCM_PT_CFG_RISCV_SVNAPOT | VCM_PT_CFG_RISCV_SVPBMT },
	/* Sv32 on qemu-system-riscv32: 34-bit and 32-bit output sizes */
	{ "rv32-sv32", "riscv32", &vcm_pt_fmt_riscv32, 32, 34, 12, 0 },
	{ "rv32-sv32-32", "riscv32", &vcm_pt_fmt_riscv32, 32, 32, 12, 0 },
	/* Sv32x4 on rv32,h=true: an RV32 guest physical address has 32 bits (see run_config) */
	{ "rv32-sv32x4", "riscv32", &vcm_pt_fmt_riscv32, 34, 34, 12, VCM_PT_CFG_STAGE2 },
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

#define PARANGE_BITS 44U /* cortex-a57 ID_AA64MMFR0_EL1.PARange = 0b0100 */
#define NMAPS 140U
#define NUNMAPS 60U
#define NREGIONS 5U

struct opts {
	const char *family, *workdir, *harness_a64, *harness_a32, *qemu_a64, *qemu_a32;
	const char *harness_rv, *qemu_rv, *harness_rv32, *qemu_rv32;
	bool selftest;
};

static uint64_t space_of(unsigned int bits)
{
	return UINT64_C(1) << bits;
}

/* Per-config state. */
struct run {
	const struct qcfg *c;
	struct gen_check k; /* the table, the model, counts */
	uint64_t g;              /* granule bytes */
	uint64_t space, ospace;  /* input and output space sizes */
	uint64_t sizes[16];      /* leaf sizes, ascending */
	unsigned int nsizes;
	uint64_t region_size;
	uint64_t region[NREGIONS];
	struct vq_vec *vec;
	uint32_t nvec, cap, mapped;
};

/* Leaf sizes of the table that fit in a quarter of the input space. */
static void collect_sizes(struct run *r)
{
	uint64_t bm = vcm_pt_page_sizes(r->k.pt);

	r->nsizes = 0;
	for (unsigned int b = 0; b < 64U; b++)
		if ((bm & (UINT64_C(1) << b)) != 0U && (UINT64_C(1) << b) <= r->space / 4U &&
		    r->nsizes < 16U)
			r->sizes[r->nsizes++] = UINT64_C(1) << b;
}

/*
 * A few regions keep the number of tables bounded: region 0 starts at 0, region
 * 1 ends at the top of the input space (so its last page gets mapped), the
 * rest are random. Each is 32 of the largest leaf, or half the space.
 */
static void pick_regions(struct run *r)
{
	uint64_t rs = r->sizes[r->nsizes - 1U] * 32U;

	if (rs > r->space / 2U)
		rs = r->space / 2U;
	r->region_size = rs;
	r->region[0] = 0;
	r->region[1] = r->space - rs;
	for (unsigned int i = 2; i < NREGIONS; i++)
		r->region[i] = gen_rnd_below(r->space / rs) * rs;
}

/* ---- RISC-V: output addresses the harness can tag -------------------------- */

static bool is_rv(const struct run *r)
{
	return r->c->fmt == &vcm_pt_fmt_riscv || r->c->fmt == &vcm_pt_fmt_riscv32;
}

static bool is_rv32(const struct run *r)
{
	return r->c->fmt == &vcm_pt_fmt_riscv32;
}

/* The tag window of the harness image this run uses (vectors.h). */
static uint64_t rv_window_pa(const struct run *r)
{
	return is_rv32(r) ? VQ_RV32_WINDOW_PA : VQ_RV_WINDOW_PA;
}

static uint64_t rv_window_len(const struct run *r)
{
	return is_rv32(r) ? VQ_RV32_WINDOW_LEN : VQ_RV_WINDOW_LEN;
}

/*
 * An output address for a map of @len bytes aligned to @s: in the tag window
 * for leaves the window holds, else 0 (a 512 GiB or larger leaf at 0 covers
 * the window). Misaligned now and then, as for the Arm families.
 */
static uint64_t rv_pick_pa(const struct run *r, uint64_t s, uint64_t len)
{
	uint64_t room = rv_window_len(r) - 3U * r->g;
	uint64_t pa;

	if (s > rv_window_len(r) / 4U || len > room)
		return 0;
	pa = rv_window_pa(r) + gen_rnd_below((room - len) / s + 1U) * s;
	if ((gen_rnd() % 5U) == 0U && len / r->g <= 8192U)
		pa += r->g * gen_rnd_below(4);
	return pa;
}

/*
 * Move @va (inside @m) to where @m's output lies in the tag window: the
 * harness touches what it translates to. False when @m misses the window.
 */
static bool rv_steer(const struct run *r, const struct model_map *m, uint64_t *va)
{
	const uint64_t wpa = rv_window_pa(r), wlen = rv_window_len(r);
	uint64_t pa = m->pa + (*va - m->da), lo, hi;

	if (pa >= wpa && pa - wpa < wlen)
		return true;
	lo = m->pa > wpa ? m->pa : wpa;
	hi = m->pa + (m->len - 1U) < wpa + (wlen - 1U) ? m->pa + (m->len - 1U) : wpa + (wlen - 1U);
	if (lo > hi)
		return false;
	*va = m->da + (lo + gen_rnd_below(hi - lo + 1U) - m->pa);
	return true;
}

static unsigned int random_prot(const struct run *r)
{
	unsigned int prot = VCM_PT_PROT_READ;

	if (gen_rnd() & 1U)
		prot |= VCM_PT_PROT_WRITE;
	if ((gen_rnd() & 3U) == 0U)
		prot |= VCM_PT_PROT_EXEC;
	if ((r->c->flags & VCM_PT_CFG_STAGE2) == 0U && (gen_rnd() % 3U) == 0U)
		prot |= VCM_PT_PROT_USER;
	if (is_rv(r) && (r->c->flags & VCM_PT_CFG_STAGE2) == 0U && (gen_rnd() % 4U) == 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	/* Svpbmt: QEMU accepts PBMT NC and IO only with svpbmt=on */
	if (is_rv(r) && (r->c->flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U) {
		switch (gen_rnd() % 4U) {
		case 0:
			prot |= VCM_PT_PROT_DEVICE;
			break;
		case 1:
			prot |= VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
				VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC);
			break;
		default:
			break;
		}
	}
	return prot;
}

static void do_map(struct run *r)
{
	/* Favour small leaves but give every size its turn. */
	unsigned int si = (unsigned int)gen_rnd_below(r->nsizes);
	uint64_t s = r->sizes[(gen_rnd() & 1U) ? si : (unsigned int)gen_rnd_below(si + 1U)];
	uint64_t len = s * (1U + gen_rnd_below(3)), da, pa, base;
	unsigned int prot = random_prot(r);

	/* Sometimes ragged ends, so one map call mixes leaf sizes. */
	if ((gen_rnd() % 3U) == 0U)
		len += r->g * gen_rnd_below(4);
	if (len > r->region_size)
		len = r->region_size;
	base = r->region[gen_rnd_below(NREGIONS)];
	da = base + gen_rnd_below((r->region_size - len) / s + 1U) * s;
	/* Misaligned input forces smaller leaves; not on huge maps (table memory). */
	if ((gen_rnd() % 4U) == 0U && len / r->g <= 8192U &&
	    da + len + r->g * 3U <= base + r->region_size)
		da += r->g * gen_rnd_below(4);
	/* The region at the top: end exactly at the last page now and then. */
	if (base == r->region[1] && (gen_rnd() % 4U) == 0U)
		da = r->space - len;
	pa = gen_rnd_below((r->ospace - len) / s + 1U) * s;
	/* Misaligned output forces smaller leaves; not on huge maps (table memory). */
	if ((gen_rnd() % 5U) == 0U && len / r->g <= 8192U && pa + len + r->g * 3U <= r->ospace)
		pa += r->g * gen_rnd_below(4);
	if (is_rv(r))
		pa = rv_pick_pa(r, s, len);

	gen_check_map(&r->k, da, pa, len, prot);
}

static void do_unmap(struct run *r)
{
	uint64_t da, len;

	if (r->k.md.n != 0U && (gen_rnd() % 8U) != 0U) {
		const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];
		uint64_t pages = m->len / r->g;
		uint64_t first = gen_rnd_below(pages), n;

		switch (gen_rnd() % 4U) {
		case 0: /* one page in the middle: splits whatever block holds it */
			n = 1;
			break;
		case 1: /* the head */
			first = 0;
			n = 1 + gen_rnd_below(pages);
			break;
		case 2: /* across the end into whatever follows */
			n = 1 + gen_rnd_below(pages * 2U);
			break;
		default:
			n = 1 + gen_rnd_below(pages - first);
			break;
		}
		da = m->da + first * r->g;
		len = n * r->g;
		if (len > r->space - da)
			len = r->space - da;
	} else {
		/* anywhere in a region, holes included */
		uint64_t base = r->region[gen_rnd_below(NREGIONS)];

		len = r->g * (1U + gen_rnd_below(64));
		da = base + gen_rnd_below((r->region_size - len) / r->g + 1U) * r->g;
	}
	gen_check_unmap(&r->k, da, len);
}

static void add_vec(struct run *r, uint64_t va)
{
	const struct model_map *m;
	struct vq_vec *v;
	bool s2 = (r->c->flags & VCM_PT_CFG_STAGE2) != 0U;

	if (r->nvec == r->cap)
		return;
	m = va < r->space ? model_lookup(&r->k.md, va) : NULL;
	if (m != NULL && is_rv(r) && !rv_steer(r, m, &va))
		return;
	v = &r->vec[r->nvec++];
	memset(v, 0, sizeof(*v));
	v->va = va;
	if (m == NULL)
		return;
	v->pa = m->pa + (va - m->da);
	v->expect = VQ_PRIV_R;
	if ((m->prot & VCM_PT_PROT_WRITE) != 0U)
		v->expect |= VQ_PRIV_W;
	if (!s2 && (m->prot & VCM_PT_PROT_USER) != 0U)
		v->expect |= VQ_USER_R | ((m->prot & VCM_PT_PROT_WRITE) ? VQ_USER_W : 0U);
}

static void make_vectors(struct run *r, uint32_t want)
{
	uint64_t top = r->space;

	r->cap = want;
	r->nvec = 0;
	r->vec = calloc(want, sizeof(*r->vec));
	if (r->vec == NULL)
		abort();
	/* The corners of the input range, and just beyond it. */
	add_vec(r, 0);
	add_vec(r, top - 1U);
	add_vec(r, top - r->g);
	add_vec(r, top - r->g + gen_rnd_below(r->g));
	if (r->c->fmt == &vcm_pt_fmt_armv8 && (r->c->flags & VCM_PT_CFG_STAGE2) == 0U) {
		if (r->c->ias < 48U)
			add_vec(r, top);
		add_vec(r, UINT64_C(0xfffffffffffff000)); /* TTBR1 half, disabled by EPD1 */
	} else if (r->c->fmt == &vcm_pt_fmt_armv8) {
		if (r->c->ias < PARANGE_BITS)
			add_vec(r, top + gen_rnd_below(space_of(PARANGE_BITS) - top));
	} else if (is_rv(r) && !is_rv32(r) && (r->c->flags & VCM_PT_CFG_STAGE2) != 0U) {
		/* a guest physical address with a bit set above the input: guest-page fault */
		add_vec(r, top);
		add_vec(r, top + gen_rnd_below(top));
	} else if (!is_rv(r) && r->c->ias < 32U) {
		add_vec(r, top + gen_rnd_below(space_of(32) - top)); /* TTBR1: empty */
	}
	/* Each mapping: both ends, just outside them, one inside. */
	for (size_t i = 0; i < r->k.md.n && r->nvec + 5U <= r->cap / 2U; i++) {
		const struct model_map *m = &r->k.md.m[i];

		add_vec(r, m->da + gen_rnd_below(r->g));
		add_vec(r, m->da + m->len - 1U - gen_rnd_below(r->g));
		add_vec(r, m->da + gen_rnd_below(m->len));
		if (m->da != 0U)
			add_vec(r, m->da - 1U - gen_rnd_below(r->g));
		if (m->da + m->len < top)
			add_vec(r, m->da + m->len + gen_rnd_below(r->g));
	}
	while (r->nvec < r->cap) {
		switch (gen_rnd() % 4U) {
		case 0: /* anywhere */
			add_vec(r, gen_rnd_below(top));
			break;
		case 1: /* in a region, mapped or in a hole */
			add_vec(r, r->region[gen_rnd_below(NREGIONS)] + gen_rnd_below(r->region_size));
			break;
		default: /* inside a mapping */
			if (r->k.md.n != 0U) {
				const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];

				add_vec(r, m->da + gen_rnd_below(m->len));
			} else {
				add_vec(r, gen_rnd_below(top));
			}
			break;
		}
	}
}

/* --selftest: make one vector in 50 wrong, each in a way the harness must see. */
static uint32_t corrupt(struct run *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->nvec; i += 50U) {
		struct vq_vec *v = &r->vec[i];

		if (v->expect == 0U) {
			v->expect = VQ_PRIV_R; /* claim mapped: QEMU faults */
			v->pa = is_rv(r) ? rv_window_pa(r) : 0;
		} else {
			switch ((i / 50U) % 3U) {
			case 0:
				v->pa ^= r->g; /* QEMU's output page differs */
				break;
			case 1:
				v->expect ^= VQ_PRIV_W; /* write allowed <-> denied */
				break;
			default:
				v->expect = 0; /* claim unmapped: QEMU translates */
				break;
			}
		}
		n++;
	}
	return n;
}

/*
 * cortex-a57 has no 16K granule (ID_AA64MMFR0_EL1.TGran16 = 0b0000, Cortex-A57
 * TRM; QEMU models that), so the 16K configurations run on QEMU's "max" CPU.
 */
static const char *cpu_for(const struct qcfg *c)
{
	if (c->fmt == &vcm_pt_fmt_armv7s)
		return "cortex-a15";
	return c->granule_lg2 == 14U ? "max" : "cortex-a57";
}

/* The harness exits with the mismatch count, capped at 250 (harness.c, harness_rv.c). */
static int exit_status(unsigned int mismatches)
{
	return mismatches > 250U ? 250 : (int)mismatches;
}

/*
 * RISC-V guest RAM as a private mapping of a file in /dev/shm, when there is
 * one: measured on a loaded 2-core machine, the default anonymous RAM (which
 * QEMU marks for transparent huge pages) made a run that touches a few
 * thousand pages spread over the 4 GiB tag window take 45-75 s, most of it in
 * the kernel; the same run with this backend took 0.6-1.5 s. Only pages the
 * harness reads before writing land in /dev/shm; its writes are private.
 * Without /dev/shm the default RAM is used.
 */
static const char *rv_ram_backend(unsigned int mib, char *buf, size_t len)
{
	int n;

	if (access("/dev/shm", W_OK | X_OK) != 0)
		return "";
	n = snprintf(buf, len, ",memory-backend=vqram -object memory-backend-file,id=vqram,"
		     "size=%uM,mem-path=/dev/shm,share=off", mib);
	return gen_fit(n, len) ? buf : "";
}

/* Runs QEMU; returns the mismatch count from its RESULT line, or -1 on any error. */
static long run_qemu(const struct run *r, const struct opts *o, const char *tables,
		     const char *vectors, uint32_t *ats)
{
	bool a32 = r->c->fmt == &vcm_pt_fmt_armv7s;
	unsigned int mib = is_rv32(r) ? VQ_RV32_RAM_MIB : VQ_RV_RAM_MIB;
	char cmd[2048], ram[160];
	int n;

	if (is_rv(r))
		/*
		 * -bios none: the harness runs from 0x8000_0000 in M-mode (notes/qemu.md);
		 * h=true: the hypervisor extension, for hgatp (the G-stage families)
		 */
		n = snprintf(cmd, sizeof(cmd),
			 "timeout 60 %s -machine virt%s -cpu %s%s%s%s -bios none -nographic -nic none "
			 "-m %u -kernel %s "
			 "-device loader,file=%s,addr=0x%x,force-raw=on "
			 "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
			 is_rv32(r) ? o->qemu_rv32 : o->qemu_rv, rv_ram_backend(mib, ram, sizeof(ram)),
			 is_rv32(r) ? "rv32" : "rv64",
			 (r->c->flags & VCM_PT_CFG_STAGE2) != 0U ? ",h=true" : "",
			 (r->c->flags & VCM_PT_CFG_RISCV_SVNAPOT) != 0U ? ",svnapot=on" : "",
			 (r->c->flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U ? ",svpbmt=on" : "",
			 mib, is_rv32(r) ? o->harness_rv32 : o->harness_rv, tables, VQ_RV_TABLES_PA,
			 vectors, VQ_RV_VECTORS_PA);
	else
		n = snprintf(cmd, sizeof(cmd),
			 "timeout 60 %s -machine virt,virtualization=on -cpu %s -nographic -nic none "
			 "-semihosting -m 1024 -kernel %s "
			 "-device loader,file=%s,addr=0x%x,force-raw=on "
			 "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
			 a32 ? o->qemu_a32 : o->qemu_a64, cpu_for(r->c),
			 a32 ? o->harness_a32 : o->harness_a64, tables, VQ_TABLES_PA, vectors,
			 VQ_VECTORS_PA);
	if (!gen_fit(n, sizeof(cmd)))
		return -1; /* paths too long for the command line */
	return gen_run_qemu(cmd, r->nvec, gen_parse_result_line, exit_status, ats);
}

static int run_config(const struct qcfg *c, uint64_t seed, uint64_t base, const struct opts *o,
		      uint32_t nvecs)
{
	struct run r = { .c = c };
	struct gen_table t;
	struct vcm_pt_cfg cfg = { 0 };
	struct vcm_hw_regs hw = { 0 };
	struct vq_header h = { 0 };
	char tables[1024], vectors[1024];
	uint32_t ats = 0, corrupted;
	uint64_t leaf_sizes;
	long mism;

	gen_seed(seed);
	cfg.fmt = c->fmt;
	cfg.ias = c->ias;
	cfg.oas = c->oas;
	cfg.granule_lg2 = c->granule_lg2;
	cfg.flags = c->flags;
	if (gen_table_open(&t, c->name, &cfg,
			   c->fmt == &vcm_pt_fmt_riscv || c->fmt == &vcm_pt_fmt_riscv32 ?
				   VQ_RV_TABLES_PA : VQ_TABLES_PA,
			   VQ_TABLES_MAX) != 0)
		return -1;
	r.k.pt = t.pt;
	model_init(&r.k.md);
	r.g = UINT64_C(1) << c->granule_lg2;
	r.space = space_of(c->ias);
	/*
	 * Sv32x4: HLV/HSV on RV32 take a 32-bit address, so only the low 4 GiB of
	 * the 16 GiB input (a quarter of the 16 KiB root) can be probed: maps and
	 * vectors stay there. The whole root is in the hand vectors
	 * (test_pt_vectors_rv.c).
	 */
	if (is_rv32(&r) && (c->flags & VCM_PT_CFG_STAGE2) != 0U)
		r.space = space_of(32);
	r.ospace = space_of(c->oas);
	collect_sizes(&r);
	pick_regions(&r);
	for (unsigned int i = 0; i < NMAPS + NUNMAPS; i++) {
		if (gen_rnd_below(NMAPS + NUNMAPS) < NMAPS || r.k.md.n == 0U)
			do_map(&r);
		else
			do_unmap(&r);
	}
	make_vectors(&r, nvecs);
	for (uint32_t i = 0; i < r.nvec; i++)
		r.mapped += r.vec[i].expect != 0U;
	leaf_sizes = gen_table_leaf_sizes(&t, r.space);
	corrupted = o->selftest ? corrupt(&r) : 0U;

	vcm_pt_hw(r.k.pt, &hw);
	h.magic = VQ_MAGIC;
	h.version = VQ_VERSION;
	h.mode = c->fmt == &vcm_pt_fmt_armv7s ? VQ_MODE_A32_S1 :
		 (c->flags & VCM_PT_CFG_STAGE2) != 0U ? VQ_MODE_A64_S2 : VQ_MODE_A64_S1;
	h.count = r.nvec;
	memcpy(h.regs, hw.regs, sizeof(h.regs));
	h.check_user = h.mode != VQ_MODE_A64_S2;
	if (is_rv(&r)) {
		/* the G-stage's every access is a user access: no separate user probes */
		h.mode = (c->flags & VCM_PT_CFG_STAGE2) != 0U ? VQ_MODE_RV_G : VQ_MODE_RV;
		h.check_user = h.mode == VQ_MODE_RV;
		h.tables_len = (uint32_t)gen_table_used(&t);
	}
	mism = -1;
	if (gen_blob_path(tables, sizeof(tables), o->workdir, c->name, "tables") &&
	    gen_blob_path(vectors, sizeof(vectors), o->workdir, c->name, "vectors") &&
	    gen_write_file(tables, t.arena.cpu, gen_table_used(&t), NULL, 0) == 0 &&
	    gen_write_file(vectors, &h, sizeof(h), r.vec, r.nvec * sizeof(*r.vec)) == 0)
		mism = run_qemu(&r, o, tables, vectors, &ats);

	printf("%-12s seed=%#" PRIx64 " levels=%u start=%u concat=%u leaves=%#" PRIx64 "/%#" PRIx64
	       " maps=%u unmaps=%u vectors=%u mapped=%u ats=%u mismatches=%ld%s\n",
	       c->name, seed, hw.levels, hw.start_level, hw.concat, leaf_sizes,
	       vcm_pt_page_sizes(r.k.pt), r.k.maps, r.k.unmaps, r.nvec, r.mapped, ats, mism,
	       r.k.errors != 0U ? " GENERATOR-ERRORS" : "");
	if (o->selftest)
		mism = gen_selftest_verdict(corrupted, mism);
	if (mism != 0 || r.k.errors != 0U)
		gen_print_rerun(c->name, &hw, base);
	fflush(stdout);
	free(r.vec);
	model_free(&r.k.md);
	gen_table_close(&t);
	return mism == 0 && r.k.errors == 0U ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: vcm_qemu_gen --family armv7s|armv8_s1|armv8_s2|riscv|riscv_g|riscv32 "
			"--workdir DIR --harness-a64 ELF --harness-a32 ELF --qemu-a64 BIN "
			"--qemu-a32 BIN [--harness-rv ELF --qemu-rv BIN] "
			"[--harness-rv32 ELF --qemu-rv32 BIN] [--selftest]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	const struct gen_opt opts[] = {
		{ "--selftest", NULL, &o.selftest },
		{ "--family", &o.family, NULL },
		{ "--workdir", &o.workdir, NULL },
		{ "--harness-a64", &o.harness_a64, NULL },
		{ "--harness-a32", &o.harness_a32, NULL },
		{ "--qemu-a64", &o.qemu_a64, NULL },
		{ "--qemu-a32", &o.qemu_a32, NULL },
		{ "--harness-rv", &o.harness_rv, NULL },
		{ "--qemu-rv", &o.qemu_rv, NULL },
		{ "--harness-rv32", &o.harness_rv32, NULL },
		{ "--qemu-rv32", &o.qemu_rv32, NULL },
		{ NULL, NULL, NULL },
	};
	struct gen_env env;
	unsigned int ran = 0, failed = 0;

	if (gen_parse_opts(argc, argv, opts) != 0)
		return usage();
	if (o.family == NULL || o.workdir == NULL)
		return usage();
	if (strcmp(o.family, "riscv32") == 0 ? o.harness_rv32 == NULL || o.qemu_rv32 == NULL :
	    strncmp(o.family, "riscv", 5) == 0 ? o.harness_rv == NULL || o.qemu_rv == NULL :
	    o.harness_a64 == NULL || o.harness_a32 == NULL || o.qemu_a64 == NULL ||
	    o.qemu_a32 == NULL)
		return usage();
	gen_env_read(&env, VQ_MAX_VECS);
	printf("family %s: base seed %#" PRIx64 " (VCM_QEMU_SEED), %u vectors per config\n",
	       o.family, env.base, env.nvecs);
	for (unsigned int i = 0; i < NCONFIGS; i++) {
		if (strcmp(configs[i].family, o.family) != 0)
			continue;
		if (!gen_env_wants(&env, configs[i].name))
			continue;
		ran++;
		if (run_config(&configs[i], gen_env_seed(&env, configs[i].name), env.base, &o,
			       env.nvecs) != 0)
			failed++;
	}
	printf("family %s: %u configs, %u failed\n", o.family, ran, failed);
	return ran == 0U || failed != 0U ? 1 : 0;
}
