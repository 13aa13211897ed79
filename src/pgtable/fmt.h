/* SPDX-License-Identifier: MIT */
/*
 * The contract between a page-table format and the shared walker.
 *
 * A format file (fmt_<name>.c) writes its hooks under its own prefix
 * (v7s_kind, armv8_kind: one name per symbol in the library), maps them onto
 * the fmt_* names below with #define, as generic_pt does, and then defines,
 * before including walk_template.h:
 *
 *   FMT_ITEM           the entry type (uint32_t or uint64_t)
 *   FMT_ITEM_LG2       log2 of sizeof(FMT_ITEM)
 *   FMT_PREFIX         the prefix of the walker's functions (armv8 -> armv8_map_lvl)
 *   FMT_OPS            the name of the const struct vcm_pt_fmt to define
 *   FMT_NAME           its short name, a string
 *
 * The hooks (static inline unless noted). Encoders are pure: the walker does
 * every store. Entries the walker writes as "empty" are 0, which is invalid in
 * every supported format. A hook that refuses records its message with
 * VCM_ERR() (src/util/fail.h): the public call being served entered its name
 * in the record once, so no hook names itself.
 *
 *   int fmt_init(struct vcm_pt *pt, struct vcm_diag *diag)  (static)
 *       Check pt->cfg for this format; fill the geometry in pt (levels,
 *       shift, items_lg2, contig_lg2, leaf_ok, sizes, ias, oas...). Each
 *       refusal names the field. No table memory is touched.
 *   int fmt_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
 *                        struct vcm_pt_attr *attr)                      (static)
 *       Turn a checked VCM_PT_PROT_* value into attribute bits per level and
 *       contiguous flag; -EOPNOTSUPP (with a message in pt->diag) for what the
 *       format cannot express.
 *   void fmt_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)        (static)
 *       Register values for the driver; root_pa and friends are set already.
 *   unsigned int fmt_kind(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e)
 *       FMT_EMPTY, FMT_TABLE or FMT_LEAF for a nonzero or zero entry at lvl.
 *   bool fmt_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e)
 *       The leaf is one of a contiguous group (2^contig_lg2[lvl] entries).
 *   void fmt_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
 *                             FMT_ITEM *mask, FMT_ITEM *value)
 *       An entry at lvl is a leaf on its own (valid, not a table, not in a
 *       contiguous group) exactly when (e & *mask) == *value. A mask test,
 *       because it runs in vectorised loops.
 *   vcm_pa_t fmt_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e)
 *       Output address in a leaf; for a group member either its own address
 *       or the group's (the walker aligns it down to the group size).
 *   vcm_pa_t fmt_table_pa(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e)
 *   FMT_ITEM fmt_leaf_encode(const struct vcm_pt *pt, unsigned int lvl,
 *                            bool contig, vcm_pa_t pa, const struct vcm_pt_attr *a)
 *       A leaf at lvl for pa (aligned to the entry's own size; for a group
 *       member, the member's address).
 *   FMT_ITEM fmt_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
 *       An entry at lvl pointing to a table of level lvl - 1 at pa. The walker
 *       only passes table addresses below 2^oas (vcm_pt_table_reachable_()).
 *   unsigned int fmt_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e)
 *       The VCM_PT_PROT_* value the leaf was encoded from; must round-trip
 *       through fmt_prot_to_attr exactly, because splitting a block re-encodes
 *       its pieces from it.
 *
 * Hooks that several formats would write identically have default bodies in
 * fmt_defaults.h: a format leaves them out and includes that header before
 * walk_template.h (x86_64 and vtd_ss take six, armv8 two).
 *
 * tests/pgtable/test_pt_hooks.c checks every hook of a format, level by level
 * and size by size: it includes the format file with VCM_PT_HOOK_TEST set,
 * which leaves the walker out.
 */
#ifndef VCM_PT_FMT_H
#define VCM_PT_FMT_H

#include "pt_internal.h"

#define FMT_EMPTY 0U
#define FMT_TABLE 1U
#define FMT_LEAF  2U

#endif /* VCM_PT_FMT_H */
