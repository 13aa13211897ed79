/* SPDX-License-Identifier: MIT */
/*
 * The page-table layer: build, change, walk and free page tables in real
 * hardware formats. One format-neutral interface; each format (ARMv7 short
 * descriptor, ARMv8 long descriptor, ...) is a const ops table that the rest of
 * vcmm holds as a pointer and never switches on.
 *
 * Words (da, pa, len, last/end, level, leaf, sizes, granule...) are those of
 * docs/glossary.md; the algorithm is in docs/pgtable.md. In short: level 0 is
 * the level whose entries map the smallest pages; a leaf is an entry (or a
 * group of entries under a contiguous hint) that maps memory; sizes is a
 * bitmap of leaf sizes, bit n set = 2^n-byte leaves allowed.
 *
 * Errors: every call returns 0 or a negative errno and records
 * "vcm_pt_<call>: what was wrong" in the table's diag (vcm_pt_last_error()),
 * prefixed with the public call made, whichever part of the layer refused.
 *
 * Handles: a struct vcm_pt * is valid from vcm_pt_create() until
 * vcm_pt_destroy(). After destroy it is undefined, like a pointer after
 * free(): no call may be made with it. (Calls check a magic value, so one
 * made while the freed object's memory is still intact is refused with
 * -EINVAL; that is a debugging aid, not a guarantee.) Every call taking a
 * handle accepts NULL and refuses it (-EINVAL, 0 or a fixed string).
 *
 * Thread safety: a table is not locked internally. Calls on one table must be
 * serialised by the caller; different tables are independent.
 */
#ifndef VCM_PGTABLE_H
#define VCM_PGTABLE_H

#include <vcm/types.h>
#include <vcm/prot.h>
#include <vcm/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm_pt;
struct vcm_pt_fmt;

/* The formats. */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_armv7s; /* ARMv7 short descriptor */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_armv8;  /* ARMv8 long descriptor (VMSAv8-64) */
/* AMD IOMMU v1 host page tables (3 to 6 levels; vcm_pt_hw: DTE bits 63:0). */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_amdv1;
/*
 * RISC-V Sv39/Sv48/Sv57: cfg->ias 39, 48 or 57 picks the mode (0 = 39), oas 32
 * to 56 (0 = 56), granule 12 only; vcm_pt_hw() regs[0] is satp. With
 * VCM_PT_CFG_STAGE2 the G-stage Sv39x4/Sv48x4/Sv57x4: ias 41, 50 or 59
 * (0 = 41), a 16 KiB root, regs[0] is hgatp (RV64).
 */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_riscv;
/*
 * RISC-V Sv32 (32-bit PTEs): ias 32, oas 32 to 34 (0 = 34), regs[0] is an
 * RV32 satp. With VCM_PT_CFG_STAGE2 the G-stage Sv32x4: ias 34, a 16 KiB
 * root, regs[0] is an RV32 hgatp. No Svnapot or Svpbmt.
 */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_riscv32;
/* x86 formats (src/pgtable/fmt_x86.c, fmt_vtd.c). x86_64: ias 48 or 57, da
 * without sign extension, cfg->mair carries IA32_PAT (0 = power-up value);
 * regs CR3, CR4, IA32_PAT. vtd_ss: ias 39/48/57; regs = context entry. */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_x86_64; /* x86-64 4- and 5-level paging */
VCM_API extern const struct vcm_pt_fmt vcm_pt_fmt_vtd_ss; /* Intel VT-d second stage */

/** vcm_pt_fmt_name() - short name of a format ("armv7s", "armv8"). */
VCM_API const char *vcm_pt_fmt_name(const struct vcm_pt_fmt *fmt);

/* Protection bits (VCM_PT_PROT_*): include/vcm/prot.h. */

/**
 * vcm_pt_prot_check() - the format-neutral rules of a VCM_PT_PROT_* value:
 * no unknown bit, READ set, no cache or share field with DEVICE, no reserved
 * share value. What a given format cannot express is its own refusal, made
 * when the format is known (vcm_pt_map(), vcm_assoc()).
 * @prot: the value to check.
 * @diag: where a refusal is recorded, under the call @diag was entered with
 *        (vcm_diag_enter()); may be NULL.
 *
 * Every map of this layer and every reservation of the graph checks with it,
 * so a bad prot is refused when the reservation is made.
 *
 * Return: 0, or -EINVAL with a message naming prot.
 */
