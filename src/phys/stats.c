// SPDX-License-Identifier: MIT
/*
 * Read-only views of a set: per-memtype statistics and the whole-structure
 * validator that tests run after every operation. Nothing here changes state
 * except the diag message of a failed check and the run index, a cache of the
 * block states that stats builds or brings up to date (buddy.c).
 */
#include "phys_internal.h"

_Static_assert(sizeof(struct vcm_phys_stats) ==
	       4 * sizeof(uint64_t) + 2 * sizeof(unsigned int) +
	       2 * VCM_PHYS_MAX_SIZES * sizeof(uint64_t), "struct vcm_phys_stats has padding");

int vcm_phys_stats(struct vcm_phys *phys, unsigned int memtype, struct vcm_phys_stats *st)
{
	const struct phys_mt *mt;
	unsigned int n = 0, top_lg2;
	uint64_t top, whole, got;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	if (memtype >= phys->nr_mt)
		return VCM_ERR(&phys->diag, -EINVAL,
			       "memtype %u is not below the set's %u memtypes",
			       memtype, phys->nr_mt);
	if (st == NULL)
		return VCM_ERR(&phys->diag, -EINVAL, "st is NULL");
	mt = &phys->mt[memtype];
	st->total_bytes = mt->total_bytes;
	st->free_bytes = mt->free_bytes;
	st->largest_free_block = 0;
	for (unsigned int o = 0; o < mt->max_order; o++)
		if (mt->nr_free[o] != 0U)
			st->largest_free_block = UINT64_C(1) << (mt->min_lg2 + o);
	st->largest_free_run = mt_longest_run_(mt);
	for (unsigned int lg2 = 63U; lg2 >= mt->min_lg2; lg2--) {
		if ((mt->sizes & VCM_BIT(lg2)) == 0U)
			continue;
		st->chunk_size[n] = VCM_BIT(lg2);
		st->chunk_free[n] = mt_avail_(mt, lg2 - mt->min_lg2);
		n++;
	}
	st->nr_sizes = n;
	for (unsigned int i = n; i < VCM_PHYS_MAX_SIZES; i++) {
		st->chunk_size[i] = 0;
		st->chunk_free[i] = 0;
	}
	/* 1 - (free bytes in largest chunks) / (free bytes rounded down to the largest chunk) */
	top_lg2 = 63U - vcm_clz64(mt->sizes);
	top = VCM_BIT(top_lg2);
	whole = mt->free_bytes >> top_lg2;
	got = st->chunk_free[0];
	VCM_ASSERT(got <= whole);
	(void)top;
	st->frag_permille = whole == 0U ? 0U : (unsigned int)(1000U - got * 1000U / whole);
	return 0;
}

/* Validator failures name the public entry point, whichever helper found them. */
#define CHECK_FAIL(phys, ...) VCM_ERR(&(phys)->diag, -EFAULT, __VA_ARGS__)

static int bad(struct vcm_phys *phys, unsigned int memtype, const char *what, uint64_t where)
{
	return CHECK_FAIL(phys, "memtype %u: %s at %#llx", memtype, what,
			vcm_ull(where));
}

static int check_blocks(struct vcm_phys *phys, unsigned int i, uint64_t *used)
{
	const struct phys_mt *mt = &phys->mt[i];
	uint64_t free_bytes = 0, nr_free[PHYS_MAX_ORDERS] = { 0 }, total = 0, where = 0;
	const char *what;
	uint32_t blocks = 0;

	for (unsigned int r = 0; r < mt->nr_ranges; r++) {
		const struct mt_range *rg = &mt->ranges[r];
		uint32_t idx = rg->base, end = rg->base + (uint32_t)(rg->len >> mt->min_lg2);

		/* apart: the gap from the previous start is longer than that range */
		if (rg->base != blocks || (r > 0U && (rg->pa <= mt->ranges[r - 1U].pa ||
						      rg->pa - mt->ranges[r - 1U].pa <=
						      mt->ranges[r - 1U].len)))
			return bad(phys, i, "ranges not sorted, disjoint and apart", rg->pa);
		blocks = end;
		total += rg->len;
		while (idx < end) {
			uint8_t st = mt->state[idx];
			unsigned int order = st & BLK_ORDER;
			uint64_t size = UINT64_C(1) << (mt->min_lg2 + order);
			vcm_pa_t pa = rg->pa + ((uint64_t)(idx - rg->base) << mt->min_lg2);
			uint32_t nb = (uint32_t)(size >> mt->min_lg2);

			if ((st & (BLK_FREE | BLK_USED)) == 0U ||
			    ((st & BLK_FREE) != 0U && (st & BLK_USED) != 0U) ||
			    order >= mt->max_order)
				return bad(phys, i, "no block head", pa);
			if (!vcm_is_aligned(pa, size) || end - idx < nb)
				return bad(phys, i, "block misaligned or past its range", pa);
			for (uint32_t k = 1; k < nb; k++)
				if (mt->state[idx + k] != 0U)
					return bad(phys, i, "block head inside a block", pa);
			if ((st & BLK_FREE) != 0U) {
				vcm_pa_t buddy = pa ^ size;

				free_bytes += size;
				nr_free[order]++;
				if (order + 1U < mt->max_order && buddy >= rg->pa &&
				    buddy - rg->pa < rg->len &&
				    mt->state[rg->base + ((buddy - rg->pa) >> mt->min_lg2)] == st)
					return bad(phys, i, "free buddies left unmerged", pa);
			}
			idx += nb;
		}
	}
	if (blocks != mt->nr_blocks || total != mt->total_bytes)
		return bad(phys, i, "block count or total wrong", total);
	if (free_bytes != mt->free_bytes)
		return bad(phys, i, "free_bytes counter wrong", mt->free_bytes);
	for (unsigned int o = 0; o < PHYS_MAX_ORDERS; o++) {
		uint32_t prev = 0;
		uint64_t n = 0;

		if (nr_free[o] != mt->nr_free[o])
			return bad(phys, i, "nr_free wrong for order", o);
		for (uint32_t cur = mt->head[o]; cur != 0U; cur = mt->next[cur - 1U]) {
			if (cur > mt->nr_blocks || mt->state[cur - 1U] != (BLK_FREE | o) ||
			    mt->prev[cur - 1U] != prev || ++n > nr_free[o])
				return bad(phys, i, "free list broken for order", o);
			prev = cur;
		}
		if (n != nr_free[o])
			return bad(phys, i, "free list short for order", o);
	}
	what = mt_check_runs_(mt, &where);
	if (what != NULL)
		return bad(phys, i, what, where);
	*used = total - free_bytes;
	return 0;
}

