// SPDX-License-Identifier: MIT
/*
 * Table memory of one vcm_pt, format-neutral: the live-entry count of every
 * table it holds, and the pool of emptied tables (VCM_PT_CFG_POOL).
 *
 * The counts let an unmap learn in O(1) whether it emptied a table, where a
 * scan of a 4 KiB table reads 64 cache lines. They live in a side hash keyed
 * by the table's CPU pointer, not in the entries: a count needs up to 14 bits
 * (8192 entries of a 64K-granule table), and not every format has that many
 * bits free in its entries (an ARMv7 short-descriptor small page has none to
 * spare). Only the walker changes entries, so only the walker changes counts.
 *
 * The hash keeps at most half of its slots used, doubles when that is
 * exceeded and halves when an eighth or less is used, never below CNT_MIN
 * slots; with only the top level left it is back at its first size, so a
 * table that was filled and emptied again holds the metadata it started with.
 */
#include "pt_internal.h"

#define CNT_MIN 16U /* slots at create: room for the top level and 7 tables */

/* Enter @key (not present; a free slot exists) with live 0. */
static void cnt_put(struct vcm_pt_cnt *slot, uint32_t mask, uintptr_t key, uint32_t live)
{
	uint32_t i = vcm_pt_cnt_hash_(key) & mask;

	while (slot[i].key != 0U)
		i = (i + 1U) & mask;
	slot[i].key = key;
	slot[i].live = live;
}

/* Move the counts to a hash of @slots slots (a power of two); -ENOMEM. */
static int cnt_resize(struct vcm_pt *pt, uint32_t slots)
{
	struct vcm_pt_cnt *old = pt->cnt, *cnt;
	const uint32_t old_slots = pt->cnt_mask + 1U;

	cnt = pt->plat.meta_alloc(pt->plat.ctx, (size_t)slots * sizeof(*cnt));
	if (cnt == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < slots; i++) /* no libc: the layer also runs freestanding */
		cnt[i] = (struct vcm_pt_cnt){ 0, 0 };
	if (old != NULL) {
		for (uint32_t i = 0; i < old_slots; i++)
			if (old[i].key != 0U)
				cnt_put(cnt, slots - 1U, old[i].key, old[i].live);
		pt->plat.meta_free(pt->plat.ctx, old, (size_t)old_slots * sizeof(*old));
	}
	pt->cnt = cnt;
	pt->cnt_mask = slots - 1U;
	pt->wc.live = NULL; /* the slots moved */
	return 0;
}