VCM_API int vcm_pt_prot_check(unsigned int prot, struct vcm_diag *diag);

/* Configuration flags. */
#define VCM_PT_CFG_STAGE2   (1U << 0) /* ARMv8 stage 2 (IPA -> PA), RISC-V G-stage table */
#define VCM_PT_CFG_SECURE   (1U << 1) /* walked in the Secure state: the NS bit is used */
#define VCM_PT_CFG_COHERENT (1U << 2) /* walker snoops CPU caches: no cache_clean calls */
/*
 * Hardware dirty tracking (vcm_pt_read_clear_dirty()): writable leaves are
 * written clean and the walker records the first write in the entry. armv8:
 * DBM with AP[2] (stage 1) or S2AP[1] (stage 2), and TCR.HA/HD set in the
 * registers; x86-64, vtd, amdv1, riscv: the leaf's D bit left 0 for the
 * hardware to set. armv7s has no dirty state: refused at create.
 */
#define VCM_PT_CFG_DIRTY    (1U << 3)
/* The most emptied tables a table with VCM_PT_CFG_POOL keeps. */
#define VCM_PT_POOL_MAX 16U
/*
 * Keep up to VCM_PT_POOL_MAX emptied tables for the next map instead of giving
 * them back to the platform at once (docs/pgtable.md, "Table memory"):
 * vcm_pt_pool_bytes() says how much; vcm_pt_destroy() gives them back.
 */
#define VCM_PT_CFG_POOL     (1U << 4)
/*
 * ARMv8 only: the walker has FEAT_BBM level 2 (an SMMUv3 with SMMU_IDR3.BBML
 * = 2), so a block may become a table of the same memory without
 * break-before-make: a split never leaves a hole a device could fault in.
 * x86-64, VT-d, AMD v1 and RISC-V split that way always (their manuals ask
 * for no break); ARMv7 and ARMv8 without it break first (docs/pgtable.md).
 */
#define VCM_PT_CFG_BBML2    (1U << 5)
/*
 * Flush after a map too: every map call (vcm_pt_map(), _map_sizes(),
 * _map_segs()) asks for one flush of exactly the range it made valid, leaf
 * only unless it linked a new table (docs/pgtable.md, "TLB callbacks"). For
 * walkers that may cache not-present entries: Intel VT-d with CAP_REG.CM = 1
 * (Caching Mode, usual for an emulated IOMMU), an AMD IOMMU reporting
 * NpCache, RISC-V harts without Svvptc. Without it a map into empty entries
 * makes no flush, which is all Arm and VT-d with CM = 0 need.
 */
#define VCM_PT_CFG_FLUSH_MAP (1U << 6)
/* RISC-V only (fmt_riscv.c): the Svnapot 64 KiB leaf, Svpbmt memory types (NC, IO). */
#define VCM_PT_CFG_RISCV_SVNAPOT (1U << 8)
#define VCM_PT_CFG_RISCV_SVPBMT  (1U << 9)
#define VCM_PT_CFG_RISCV_ALL     (VCM_PT_CFG_RISCV_SVNAPOT | VCM_PT_CFG_RISCV_SVPBMT)
/*
 * Sum every TLB flush the table asks for, for vcm_pt_tlb_hint() (a caller
 * that invalidates later on its own, as the graph does). Off by default: it
 * costs a little on each flush.
 */
#define VCM_PT_CFG_TLB_SUM  (1U << 12)
#define VCM_PT_CFG_ALL      (0x7fU | VCM_PT_CFG_RISCV_ALL | VCM_PT_CFG_TLB_SUM)