static int check_record(struct vcm_phys *phys, const struct vcm_physmem *m, uint64_t *used)
{
	uint64_t sum = 0;

	if (m->owner != phys || m->chunks == NULL || m->nr_chunks == 0U)
		return CHECK_FAIL(phys, "record %p: bad owner or chunk list",
				(const void *)m);
	if (m->kind != MEM_WRAP && m->memtype >= phys->nr_mt)
		return CHECK_FAIL(phys, "record %p: bad memtype", (const void *)m);
	for (uint64_t c = 0; c < m->nr_chunks; c++) {
		vcm_pa_t pa = m->chunks[c].pa;
		uint64_t len = m->chunks[c].len;
		const struct phys_mt *mt;
		uint32_t idx;

		sum += len;
		if (m->kind == MEM_WRAP)
			continue;
		mt = &phys->mt[m->memtype];
		if (m->kind == MEM_CHUNKED) {
			if (!vcm_is_pow2(len) || (mt->sizes & len) == 0U ||
			    !vcm_is_aligned(pa, len) ||
			    mt_range_at_(mt, pa, &idx) == NULL ||
			    mt->state[idx] != (BLK_USED | (vcm_ctz64(len) - mt->min_lg2)))
				return CHECK_FAIL(phys,
						"record %p: chunk %#llx+%#llx is not a used block",
						(const void *)m, vcm_ull(pa), vcm_ull(len));
		} else {
			vcm_pa_t p = pa;

			/* counts what is left: the run may end at 2^64 */
			for (uint64_t left = len; left != 0U;) {
				unsigned int o = mt_piece_order_(mt, p, left);

				if (mt_range_at_(mt, p, &idx) == NULL ||
				    mt->state[idx] != (BLK_USED | o))
					return CHECK_FAIL(phys,
							  "record %p: run piece %#llx is not used",
							  (const void *)m, vcm_ull(p));
				p += UINT64_C(1) << (mt->min_lg2 + o);
				left -= UINT64_C(1) << (mt->min_lg2 + o);
			}
		}
		used[m->memtype] += len;
	}
	if (sum != m->len)
		return CHECK_FAIL(phys, "record %p: chunks sum to %#llx, not %#llx",
				(const void *)m, vcm_ull(sum), vcm_ull(m->len));
	return 0;
}

int vcm_phys_check_(struct vcm_phys *phys)
{
	uint64_t used_blocks[VCM_PHYS_MAX_MEMTYPES], used_recs[VCM_PHYS_MAX_MEMTYPES];
	uint64_t nr_live = 0, nr_recs = 0, nr_dead = 0;
	int ret;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	for (unsigned int i = 0; i < phys->nr_mt; i++) {
		used_recs[i] = 0;
		ret = check_blocks(phys, i, &used_blocks[i]);
		if (ret != 0)
			return ret;
	}
	for (uint32_t i = 0; i < phys->nr_slabs; i++) {
		const struct rec_slab *s = phys->by_addr[i];

		for (uint32_t k = 0; k < s->n; k++) {
			const struct vcm_physmem *m = &s->rec[k];

			nr_recs++;
			if (m->magic == PHYSMEM_DEAD)
				continue;
			if (m->magic != PHYSMEM_LIVE)
				return CHECK_FAIL(phys, "record %p: bad magic %#x",
						(const void *)m, (unsigned int)m->magic);
			nr_live++;
			ret = check_record(phys, m, used_recs);
			if (ret != 0)
				return ret;
		}
	}
	for (const struct vcm_physmem *m = phys->dead_head; m != NULL; m = m->next_dead) {
		if (m->magic != PHYSMEM_DEAD || ++nr_dead > nr_recs)
			return CHECK_FAIL(phys, "dead record list broken at %p",
					(const void *)m);
	}
	if (nr_live != phys->live || nr_live + nr_dead != nr_recs)
		return CHECK_FAIL(phys,
				"%llu live + %llu dead records of %llu, counter says %llu live",
				vcm_ull(nr_live), vcm_ull(nr_dead), vcm_ull(nr_recs),
				vcm_ull(phys->live));
	/* Every used byte belongs to exactly one live record (no leak, no double count). */
	for (unsigned int i = 0; i < phys->nr_mt; i++)
		if (used_blocks[i] != used_recs[i])
			return CHECK_FAIL(phys,
					"memtype %u: %#llx bytes used by blocks, %#llx by records",
					i, vcm_ull(used_blocks[i]), vcm_ull(used_recs[i]));
	return 0;
}
