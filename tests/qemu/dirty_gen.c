// SPDX-License-Identifier: MIT
/*
 * Hardware dirty tracking (VCM_PT_CFG_DIRTY) against QEMU's CPU MMUs, which
 * update the tables as the manuals say: x86_64 under qemu-system-x86_64
 * -cpu max (the D flag, Intel SDM Vol. 3A 4.8) and armv8 stage 1 under
 * qemu-system-aarch64 -cpu max with TCR_EL1.HA|HD (FEAT_HAFDBS: AP[2]
 * cleared on a DBM leaf, Arm ARM D5.4.11). A table maps 4K pages, 2M and 1G
 * blocks (writable) and a few read-only pages; each writable leaf gets a role,
 * written or only read. The harness (x86/harness_x86.c, or dirty_a64.c;
 * VQX_RONLY on the read roles) touches them and prints the table arena as
 * the walker left it. The host then:
 *  - compares the image with what it loaded: only the bits the walker may
 *    set (x86: A, D; armv8: AP[2], AF) may have changed;
 *  - walks the image with a descent of its own (not the library's): a leaf
 *    is dirty exactly when it was written;
 *  - copies the image into the library's arena and asks
 *    vcm_pt_read_clear_dirty(): it must report exactly the written leaves,
 *    then clear them, after which the descent sees all of them clean.
 * A second round boots again on the cleared tables with the roles swapped:
 * the clear must leave leaves the hardware marks anew, and the leaves
 * written in round 1 and only read in round 2 must stay clean.
 *
 * Usage: vcm_qemu_dirty --arch x86_64|aarch64|riscv64 --workdir DIR --harness ELF
 *        --qemu BIN [--selftest]
 * --selftest flips the expected state of one leaf in four (a read leaf
 * expected dirty, a written one expected clean) and passes only when the
 * host reports at least that many mismatches. VCM_QEMU_SEED and
 * VCM_QEMU_ONLY as qemu_gen.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include "gen_common.h"
#include "vectors_x86.h"

#define G4K UINT64_C(0x1000)
#define G2M UINT64_C(0x200000)
#define G1G UINT64_C(0x40000000)
#define ARENA_LEN 0x100000U /* 1 MiB of tables, mapped onto itself read only */
#define MAX_LEAVES 128U
#define TBASE UINT64_C(0x1000000000) /* 64 GiB: the test mappings, in every ias used */
#define TLEN (5 * G1G)

/* The test mappings: da offsets from TBASE. */
struct tmap {
	uint64_t off, pa, len;
	bool writable;
};

struct run;

/* What differs between the architectures. */
struct arch {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	unsigned int oas;
	const unsigned int *ias; /* one config per entry, 0-terminated */
	uint32_t tables_pa, vectors_pa;
	uint64_t ident_lo, ident_hi; /* the harness region, mapped onto itself RW */
	uint64_t uart_pa;            /* a device page mapped onto itself, or 0 */
	uint64_t data_lo, data_hi;   /* outputs the harness writes signatures into */
	const struct tmap *tmaps;
	unsigned int ntmaps;
	uint64_t walker_bits; /* what the walker may change in an entry */
	uint64_t contig_bit;  /* marks a member of a contiguous group, or 0 */
	/* The leaf entry of @da in the image @img; 0 or -1. */
	int (*descend)(const struct run *r, const uint8_t *img, uint64_t da, uint64_t *pte,
		       unsigned int *lg2);
	bool (*dirty)(uint64_t pte);
	const char *qemu_args; /* between the binary and -kernel */
};

struct leaf {
	uint64_t da, len;
	bool writable, written, expect_dirty;
};

struct opts {
	const char *arch, *workdir, *harness, *qemu;
	bool selftest;
};

struct run {
	const struct arch *a;
	char name[48];
	struct gen_table t;
	struct vcm_hw_regs hw;
	struct leaf lv[MAX_LEAVES];
	unsigned int nleaves;
	uint8_t *loaded; /* the arena as booted */
	size_t used;
	unsigned int mismatches;
};

/* The image the harness prints, filled by parse_dump(): gen_run_qemu's parser has no argument. */
static uint8_t *dump_img;
static size_t dump_len;
static unsigned int dump_words, dump_bad;

static int parse_dump(const char *line, struct gen_result *res)
{
	unsigned long long off, val;

	if (sscanf(line, "PTE %llx %llx", &off, &val) == 2) {
		if (off % 8U != 0U || off + 8U > dump_len)
			dump_bad++;
		else
			memcpy(dump_img + off, &val, sizeof(val));
		dump_words++;
		return -1;
	}
	return gen_parse_result_line(line, res);
}