/**
 * struct vcm_pt_tlb_ops - how the table tells its walkers' TLBs what changed.
 * @flush_range: invalidate cached translations of [@da, @da + @len). @leaf
 *               is true when only leaf entries changed; false when a table was
 *               unlinked, replaced or newly linked, so walk caches must be
 *               invalidated too. Called once per unmap call for the whole
 *               range changed, and in the middle of a call when
 *               break-before-make requires it. A map into empty entries
 *               calls it only with VCM_PT_CFG_FLUSH_MAP (once, for the range
 *               mapped); a failed map flushes what its rollback cleared.
 *               @len is never 0: a change that spans the whole of a 64-bit
 *               space (amdv1, ias 64) is flushed as two halves of 2^63.
 * @flush_range_hint: optional; when set, called instead of @flush_range with
 *               what the range held (struct vcm_tlb_hint): the sizes of the
 *               leaf entries cleared or replaced in it (for a map flush, the
 *               sizes written), and whether only leaves changed. Each
 *               gathered range carries its own hint.
 */
struct vcm_pt_tlb_ops {
	void (*flush_range)(void *ctx, vcm_da_t da, uint64_t len, bool leaf);
	void (*flush_range_hint)(void *ctx, vcm_da_t da, uint64_t len,
				 const struct vcm_tlb_hint *hint);
};

/**
 * struct vcm_pt_cfg - what to build.
 * @fmt:         the format (required).
 * @ias:         input address bits; 0 = the format's default (armv7s: 32,
 *               armv8: 48). armv8 takes 25..48 (stage 1) or 25..48 (stage 2).
 *               amdv1: 48; takes 39..64 (3 levels up to 39 bits, 4, 5, 6 above 57).
 * @oas:         output address bits; 0 = default (armv7s: 32, armv8: 48);
 *               armv8 takes 32, 36, 40, 42, 44, 48.
 *               amdv1: 52; takes 32..52.
 * @granule_lg2: translation granule; 0 = 12. armv8 takes 12, 14, 16.
 * @flags:       VCM_PT_CFG_*.
 * @page_sizes:  leaf sizes this table may use (bit n = 2^n bytes), including
 *               the sizes reached with a contiguous hint; 0 = all the format
 *               has for this granule. Must include the granule size.
 *               amdv1: at most one NextLevel-7 size per level (8K..1M,
 *               4M..512M, 2G..256G); 0 = 4K, 64K, 2M, 32M, 1G, 16G.
 * @mair:        armv8 stage 1 only: the MAIR value the walker uses; 0 = the
 *               vcmm default (see docs/pgtable.md). Cache policies are found
 *               in it by value; a policy it lacks is -EOPNOTSUPP at map time.
 * @plat:        platform ops: table memory and metadata (required).
 * @tlb:         TLB callbacks (NULL: none are made).
 * @tlb_ctx:     first argument of the TLB callbacks.
 */
struct vcm_pt_cfg {
	const struct vcm_pt_fmt *fmt;
	unsigned int ias;
	unsigned int oas;
	unsigned int granule_lg2;
	uint32_t flags;
	uint64_t page_sizes;
	uint64_t mair;
	const struct vcm_plat_ops *plat;
	const struct vcm_pt_tlb_ops *tlb;
	void *tlb_ctx;
};

/**
 * struct vcm_pt_leaf - one mapping as a walker sees it.
 * @da:       first input address of the leaf (aligned to its size).
 * @pa:       first output address.
 * @size_lg2: log2 of the leaf size in bytes (a contiguous group counts whole).
 * @level:    level of the entry (0 = smallest pages).
 * @prot:     VCM_PT_PROT_* decoded from the entry.
 * @contig:   true when the leaf is a group of entries under a contiguous hint.
 */
struct vcm_pt_leaf {
	vcm_da_t da;
	vcm_pa_t pa;
	unsigned int size_lg2;
	unsigned int level;
	unsigned int prot;
	bool contig;
};

