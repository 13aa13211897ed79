/* SPDX-License-Identifier: MIT */
/*
 * Part of the shared walker (walk_template.h): the whole-table validator
 * behind vcm_pt_check_(), for tests. It visits every linked table and checks
 * what the walker promises: each nonzero entry decodes and encodes back to
 * itself, each leaf's output address is aligned to its size and inside the
 * output space, leaves use sizes the table allows, contiguous groups are whole and
 * uniform, no linked table is empty, each table's live-entry count is its
 * number of nonzero entries, the counts hold no other table than the linked
 * and pooled ones, and the table memory adds up to vcm_pt_table_bytes().
 * Cost: every entry of every table.
 */
#ifndef FMT_PREFIX
#error "walk_check.h is included by walk_template.h"
#endif

struct check {
	struct vcm_pt *pt;
	uint64_t bytes;
	uint64_t tables; /* linked tables seen, the top level included */
	unsigned int memo_prot;
	struct vcm_pt_attr memo;
};

static int NS(check_fail)(struct check *c, const char *what, unsigned int lvl, vcm_da_t da,
			  FMT_ITEM e)
{
	return VCM_ERR(&c->pt->diag, -EFAULT, "level %u entry %#llx at da %#llx: %s",
		       lvl, vcm_ull((uint64_t)e), vcm_ull(da), what);
}

/*
 * The output address of the leaf @e at @lvl (its first address @da), as the
 * walker reads it: 0, or -EFAULT with a message when the walker faults on it
 * whatever the other bits say. Not aligned to the entry's size: bits the
 * manual wants 0 (RISC-V Privileged ISA 20211203 4.3.2 step 6, a misaligned
 * superpage: page fault; Arm DDI 0487 D5.3, the RES0 bits below a block's
 * output address). Beyond the output address size: on Arm an Address size
 * fault (the OA above TCR.IPS/VTCR.PS), on AMD v1 and RISC-V a frame the
 * configured output size does not have. Formats whose fmt_leaf_pa() masks such bits off
 * (x86_64, vtd_ss, armv7s) are caught by the validator's round trip instead.
 * Shared by the validator and vcm_pt_lookup().
 */
static int NS(leaf_oa_check)(struct vcm_pt *pt, unsigned int lvl, vcm_da_t da, FMT_ITEM e)
{
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	const vcm_pa_t pa = fmt_leaf_pa(pt, lvl, e);

	if ((pa & (isz - 1U)) != 0U)
		return VCM_ERR(&pt->diag, -EFAULT,
			       "level %u entry %#llx at da %#llx: its output address %#llx is not "
			       "aligned to its %#llx bytes (the walker faults)",
			       lvl, vcm_ull((uint64_t)e), vcm_ull(da), vcm_ull(pa), vcm_ull(isz));
	if (pa + isz - 1U > vcm_low_mask(pt->oas))
		return VCM_ERR(&pt->diag, -EFAULT,
			       "level %u entry %#llx at da %#llx: its output address %#llx is "
			       "beyond the %u-bit output space (the walker faults)",
			       lvl, vcm_ull((uint64_t)e), vcm_ull(da), vcm_ull(pa), pt->oas);
	return 0;
}

/* The leaf @e at @lvl, a group member @i of 2^@glg2 when @glg2 != 0, re-encoded. */
static int NS(check_leaf)(struct check *c, unsigned int lvl, vcm_da_t da, FMT_ITEM e,
			  unsigned int glg2, vcm_pa_t base, unsigned int i)
{
	struct vcm_pt *pt = c->pt;
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	unsigned int prot = fmt_leaf_prot(pt, lvl, e);
	int ret;

	if ((pt->sizes & (isz << glg2)) == 0U || (glg2 == 0U && !pt->leaf_ok[lvl]))
		return NS(check_fail)(c, "a leaf size the table does not use", lvl, da, e);
	/* before the round trip, which re-encodes these bits unchanged where they are kept */
	ret = NS(leaf_oa_check)(pt, lvl, da, e);
	if (ret != 0)
		return ret;
	if (prot != c->memo_prot) {
		c->memo.sizes_ok = ~UINT64_C(0);
		if (pt->fmt->prot_to_attr(pt, prot, &c->memo) != 0)
			return NS(check_fail)(c, "its prot does not encode", lvl, da, e);
		c->memo_prot = prot;
	}
	/* the walker's written mark is the one change it may make */
	if (fmt_hw_clean(pt, lvl, fmt_leaf_encode(pt, lvl, glg2 != 0U, base + i * isz, &c->memo)) !=
	    fmt_hw_clean(pt, lvl, e))
		return NS(check_fail)(c, "does not encode back to itself", lvl, da, e);
	return 0;
}

