/* SPDX-License-Identifier: MIT */
/*
 * What a mapping allows, in format-neutral words: the page-table layer turns
 * these bits into each format's own (include/vcm/pgtable.h), and every mapper
 * and reservation speaks them (include/vcm/dev.h, vcm.h). Bits only: no
 * dependency on any layer.
 */
#ifndef VCM_PROT_H
#define VCM_PROT_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Protection: what a mapping allows, in format-neutral terms. Each format turns
 * it into its own bits or refuses (-EOPNOTSUPP) what it cannot express.
 * READ is required in every mapping.
 */
#define VCM_PT_PROT_READ      (1U << 0)
#define VCM_PT_PROT_WRITE     (1U << 1)
#define VCM_PT_PROT_EXEC      (1U << 2)
#define VCM_PT_PROT_USER      (1U << 3) /* unprivileged accesses allowed too */
#define VCM_PT_PROT_SECURE    (1U << 4) /* output in the Secure physical space */
#define VCM_PT_PROT_NONGLOBAL (1U << 5) /* TLB entries tagged with an ASID (Arm nG) */
#define VCM_PT_PROT_DEVICE    (1U << 6) /* device memory; cache and share fields 0 */
#define VCM_PT_PROT_INNER_SHIFT 8
#define VCM_PT_PROT_OUTER_SHIFT 10
#define VCM_PT_PROT_SH_SHIFT    12
#define VCM_PT_PROT_INNER_MASK  (3U << VCM_PT_PROT_INNER_SHIFT)
#define VCM_PT_PROT_OUTER_MASK  (3U << VCM_PT_PROT_OUTER_SHIFT)
#define VCM_PT_PROT_SH_MASK     (3U << VCM_PT_PROT_SH_SHIFT)
#define VCM_PT_PROT_ALL         0x3f7fU

/* Cache policies of normal memory, for the inner and outer fields (the 2010 API's). */
#define VCM_PT_CACHE_WBWA  0U /* write-back, write-allocate (the default) */
#define VCM_PT_CACHE_NC    1U /* not cached */
#define VCM_PT_CACHE_WBNWA 2U /* write-back, no write-allocate */
#define VCM_PT_CACHE_WT    3U /* write-through */
#define VCM_PT_PROT_INNER(c) ((unsigned int)(c) << VCM_PT_PROT_INNER_SHIFT)
#define VCM_PT_PROT_OUTER(c) ((unsigned int)(c) << VCM_PT_PROT_OUTER_SHIFT)

/* Shareability of normal memory. */
#define VCM_PT_SH_NONE  0U
#define VCM_PT_SH_INNER 1U
#define VCM_PT_SH_OUTER 2U
#define VCM_PT_PROT_SH(s) ((unsigned int)(s) << VCM_PT_PROT_SH_SHIFT)

/*
 * Harvesting the hardware dirty state (vcm_pt_read_clear_dirty(),
 * vcm_res_read_clear_dirty()): report only, leave the state as it is.
 */
#define VCM_DIRTY_NO_CLEAR (1U << 0)

#ifdef __cplusplus
}
#endif

#endif /* VCM_PROT_H */