/*
 * struct vcm_hw_regs (include/vcm/types.h), as vcm_pt_hw() fills it: @fmt is
 * vcm_pt_fmt_name(); @regs per format:
 *   armv8 stage 1: TCR_EL1 (TTBR0 half: T0SZ, IRGN0, ORGN0, SH0, TG0, IPS;
 *   HA and HD with VCM_PT_CFG_DIRTY), MAIR_EL1, TTBR0_EL1; stage 2:
 *   VTCR_EL2 (HA and HD with VCM_PT_CFG_DIRTY), 0, VTTBR_EL2.
 *   armv7s: TTBCR (N only: with N > 0 the addresses above 2^ias go to
 *   TTBR1, which the caller disables with TTBCR.PD1 where the Security
 *   Extensions give it, or points at an empty table), 0, TTBR0.
 *   amdv1: DTE bits 63:0 (V, TV, Mode, root pointer, IR, IW; HAD 11b with
 *   VCM_PT_CFG_DIRTY), 0, 0.
 *   vtd_ss: context entry bits 63:0 and 127:64, then what the table needs
 *   of a scalable-mode PASID entry beyond its pointer: SSADE (bit 9) with
 *   VCM_PT_CFG_DIRTY, else 0 (a legacy context entry cannot turn D updates
 *   on, so a unit driven with context entries must refuse such a table).
 *   x86_64: CR3, CR4, IA32_PAT.   riscv, riscv32: satp (G-stage: hgatp), 0, 0.
 */

/**
 * vcm_pt_create() - make an empty table.
 * @cfg:  what to build; copied, so it need not outlive the call.
 * @out:  receives the table.
 * @diag: optional: receives the message when the configuration is refused.
 *
 * Return: 0; -EINVAL for a NULL or unknown argument, or a value the format
 * does not take (the message names the field); -ENOMEM if the platform cannot
 * give the top-level table or the metadata; -ERANGE the platform gave
 * top-level table memory the format cannot point at (beyond the output
 * address size: armv7s 32 bits, armv8 cfg->oas), the message names its pa.
 * On error nothing is kept.
 */
VCM_API int vcm_pt_create(const struct vcm_pt_cfg *cfg, struct vcm_pt **out, struct vcm_diag *diag);

/**
 * vcm_pt_cfg_check() - would vcm_pt_create() take @cfg's format, flags and
 * sizes? Allocates nothing; @cfg->plat is not looked at.
 * Return: 0; -EINVAL as vcm_pt_create() (the message names the field).
 */
VCM_API int vcm_pt_cfg_check(const struct vcm_pt_cfg *cfg, struct vcm_diag *diag);

/**
 * vcm_pt_destroy() - free every table and the object. The caller has stopped
 * every walker and invalidated their TLBs; no TLB callback is made.
 * @pt: the table, or NULL (ignored). Undefined afterwards (see the top).
 *
 * Return: 0.
 */
VCM_API int vcm_pt_destroy(struct vcm_pt *pt);

/**
 * vcm_pt_map() - map [@da, @da + @len) to [@pa, @pa + @len).
 * @pt:   the table.
 * @da:   aligned to the granule.
 * @pa:   aligned to the granule.
 * @len:  bytes, a nonzero multiple of the granule.
 * @prot: VCM_PT_PROT_*.
 *
 * Walks the table once, using at each address the largest leaf that the
 * alignment of da and pa, the remaining length and cfg->page_sizes allow
 * (contiguous hints included).
 *
 * Return: 0; -EINVAL NULL @pt, misaligned or zero argument, prot without
 * READ or with unknown bits; -EOVERFLOW da + len or pa + len wraps; -ERANGE
 * outside the input or output address size, or the platform gave table memory
 * the format cannot point at (the message names its pa); -EOPNOTSUPP prot the
 * format cannot express, or the range is not aligned to the smallest leaf
 * size the prot can use (the message lists those sizes); -EEXIST part of the
 * range is already mapped; -ENOMEM table memory ran out, or the metadata
 * counting the tables could not grow (the message says which). On any error the table is exactly as before (what was
 * written is unmapped again, with TLB callbacks).
 */
VCM_API int vcm_pt_map(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		       unsigned int prot);

/**
 * vcm_pt_map_sizes() - vcm_pt_map() restricted to the leaf sizes in @sizes.
 * @sizes: ANDed with the table's sizes; must include the granule size.
 *
 * The restriction holds for this call only: a later vcm_pt_unmap() that cuts
 * one of these leaves splits it into any of the table's sizes.
 *
 * Return: as vcm_pt_map(); -EINVAL also when @sizes lacks the granule;
 * -EOPNOTSUPP also when @sizes keeps none of the sizes the prot can use.
 */
