/* SPDX-License-Identifier: MIT */
/*
 * Inside the simulated SoC: the IOMMU model's state (banks, IOTLB, counters)
 * and the contract between the model and its two walkers. Never included by
 * another layer; the walkers never include src/pgtable.
 */
#ifndef VCM_SIM_INTERNAL_H
#define VCM_SIM_INTERNAL_H

#include <errno.h>
#include <vcm/sim.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/assert.h"
#include "../util/fail.h"

/* No libc in the core: the compiler's own memcpy/memset (firmware supplies them). */
#define sim_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define sim_memset(d, c, n) __builtin_memset((d), (c), (n))

/*
 * One context bank as programmed. The registers are kept raw; program() has
 * checked and decoded them into the geometry below, which the walk uses.
 */
struct sim_bank {
	bool enabled;
	uint64_t regs[3];       /* as given in vcm_pt_hw.regs */
	/* decoded by the walker's program hook */
	vcm_pa_t table_pa;      /* first-level (or first concatenated) table */
	unsigned int ias;       /* input address bits */
	unsigned int oas;       /* output address bits (armv8: TCR.IPS / VTCR.PS) */
	unsigned int granule_lg2;
	unsigned int start_level; /* manual numbering */
	unsigned int top_bits;  /* index bits resolved by the first lookup */
	bool walk_off;          /* TTBCR.PD0 / TCR.EPD0: a miss faults without a walk */
	bool hd;                /* TCR.HA+HD / VTCR.HA+HD: the walker marks DBM leaves written */
	/* the input addresses the bank translates (vcm_hw_regs.da_first/last);
	 * both 0: all. The other part of a TTBR0/TTBR1 split faults here. */
	vcm_da_t da_first, da_last;
	uint64_t sizes;         /* bit n: 2^n-byte entries of this bank are in the IOTLB */
	/* nested banks' stage 1: the bank's stage 2, through which every table
	 * address is fetched (NULL otherwise) */
	const struct sim_bank *s2;
};

struct sim_tlb_entry {
	uint64_t tag;           /* da >> size_lg2 */
	vcm_pa_t pa;            /* page_pa */
	uint64_t stamp;         /* LRU: last use */
	uint8_t size_lg2;
	uint8_t bank;
	uint8_t valid;
	uint8_t priv;           /* VCM_ACCESS_READ/WRITE/EXEC */
	uint8_t user;
	uint8_t level;          /* the leaf's lookup level */
	uint8_t clean;          /* writable-clean: a write must mark the descriptor first */
	uint8_t desc_lg2;       /* da bits one leaf descriptor covers */
	vcm_pa_t desc_pa;       /* descriptor of the first da the entry covers */
	/* nested entries: both stages combined; the permissions above are stage 1's */
	uint8_t nested;
	uint8_t s2_perm;        /* what stage 2 allows */
	uint8_t s2_level;
	vcm_pa_t s2_desc_pa;    /* stage 2's leaf (one descriptor covers the entry) */
	vcm_pa_t ipa;           /* IPA of the entry's first da */
};

/* How a device reaches physical memory: a CPU pointer to @pa (vcm_sim_*_cfg.pa_to_cpu). */
typedef void *sim_pa_to_cpu_fn(void *ctx, vcm_pa_t pa);

/* sim_mem.c: create-time steps shared by the IOMMU model and the DMA engine. */
/* cfg->plat has the metadata ops, and some pa_to_cpu exists: 0 or -EINVAL in @diag. */
int sim_check_mem_(const struct vcm_plat_ops *plat, sim_pa_to_cpu_fn *pa_to_cpu,
		   struct vcm_diag *diag);
/* The cfg's pa_to_cpu and its context if given, else the platform's own. */
void sim_mem_init_(const struct vcm_plat_ops *plat, sim_pa_to_cpu_fn *cfg_pa_to_cpu,
		   void *cfg_ctx, sim_pa_to_cpu_fn **pa_to_cpu, void **mem_ctx);
/* Copy at most @size - 1 bytes of @src (may be NULL) into @dst, which is zeroed. */
void sim_copy_name_(char *dst, size_t size, const char *src);

/* Read one descriptor of @bytes (4 or 8) at @pa: 0 or -EFAULT (no memory). */
struct vcm_sim_iommu;
int sim_read_desc_(struct vcm_sim_iommu *iommu, vcm_pa_t pa, unsigned int bytes, uint64_t *val);