/* isa-debug-exit: (code << 1) | 1 */
static int exit_status_x86(unsigned int mismatches)
{
	return (mismatches > 127U ? 127 : (int)mismatches) * 2 + 1;
}

/* semihosting SYS_EXIT, the SiFive test finisher: the code itself */
static int exit_status_code(unsigned int mismatches)
{
	return mismatches > 250U ? 250 : (int)mismatches;
}

static void mismatch(struct run *r, const char *what, uint64_t da, uint64_t got)
{
	if (++r->mismatches <= 12U)
		printf("  MISMATCH %s: da %#" PRIx64 " got %#" PRIx64 "\n", what, da, got);
}

static int note_leaf(void *arg, const struct vcm_pt_leaf *l)
{
	struct run *r = arg;

	if (r->nleaves == MAX_LEAVES)
		return -1;
	r->lv[r->nleaves++] = (struct leaf){ .da = l->da, .len = UINT64_C(1) << l->size_lg2,
					     .writable = (l->prot & VCM_PT_PROT_WRITE) != 0U };
	return 0;
}

/* An entry of the image @img, or -1 when @table + @idx lies outside it. */
static int img_entry(const struct run *r, const uint8_t *img, uint64_t table, uint64_t idx,
		     uint64_t *e)
{
	uint64_t off = table - r->a->tables_pa + idx * 8U;

	if (table < r->a->tables_pa || off + 8U > r->used)
		return -1;
	memcpy(e, img + off, sizeof(*e));
	return 0;
}

#define X86_ADDR UINT64_C(0x000ffffffffff000)
#define X86_P 0x1U
#define X86_PS 0x80U
#define X86_A 0x20U
#define X86_D 0x40U

/* The SDM's descent (Vol. 3A 4.5): 9 index bits a level, PS ends it in a PDPTE or a PDE. */
static int descend_x86(const struct run *r, const uint8_t *img, uint64_t da, uint64_t *pte,
		       unsigned int *lg2)
{
	uint64_t table = r->hw.regs[0] & X86_ADDR, e;

	for (unsigned int l = r->hw.levels; l >= 1U; l--) {
		unsigned int shift = 12U + 9U * (l - 1U);

		if (img_entry(r, img, table, (da >> shift) & 511U, &e) != 0 || (e & X86_P) == 0U)
			return -1;
		if (l == 1U || ((l == 2U || l == 3U) && (e & X86_PS) != 0U)) {
			*pte = e;
			*lg2 = shift;
			return 0;
		}
		table = e & X86_ADDR;
	}
	return -1;
}

static bool dirty_x86(uint64_t pte)
{
	return (pte & X86_D) != 0U;
}

#define A64_ADDR UINT64_C(0x0000fffffffff000)
#define A64_AP2 UINT64_C(0x80)
#define A64_AF UINT64_C(0x400)
#define A64_DBM (UINT64_C(1) << 51)
#define A64_CONT (UINT64_C(1) << 52)

/*
 * The 4K-granule descent (Arm ARM D5.2): 9 index bits a level; bits[1:0] =
 * 01 is a block above the last level, 11 a table (a page at the last one).
 */
static int descend_a64(const struct run *r, const uint8_t *img, uint64_t da, uint64_t *pte,
		       unsigned int *lg2)
{
	uint64_t table = r->hw.regs[2] & A64_ADDR, e;

	for (unsigned int l = r->hw.levels; l >= 1U; l--) {
		unsigned int shift = 12U + 9U * (l - 1U);

		if (img_entry(r, img, table, (da >> shift) & 511U, &e) != 0 || (e & 1U) == 0U)
			return -1;
		if (l == 1U ? (e & 3U) == 3U : (e & 2U) == 0U) {
			*pte = e;
			*lg2 = shift;
			return 0;
		}
		if (l == 1U)
			return -1;
		table = e & A64_ADDR;
	}
	return -1;
}

/* D5.4.11: a DBM leaf is writable-clean while AP[2] = 1; the walker's write clears AP[2]. */
static bool dirty_a64(uint64_t pte)
{
	return (pte & A64_DBM) != 0U && (pte & A64_AP2) == 0U;
}

#define RV_PPN UINT64_C(0x00000fffffffffff)
#define RV_V 0x1U
#define RV_RWX 0xeU
#define RV_A 0x40U
#define RV_D 0x80U