/* Take @key out (backward-shift deletion: no tombstones, probes stay short). */
static void cnt_remove(struct vcm_pt *pt, uintptr_t key)
{
	struct vcm_pt_cnt *slot = pt->cnt;
	const uint32_t mask = pt->cnt_mask;
	uint32_t i = vcm_pt_cnt_hash_(key) & mask, j;

	while (slot[i].key != key) {
		VCM_ASSERT(slot[i].key != 0U);
		i = (i + 1U) & mask;
	}
	j = i;
	for (;;) {
		uint32_t home;

		j = (j + 1U) & mask;
		if (slot[j].key == 0U)
			break;
		home = vcm_pt_cnt_hash_(slot[j].key) & mask;
		/* slot j stays when its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		slot[i] = slot[j];
		i = j;
	}
	slot[i].key = 0;
	slot[i].live = 0;
	pt->cnt_used--;
	pt->wc.live = NULL;
	/* a shrink that finds no memory leaves the larger hash, which still works */
	if (pt->cnt_mask + 1U > CNT_MIN && (uint64_t)pt->cnt_used * 8U <= pt->cnt_mask + 1U)
		(void)cnt_resize(pt, (pt->cnt_mask + 1U) / 2U);
}

int vcm_pt_mem_init_(struct vcm_pt *pt)
{
	int ret = cnt_resize(pt, CNT_MIN);

	if (ret != 0)
		return ret;
	pt->tbl_size = vcm_pt_table_size_(pt, 0, pt->item_lg2);
	pt->pool_max = VCM_PT_POOL_MAX;
	cnt_put(pt->cnt, pt->cnt_mask, (uintptr_t)pt->root, 0);
	pt->cnt_used = 1;
	return 0;
}

void vcm_pt_mem_fini_(struct vcm_pt *pt)
{
	while (pt->npool != 0U) {
		const struct vcm_pt_pooled *p = &pt->pool[--pt->npool];

		pt->plat.table_free(pt->plat.ctx, p->pa, p->cpu, pt->tbl_size);
	}
	pt->plat.meta_free(pt->plat.ctx, pt->cnt, (size_t)(pt->cnt_mask + 1U) * sizeof(*pt->cnt));
	pt->cnt = NULL;
	pt->cnt_used = 0;
}

const uint32_t *vcm_pt_live_find_(const struct vcm_pt *pt, const void *table)
{
	const uintptr_t key = (uintptr_t)table;

	for (uint32_t i = vcm_pt_cnt_hash_(key) & pt->cnt_mask, n = 0; n <= pt->cnt_mask;
	     i = (i + 1U) & pt->cnt_mask, n++) {
		if (pt->cnt[i].key == key)
			return &pt->cnt[i].live;
		if (pt->cnt[i].key == 0U)
			break;
	}
	return NULL;
}

int vcm_pt_tbl_alloc_(struct vcm_pt *pt, uint64_t size, vcm_pa_t *pa, void **cpu)
{
	int ret;

	/* a pooled table is zero: its entries were cleared (and cleaned) one by one */
	if (pt->npool != 0U && size == pt->tbl_size) {
		const struct vcm_pt_pooled *p = &pt->pool[--pt->npool];

		*pa = p->pa;
		*cpu = p->cpu;
		pt->table_bytes += size;
		return 0;
	}
	/* room in the counts first: nothing to undo if there is none */
	if ((uint64_t)(pt->cnt_used + 1U) * 2U > pt->cnt_mask + 1U) {
		ret = cnt_resize(pt, (pt->cnt_mask + 1U) * 2U);
		if (ret != 0)
			return -ENOSPC; /* the metadata, not the table memory: said apart */
	}
	if (pt->plat.table_alloc(pt->plat.ctx, size, size, pa, cpu) != 0)
		return -ENOMEM;
	if (!vcm_pt_table_reachable_(pt, *pa, size)) {
		pt->plat.table_free(pt->plat.ctx, *pa, *cpu, size);
		return -ERANGE;
	}
	cnt_put(pt->cnt, pt->cnt_mask, (uintptr_t)*cpu, 0);
	pt->cnt_used++;
	pt->table_bytes += size;
	return 0;
}

void vcm_pt_tbl_free_(struct vcm_pt *pt, vcm_pa_t pa, void *cpu, uint64_t size)
{
	pt->table_bytes -= size;
	if ((pt->cfg.flags & VCM_PT_CFG_POOL) != 0U && pt->npool < pt->pool_max &&
	    size == pt->tbl_size) {
		pt->pool[pt->npool++] = (struct vcm_pt_pooled){ cpu, pa };
		return;
	}
	cnt_remove(pt, (uintptr_t)cpu);
	/* every entry was cleared: the platform need not clear it again */
	if (pt->plat.table_free_zero != NULL)
		pt->plat.table_free_zero(pt->plat.ctx, pa, cpu, size);
	else
		pt->plat.table_free(pt->plat.ctx, pa, cpu, size);
}

int vcm_pt_mem_check_(struct vcm_pt *pt, uint64_t linked)
{
	for (unsigned int i = 0; i < pt->npool; i++) {
		const uint8_t *b = pt->pool[i].cpu;
		const uint32_t *live = vcm_pt_live_find_(pt, b);

		for (uint64_t k = 0; k < pt->tbl_size; k++)
			if (b[k] != 0U)
				return VCM_ERR(&pt->diag, -EFAULT,
					       "pooled table at pa %#llx is not zero at byte %#llx",
					       vcm_ull(pt->pool[i].pa), vcm_ull(k));
		if (live == NULL || *live != 0U)
			return VCM_ERR(&pt->diag, -EFAULT,
				       "pooled table at pa %#llx has no count of 0",
				       vcm_ull(pt->pool[i].pa));
	}
	if (pt->cnt_used != linked + pt->npool)
		return VCM_ERR(&pt->diag, -EFAULT,
			       "the counts hold %llu tables, %llu are linked and %u pooled",
			       vcm_ull(pt->cnt_used), vcm_ull(linked), pt->npool);
	return 0;
}