VCM_API int vcm_pt_map_sizes(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
			     unsigned int prot, uint64_t sizes);

/**
 * vcm_pt_map_segs() - map @nr pieces of memory at consecutive addresses from
 * @da: @seg[0] at @da, @seg[1] right after it, and so on, each as vcm_pt_map()
 * would map it alone (the largest leaves its da, pa and length allow), in
 * one walk of the table. For memory made of many scattered pieces: one call
 * instead of one per piece.
 * @seg: @nr pieces; each pa and len aligned to the granule, len nonzero.
 * @nr:  at least 1.
 *
 * Every piece is checked before anything is written; a message about one
 * names it ("vcm_pt_map_segs: seg[3]: pa 0x... is not 0x1000-aligned").
 * The whole range [@da, @da + sum of the lengths) is one range for
 * vcm_pt_unmap(): it unmaps what this call made without a split.
 *
 * Return: as vcm_pt_map(), and -EINVAL for NULL @seg or @nr 0. On any error
 * the table is exactly as before.
 */
VCM_API int vcm_pt_map_segs(struct vcm_pt *pt, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
			    unsigned int prot);

/**
 * vcm_pt_unmap() - unmap whatever is mapped in [@da, @da + @len).
 * @da:       aligned to the granule.
 * @len:      nonzero multiple of the granule.
 * @unmapped: optional: receives the number of bytes that were mapped.
 *
 * Holes in the range are allowed. A leaf that straddles an end of the range is
 * split (break-before-make: invalidate, flush, write the smaller leaves) so the
 * part outside stays mapped. A split writes only leaf sizes of the table
 * (cfg->page_sizes); where a level has none, it writes tables of smaller
 * leaves instead, which can take many tables (a 1 GiB block of a 4K|1G table
 * becomes 512 tables of 4 KiB pages). Tables left empty are freed after the
 * TLB flush.
 *
 * Return: 0; -EINVAL/-EOVERFLOW/-ERANGE bad arguments; -ENOENT nothing in the
 * range was mapped; -ENOMEM a split needed table memory that was not there;
 * -ERANGE a split was given table memory the format cannot point at;
 * -EOPNOTSUPP the range cuts a leaf whose attributes only larger leaves can
 * carry (an armv7s Secure section cut below 1 MiB).
 * On error nothing has changed.
 */
VCM_API int vcm_pt_unmap(struct vcm_pt *pt, vcm_da_t da, uint64_t len, uint64_t *unmapped);

/**
 * vcm_pt_lookup() - translate @da as the hardware would.
 * @out: receives the leaf that maps @da (its whole extent).
 *
 * Return: 0; -ENOENT not mapped; -ERANGE @da outside the input size;
 * -EFAULT the leaf found has an output address the walker faults on (not
 * aligned to the leaf's size, or beyond the output address size: a
 * corrupted entry), named in the message as vcm_pt_check_() would name it.
 */
VCM_API int vcm_pt_lookup(struct vcm_pt *pt, vcm_da_t da, struct vcm_pt_leaf *out);

/**
 * vcm_pt_walk() - call @fn for every leaf that overlaps [@da, @da + @len),
 * in address order. A nonzero return from @fn stops the walk and is returned.
 * The table must not be changed from @fn.
 *
 * Return: 0, @fn's nonzero value, or -EINVAL/-EOVERFLOW/-ERANGE bad range.
 */
VCM_API int vcm_pt_walk(struct vcm_pt *pt, vcm_da_t da, uint64_t len, int (*fn)(void *arg,
			const struct vcm_pt_leaf *leaf), void *arg);