/* Privileged ISA 4.3.2: a leaf is the first valid entry with R, W or X set. */
static int descend_rv(const struct run *r, const uint8_t *img, uint64_t da, uint64_t *pte,
		      unsigned int *lg2)
{
	uint64_t table = (r->hw.regs[0] & RV_PPN) << 12, e;

	for (unsigned int l = r->hw.levels; l >= 1U; l--) {
		unsigned int shift = 12U + 9U * (l - 1U);

		if (img_entry(r, img, table, (da >> shift) & 511U, &e) != 0 || (e & RV_V) == 0U)
			return -1;
		if ((e & RV_RWX) != 0U) {
			*pte = e;
			*lg2 = shift;
			return 0;
		}
		table = ((e >> 10) & RV_PPN) << 12;
	}
	return -1;
}

static bool dirty_rv(uint64_t pte)
{
	return (pte & RV_D) != 0U;
}

static const unsigned int x86_ias[] = { 48, 57, 0 };
static const struct tmap x86_tmaps[] = {
	{ 0, 0x10000000, 48 * G4K, true },            /* 4K pages */
	{ G1G, 0x20000000, 4 * G2M, true },           /* 2M blocks in RAM */
	{ 2 * G1G, 0x40000000, G1G, true },           /* a 1G block in RAM */
	{ 3 * G1G, UINT64_C(0x100000000), G1G, true }, /* one where q35 has nothing */
	{ 4 * G1G, 0x10100000, 8 * G4K, false },       /* read only: a write faults */
};
/* q35 with 2 GiB of RAM; layout of vectors_x86.h */
static const struct arch arch_x86 = {
	"x86_64", &vcm_pt_fmt_x86_64, 40 /* MAXPHYADDR of QEMU's TCG CPUs */, x86_ias,
	VQX_TABLES_PA, VQX_VECTORS_PA, 0, VQX_IDENT_END, 0, VQX_RAM_LO, VQX_RAM_HI,
	x86_tmaps, sizeof(x86_tmaps) / sizeof(x86_tmaps[0]), X86_A | X86_D, 0,
	descend_x86, dirty_x86,
	"-machine q35 -cpu max -m 2048 -display none -nodefaults -serial stdio -no-reboot "
	"-device isa-debug-exit,iobase=0xf4,iosize=4",
};

static const unsigned int a64_ias[] = { 48, 39, 0 };
static const struct tmap a64_tmaps[] = {
	{ G4K, 0x50001000, 14 * G4K, true },       /* lone 4K pages */
	{ G2M, 0x50200000, 32 * G4K, true },       /* two contiguous groups of 16 */
	{ G1G, 0x60000000, 4 * G2M, true },
	{ 2 * G1G, 0x80000000, G1G, true },
	{ 4 * G1G, 0x50100000, 8 * G4K, false },  /* read only: a write faults */
};
/* virt with 2 GiB of RAM from 0x4000_0000; layout of dirty_a64.c */
static const struct arch arch_a64 = {
	"aarch64", &vcm_pt_fmt_armv8, 40, a64_ias, 0x42000000, 0x41000000,
	0x40000000, 0x42000000, 0x09000000, 0x40000000, 0xc0000000,
	a64_tmaps, sizeof(a64_tmaps) / sizeof(a64_tmaps[0]), A64_AP2 | A64_AF,
	A64_CONT, descend_a64, dirty_a64,
	"-machine virt -cpu max -m 2048 -nographic -nic none -semihosting",
};

static const unsigned int rv_ias[] = { 39, 48, 0 };
static const struct tmap rv_tmaps[] = {
	{ 0, 0x90000000, 48 * G4K, true },
	{ G1G, 0xa0000000, 4 * G2M, true },
	{ 2 * G1G, 0xc0000000, G1G, true },
	{ 4 * G1G, 0x90100000, 8 * G4K, false },
};
/* virt with 2 GiB of RAM from 0x8000_0000; M-mode needs no mapping of its own (dirty_rv.c) */
static const struct arch arch_rv = {
	"riscv64", &vcm_pt_fmt_riscv, 56, rv_ias, 0x82000000, 0x81000000,
	0, 0, 0, 0x80000000, UINT64_C(0x100000000),
	rv_tmaps, sizeof(rv_tmaps) / sizeof(rv_tmaps[0]), RV_A | RV_D, 0,
	descend_rv, dirty_rv,
	"-machine virt -cpu rv64 -bios none -m 2048 -nographic -nic none",
};