/*
 * The walkers' contract. walk() decodes the tables for @da. On success it
 * fills *@out, including the leaf's level and descriptor address (the IOTLB
 * keeps them, so a permission fault on a hit reports them too). On a fault it
 * fills @f's kind, level (the manual's numbering of the lookup whose entry
 * faulted, or the level the manual gives a fault found before any lookup) and
 * desc_pa (that entry's physical address, VCM_FAULT_DESC_NONE when none was
 * read), and returns vcm_fault_errno() of the kind; the caller fills the rest
 * of the record. A descriptor that cannot be read is an external fault at the
 * level that read it.
 */
struct sim_walker {
	/* check @hw and fill @b's geometry; messages into @diag, under its call */
	int (*program)(struct vcm_sim_iommu *iommu, struct sim_bank *b,
		       const struct vcm_hw_regs *hw, struct vcm_diag *diag);
	int (*walk)(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		    struct vcm_sim_xlate *out, struct vcm_fault *f);
	/*
	 * Mark the leaf at @desc_pa written (hardware dirty state; NULL: the
	 * format has none): an atomic update of the descriptor in memory.
	 */
	int (*mark_dirty)(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_pa_t desc_pa);
	/* log2 of the da range one descriptor at @level covers */
	unsigned int (*desc_lg2)(const struct sim_bank *b, unsigned int level);
	unsigned int desc_bytes;  /* 4 (short descriptors) or 8 */
	unsigned int stage;       /* struct vcm_fault.stage: 0 single stage, 1, 2 */
	int off_level;            /* the level of the fault a disabled walk reports */
	uint32_t hw_version;
};

/* Record a walk fault in @f (kind, level, desc_pa); return its errno. */
static inline int sim_walk_fault_(struct vcm_fault *f, enum vcm_fault_kind kind, int level,
				  vcm_pa_t desc_pa)
{
	f->kind = kind;
	f->level = level;
	f->desc_pa = desc_pa;
	return vcm_fault_errno(kind);
}

extern const struct sim_walker sim_walker_v7s_;
extern const struct sim_walker sim_walker_v8s1_;
extern const struct sim_walker sim_walker_v8s2_;
extern const struct sim_walker sim_walker_v8nest_;

/*
 * A stage-2 fault of a nested walk: @f already holds what the stage-2 walk
 * found (kind, level, desc_pa); mark it stage 2 at @ipa, @flags
 * VCM_FAULT_S1PTW when it was met fetching a stage-1 descriptor.
 */
static inline int sim_s2_fault_(struct vcm_fault *f, vcm_pa_t ipa, unsigned int flags, int ret)
{
	f->stage = 2;
	f->ipa = ipa;
	f->flags = flags;
	return ret;
}

struct vcm_sim_iommu {
	uint32_t magic;
	struct vcm_sim_iommu_cfg cfg;
	char name[32];
	const struct sim_walker *walker;
	void *(*pa_to_cpu)(void *ctx, vcm_pa_t pa);
	void *mem_ctx;
	struct sim_bank bank[VCM_MAX_BASES];
	struct sim_bank s2bank[VCM_MAX_BASES]; /* nested kind: each bank's stage 2 */
	/* IOTLB: sets * ways entries, set s at [s * ways, (s + 1) * ways) */
	struct sim_tlb_entry *tlb;
	uint16_t *rr;           /* round-robin cursor per set */
	unsigned int sets, ways;
	uint64_t tick;
	bool drop_next;
	bool have_fault;
	struct vcm_fault last_fault;
	struct vcm_sim_iommu_stats st;
	struct vcm_diag diag;
};

/* IOTLB (iotlb.c). */
bool sim_tlb_lookup_(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		     struct sim_tlb_entry **hit);
void sim_tlb_insert_(struct vcm_sim_iommu *iommu, unsigned int bank,
		     const struct vcm_sim_xlate *x);
/* The descriptor address of @da inside hit @e. */
vcm_pa_t sim_tlb_desc_pa_(const struct vcm_sim_iommu *iommu, const struct sim_tlb_entry *e,
			  vcm_da_t da);
void sim_tlb_flush_bank_(struct vcm_sim_iommu *iommu, unsigned int bank);
void sim_tlb_flush_range_(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			  uint64_t len, uint64_t sizes);
/* Does a valid entry's output overlap [pa, pa + len)? With @ipa, nested
 * entries' IPAs are compared instead (the guest's physical addresses). */
bool sim_tlb_maps_pa_(const struct vcm_sim_iommu *iommu, vcm_pa_t pa, uint64_t len, bool ipa);

#endif /* VCM_SIM_INTERNAL_H */