/**
 * vcm_pt_read_clear_dirty() - report the leaves written since the last clear.
 * @pt:    a table created with VCM_PT_CFG_DIRTY.
 * @da:    first address looked at.
 * @len:   bytes looked at (da + len may be 2^ias, not beyond).
 * @flags: VCM_DIRTY_NO_CLEAR or 0 (include/vcm/prot.h).
 * @fn:    called once per dirty leaf, in address order, with the leaf's whole
 *         span (a block or a contiguous group is reported whole, even where
 *         it reaches outside [da, da + len)); a nonzero return stops the walk
 *         and is returned (leaves already reported stay cleared).
 * @arg:   first argument of @fn.
 *
 * Unless VCM_DIRTY_NO_CLEAR, each dirty leaf is made clean with an atomic
 * update (a write the walker makes meanwhile is not lost: it stays dirty or
 * is reported) and the cleared range is flushed from the TLBs (leaf only),
 * so the next write marks it again. A split of a dirty block keeps its pieces
 * dirty; an unmap drops the state with the mapping.
 *
 * Return: 0, what @fn returned, or -EINVAL (bad handle, @len 0, NULL @fn,
 * unknown flags, a table without VCM_PT_CFG_DIRTY) / -ERANGE (the range leaves the
 * input space) / -EOVERFLOW (@da + @len wraps), with a message naming the
 * argument.
 */
VCM_API int vcm_pt_read_clear_dirty(struct vcm_pt *pt, vcm_da_t da, uint64_t len,
				    unsigned int flags,
				    int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg);

/**
 * vcm_pt_check_() - whole-table validator, a debugging and test aid: every
 * linked table is nonempty and its entries decode (and encode back to
 * themselves), each leaf's output address is aligned to its size and inside
 * the output space (anything else the walker faults on), leaves use the
 * table's sizes, contiguous groups are whole and
 * uniform, each table's live-entry count matches its nonzero entries, pooled
 * tables are zero, and the linked tables add up to vcm_pt_table_bytes().
 * Cost: every entry of every table.
 *
 * Return: 0; -EINVAL @pt NULL; -EFAULT with the reason in the last error.
 */
VCM_API int vcm_pt_check_(struct vcm_pt *pt);

/** vcm_pt_hw() - fill @out with the values to program into the hardware. */
VCM_API int vcm_pt_hw(struct vcm_pt *pt, struct vcm_hw_regs *out);

/** vcm_pt_page_sizes() - the leaf sizes this table uses (bit n = 2^n bytes); 0 if @pt is NULL. */
VCM_API uint64_t vcm_pt_page_sizes(const struct vcm_pt *pt);

/** vcm_pt_ias() - input address bits of this table; 0 if @pt is NULL. */
VCM_API unsigned int vcm_pt_ias(const struct vcm_pt *pt);

/**
 * vcm_pt_table_bytes() - bytes of table memory the table holds now (linked
 * tables and the top level; not the pool); 0 if @pt is NULL.
 */
VCM_API uint64_t vcm_pt_table_bytes(const struct vcm_pt *pt);

/**
 * vcm_pt_pool_bytes() - bytes of emptied tables kept for reuse
 * (VCM_PT_CFG_POOL; at most VCM_PT_POOL_MAX tables), held from the platform
 * on top of vcm_pt_table_bytes(); 0 if @pt is NULL or has no pool.
 */
VCM_API uint64_t vcm_pt_pool_bytes(const struct vcm_pt *pt);

/**
 * vcm_pt_tlb_hint() - what the TLB flushes the table asked for since the
 * last call said, summed, then forgotten: the union of their leaf sizes (0
 * when one did not know them) and leaf-only when all were. For a table made
 * with VCM_PT_CFG_TLB_SUM (cfg->tlb set or not), whose owner invalidates
 * later on its own (the graph, once per call, over the range it changed).
 * Return: true and *@hint; false when no flush was asked for, the table has
 * no VCM_PT_CFG_TLB_SUM, or an argument is NULL.
 */
VCM_API bool vcm_pt_tlb_hint(struct vcm_pt *pt, struct vcm_tlb_hint *hint);

/**
 * vcm_pt_last_error() - "vcm_pt_<call>: message" of the last failure on @pt,
 * "" if none; a fixed string if @pt is NULL.
 */
VCM_API const char *vcm_pt_last_error(const struct vcm_pt *pt);

#ifdef __cplusplus
}
#endif

#endif /* VCM_PGTABLE_H */