/*
 * Every test leaf's state in @img against its expectation. A contiguous
 * group (armv8's Contiguous bit) is dirty when any member is: the walker
 * marks the entry it used.
 */
static void check_d_bits(struct run *r, const uint8_t *img, const char *when, bool all_clean)
{
	for (unsigned int i = 0; i < r->nleaves; i++) {
		const struct leaf *l = &r->lv[i];
		uint64_t pte = 0, da = l->da;
		unsigned int lg2 = 0;
		bool want = !all_clean && l->expect_dirty, dirty = false;

		do {
			if (r->a->descend(r, img, da, &pte, &lg2) != 0 ||
			    ((UINT64_C(1) << lg2) != l->len && (pte & r->a->contig_bit) == 0U)) {
				mismatch(r, "descent finds no leaf of the library's size", da, pte);
				break;
			}
			dirty |= r->a->dirty(pte);
			da += UINT64_C(1) << lg2;
		} while (da < l->da + l->len);
		if (dirty != want) {
			char what[96];

			snprintf(what, sizeof(what), "%s: %s %s leaf", when,
				 dirty ? "dirty" : "clean", l->written ? "written" : "read");
			mismatch(r, what, l->da, pte);
		}
	}
}

struct harvest {
	struct run *r;
	unsigned int next, reported;
	bool all_clean;
};

/* vcm_pt_read_clear_dirty()'s reports, in address order, against the expected dirty leaves. */
static int on_dirty(void *arg, vcm_da_t da, uint64_t len)
{
	struct harvest *h = arg;
	struct run *r = h->r;

	h->reported++;
	for (; h->next < r->nleaves && r->lv[h->next].da < da; h->next++)
		if (!h->all_clean && r->lv[h->next].expect_dirty)
			mismatch(r, "dirty leaf not reported", r->lv[h->next].da, 0);
	if (h->next == r->nleaves || r->lv[h->next].da != da || r->lv[h->next].len != len) {
		mismatch(r, "report of no test leaf", da, len);
		return 0;
	}
	if (h->all_clean || !r->lv[h->next].expect_dirty)
		mismatch(r, "clean leaf reported dirty", da, len);
	h->next++;
	return 0;
}

static void harvest(struct run *r, unsigned int flags, bool all_clean)
{
	struct harvest h = { .r = r, .all_clean = all_clean };
	int ret = vcm_pt_read_clear_dirty(r->t.pt, TBASE, TLEN, flags, on_dirty, &h);

	if (ret != 0)
		mismatch(r, "vcm_pt_read_clear_dirty failed", TBASE, (uint64_t)(int64_t)ret);
	for (; h.next < r->nleaves; h.next++)
		if (!all_clean && r->lv[h.next].expect_dirty)
			mismatch(r, "dirty leaf not reported", r->lv[h.next].da, 0);
}

/* One or two vectors in each leaf, all with the leaf's role. */
static uint32_t make_vectors(struct run *r, struct vqx_vec *vec)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < r->nleaves; i++) {
		const struct leaf *l = &r->lv[i];
		unsigned int k = l->len > G4K ? 2U : 1U;

		for (unsigned int j = 0; j < k; j++) {
			uint64_t off = gen_rnd_below(l->len) & ~UINT64_C(7), pa = 0;
			struct vqx_vec *v = &vec[n++];

			for (unsigned int m = 0; m < r->a->ntmaps; m++) {
				const struct tmap *t = &r->a->tmaps[m];

				if (l->da + off >= TBASE + t->off &&
				    l->da + off < TBASE + t->off + t->len)
					pa = t->pa + (l->da + off - TBASE - t->off);
			}
			*v = (struct vqx_vec){ .va = l->da + off, .pa = pa, .expect = VQX_R };
			if (pa >= r->a->data_lo && pa + 8U <= r->a->data_hi)
				v->expect |= VQX_DATA;
			if (l->writable)
				v->expect |= l->written ? VQX_W : VQX_W | VQX_RONLY;
		}
	}
	return n;
}