/* A contiguous group starting at @idx: every member a group leaf of one prot and base. */
static int NS(check_group)(struct check *c, const FMT_ITEM *table, unsigned int lvl,
			   unsigned int idx, vcm_da_t da)
{
	struct vcm_pt *pt = c->pt;
	const unsigned int glg2 = pt->contig_lg2[lvl], n = 1U << glg2;
	const uint64_t gsz = NS(lvl_size)(pt, lvl) << glg2;
	const vcm_pa_t base = vcm_align_down(fmt_leaf_pa(pt, lvl, table[idx]), gsz);

	if ((idx & (n - 1U)) != 0U)
		return NS(check_fail)(c, "a group member outside a whole group", lvl, da,
				      table[idx]);
	for (unsigned int i = 0; i < n; i++) {
		FMT_ITEM e = NS(entry_read)(&table[idx + i]);
		int ret;

		if (e == 0U || fmt_kind(pt, lvl, e) != FMT_LEAF || !fmt_leaf_contig(pt, lvl, e))
			return NS(check_fail)(c, "its contiguous group is not whole", lvl, da, e);
		ret = NS(check_leaf)(c, lvl, da, e, glg2, base, i);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int NS(check_lvl)(struct check *c, const FMT_ITEM *table, unsigned int lvl, vcm_da_t da)
{
	struct vcm_pt *pt = c->pt;
	const unsigned int n = NS(lvl_items)(pt, lvl);
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	FMT_ITEM next = 0; /* the single leaf that would continue the last one checked */
	const uint32_t *live = vcm_pt_live_find_(pt, table);
	uint32_t used = 0;
	int ret = 0;

	for (unsigned int i = 0; i < n; i++)
		used += table[i] != 0U;
	if (live == NULL || *live != used)
		return VCM_ERR(&pt->diag, -EFAULT,
			       "level %u table at da %#llx: %u entries in use, its count says %lld",
			       lvl, vcm_ull(da), (unsigned int)used,
			       live != NULL ? (long long)*live : -1LL);
	c->tables++;

	for (unsigned int i = 0; i < n && ret == 0; i++, da += isz) {
		FMT_ITEM e = NS(entry_read)(&table[i]);
		unsigned int kind;

		if (e == 0U)
			continue;
		/* the next page of a run just checked, same attributes: valid as well */
		if (e == next) {
			next = fmt_leaf_encode(pt, lvl, false, fmt_leaf_pa(pt, lvl, e) + isz, &c->memo);
			continue;
		}
		next = 0;
		kind = fmt_kind(pt, lvl, e);
		if (kind == FMT_EMPTY) {
			ret = NS(check_fail)(c, "does not decode", lvl, da, e);
		} else if (kind == FMT_LEAF && pt->contig_lg2[lvl] != 0U &&
			   fmt_leaf_contig(pt, lvl, e)) {
			ret = NS(check_group)(c, table, lvl, i, da);
			i += (1U << pt->contig_lg2[lvl]) - 1U;
			da += (((uint64_t)1 << pt->contig_lg2[lvl]) - 1U) * isz;
		} else if (kind == FMT_LEAF) {
			vcm_pa_t pa = fmt_leaf_pa(pt, lvl, e);

			ret = NS(check_leaf)(c, lvl, da, e, 0, pa, 0);
			if (ret == 0 && pa + isz - 1U <= vcm_low_mask(pt->oas) - isz)
				next = fmt_leaf_encode(pt, lvl, false, pa + isz, &c->memo);
		} else {
			vcm_pa_t pa = fmt_table_pa(pt, lvl, e);
			uint64_t size = vcm_pt_table_size_(pt, lvl - 1U, FMT_ITEM_LG2);
			const FMT_ITEM *child;

			if (fmt_table_encode(pt, lvl, pa) != e ||
			    !vcm_pt_table_reachable_(pt, pa, size))
				return NS(check_fail)(c, "a table entry that does not encode back",
						      lvl, da, e);
			child = NS(tbl_cpu)(pt, pa);
			if (NS(tbl_all_zero)(child, NS(lvl_items)(pt, lvl - 1U)))
				return NS(check_fail)(c, "points to an empty table", lvl, da, e);
			c->bytes += size;
			ret = NS(check_lvl)(c, child, lvl - 1U, da);
		}
	}
	return ret;
}

static int NS(check)(struct vcm_pt *pt)
{
	struct check c = { .pt = pt, .bytes = pt->root_size, .memo_prot = ~0U };
	int ret = NS(check_lvl)(&c, pt->root, pt->levels - 1U, 0);

	if (ret == 0 && c.bytes != pt->table_bytes)
		ret = VCM_ERR(&pt->diag, -EFAULT,
			      "linked tables hold %#llx bytes, vcm_pt_table_bytes says %#llx",
			      vcm_ull(c.bytes), vcm_ull(pt->table_bytes));
	if (ret == 0)
		ret = vcm_pt_mem_check_(pt, c.tables);
	return ret;
}