/* One boot: the arena as it is now, the roles in r->lv; the printed image lands in @img. */
static long boot(struct run *r, const struct opts *o, unsigned int round, uint8_t *img,
		 uint32_t *nvec)
{
	struct vqx_vec vec[MAX_LEAVES * 2U];
	struct vqx_header h = { .magic = VQX_MAGIC, .version = VQX_VERSION };
	char tables[1024], vectors[1024], name[96], cmd[2048];
	uint32_t ats = 0;
	long mism;

	h.count = make_vectors(r, vec);
	h.dump_len = (uint32_t)r->used;
	memcpy(h.regs, r->hw.regs, sizeof(h.regs));
	*nvec = h.count;
	snprintf(name, sizeof(name), "%s.r%u", r->name, round);
	if (!gen_blob_path(tables, sizeof(tables), o->workdir, name, "tables") ||
	    !gen_blob_path(vectors, sizeof(vectors), o->workdir, name, "vectors") ||
	    gen_write_file(tables, r->t.arena.cpu, r->used, NULL, 0) != 0 ||
	    gen_write_file(vectors, &h, sizeof(h), vec, h.count * sizeof(*vec)) != 0)
		return -1;
	if (!gen_fit(snprintf(cmd, sizeof(cmd),
			      "timeout 60 %s %s -kernel %s -device loader,file=%s,addr=0x%x,force-raw=on "
			      "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
			      o->qemu, r->a->qemu_args, o->harness, tables, r->a->tables_pa, vectors,
			      r->a->vectors_pa),
		     sizeof(cmd)))
		return -1;
	memset(img, 0, r->used);
	dump_img = img;
	dump_len = r->used;
	dump_words = 0;
	dump_bad = 0;
	mism = gen_run_qemu(cmd, h.count, parse_dump,
			    r->a == &arch_x86 ? exit_status_x86 : exit_status_code, &ats);
	if (mism == 0 && (dump_words == 0U || dump_bad != 0U)) {
		printf("  %s: %u table words printed, %u out of the arena\n", name, dump_words,
		       dump_bad);
		mism = -1;
	}
	return mism;
}

/* Only A and D may differ between the arena as booted and as the harness printed it. */
static void check_only_ad(struct run *r, const uint8_t *img)
{
	for (size_t off = 0; off + 8U <= r->used; off += 8U) {
		uint64_t a, b;

		memcpy(&a, r->loaded + off, sizeof(a));
		memcpy(&b, img + off, sizeof(b));
		if (((a ^ b) & ~r->a->walker_bits) != 0U)
			mismatch(r, "the walker changed other bits at arena offset", off, b);
	}
}

/* Round @round: assign roles, boot, check the image three ways, clear. */
static int do_round(struct run *r, const struct opts *o, unsigned int round, uint8_t *img,
		    unsigned int *corrupted)
{
	unsigned int before = r->mismatches, written = 0;
	uint32_t nvec = 0;
	long hm;

	for (unsigned int i = 0; i < r->nleaves; i++) {
		struct leaf *l = &r->lv[i];

		if (round == 0U)
			l->written = l->writable && (i % 3U == 0U || (gen_rnd() & 1U) != 0U);
		else
			l->written = l->writable && !l->written;
		l->expect_dirty = l->written;
		written += l->written;
		if (o->selftest && i % 4U == round) {
			l->expect_dirty = !l->expect_dirty;
			++*corrupted;
		}
	}
	memcpy(r->loaded, r->t.arena.cpu, r->used);
	hm = boot(r, o, round, img, &nvec);
	if (hm != 0) {
		printf("  round %u: the harness reported %ld mismatches\n", round, hm);
		return -1;
	}
	check_only_ad(r, img);
	check_d_bits(r, img, "guest image", false);
	memcpy(r->t.arena.cpu, img, r->used); /* the library now reads what the walker wrote */
	harvest(r, VCM_DIRTY_NO_CLEAR, false);
	harvest(r, 0, false);
	harvest(r, VCM_DIRTY_NO_CLEAR, true);
	check_d_bits(r, r->t.arena.cpu, "after the clear", true);
	printf("  round %u: %u leaves, %u written, %u vectors, %u mismatches\n", round,
	       r->nleaves, written, nvec, r->mismatches - before);
	return 0;
}

static int run_config(const struct arch *a, unsigned int ias, const struct gen_env *env,
		      const struct opts *o)
{
	struct run r = { .a = a };
	struct vcm_pt_cfg cfg = { 0 };
	unsigned int corrupted = 0, sizes = 0;
	uint8_t *img = NULL;
	uint64_t seed;
	long verdict = -1;
	int ret = 0;

	snprintf(r.name, sizeof(r.name), "%s-%u-dirty", a->name, ias);
	if (!gen_env_wants(env, r.name))
		return 1;
	seed = gen_env_seed(env, r.name);
	gen_seed(seed);
	cfg.fmt = a->fmt;
	cfg.ias = ias;
	cfg.oas = a->oas;
	cfg.flags = VCM_PT_CFG_DIRTY;
	if (gen_table_open(&r.t, r.name, &cfg, a->tables_pa, ARENA_LEN) != 0)
		return -1;
	/* the harness (written: its leaves turn dirty) and the arena it prints (read only) */
	if (a->ident_hi > a->ident_lo)
		ret = vcm_pt_map(r.t.pt, a->ident_lo, a->ident_lo, a->ident_hi - a->ident_lo,
				 VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_EXEC);
	if (ret == 0)
		ret = vcm_pt_map(r.t.pt, a->tables_pa, a->tables_pa, ARENA_LEN, VCM_PT_PROT_READ);
	if (ret == 0 && a->uart_pa != 0U)
		ret = vcm_pt_map(r.t.pt, a->uart_pa, a->uart_pa, G4K,
				 VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_DEVICE);
	for (unsigned int m = 0; ret == 0 && m < a->ntmaps; m++)
		ret = vcm_pt_map(r.t.pt, TBASE + a->tmaps[m].off, a->tmaps[m].pa, a->tmaps[m].len,
				 VCM_PT_PROT_READ |
				 (a->tmaps[m].writable ? VCM_PT_PROT_WRITE : 0U));
	if (ret == 0)
		ret = vcm_pt_walk(r.t.pt, TBASE, TLEN, note_leaf, &r);
	vcm_pt_hw(r.t.pt, &r.hw);
	r.used = gen_table_used(&r.t);
	r.loaded = malloc(r.used);
	img = malloc(r.used);
	/* bit 0: a 4K leaf, bit 9: 2M, bit 18: 1G */
	for (unsigned int i = 0; i < r.nleaves; i++)
		sizes |= (unsigned int)(r.lv[i].len >> 12) & (1U | 0x200U | 0x40000U);
	if (ret != 0 || r.loaded == NULL || img == NULL || sizes != (1U | 0x200U | 0x40000U)) {
		printf("%s: setup failed (%d, leaf sizes %#x/4K)\n", r.name, ret, sizes);
		goto out;
	}
	printf("%s seed=%#" PRIx64 " levels=%u %s=%#" PRIx64 " arena=%zu bytes\n", r.name, seed,
	       r.hw.levels, r.hw.reg_names[0], r.hw.regs[0], r.used);
	if (do_round(&r, o, 0, img, &corrupted) != 0 || do_round(&r, o, 1, img, &corrupted) != 0)
		goto out;
	verdict = o->selftest ? gen_selftest_verdict(corrupted, r.mismatches) : r.mismatches;
out:
	if (verdict != 0)
		gen_print_rerun(r.name, &r.hw, env->base);
	fflush(stdout);
	free(img);
	free(r.loaded);
	gen_table_close(&r.t);
	return verdict == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	const struct gen_opt opts[] = {
		{ "--selftest", NULL, &o.selftest },
		{ "--arch", &o.arch, NULL },
		{ "--workdir", &o.workdir, NULL },
		{ "--harness", &o.harness, NULL },
		{ "--qemu", &o.qemu, NULL },
		{ NULL, NULL, NULL },
	};
	const struct arch *a = NULL;
	struct gen_env env;
	unsigned int ran = 0, failed = 0;

	if (gen_parse_opts(argc, argv, opts) == 0 && o.arch != NULL)
		a = strcmp(o.arch, "x86_64") == 0 ? &arch_x86 :
		    strcmp(o.arch, "aarch64") == 0 ? &arch_a64 :
		    strcmp(o.arch, "riscv64") == 0 ? &arch_rv : NULL;
	if (a == NULL || o.workdir == NULL || o.harness == NULL || o.qemu == NULL) {
		fprintf(stderr, "usage: vcm_qemu_dirty --arch x86_64|aarch64|riscv64 --workdir DIR "
				"--harness ELF --qemu BIN [--selftest]\n");
		return 2;
	}
	gen_env_read(&env, VQX_MAX_VECS);
	printf("%s dirty: base seed %#" PRIx64 " (VCM_QEMU_SEED)\n", a->name, env.base);
	for (const unsigned int *ias = a->ias; *ias != 0U; ias++) {
		int ret = run_config(a, *ias, &env, &o);

		ran += ret <= 0;
		failed += ret < 0;
	}
	printf("%s dirty: %u configs, %u failed\n", a->name, ran, failed);
	return ran == 0U || failed != 0U ? 1 : 0;
}
