// SPDX-License-Identifier: MIT
/*
 * One memtype's block allocator: a binary buddy system over a sorted list of
 * physical ranges, with the memtype's smallest chunk as its block. Blocks are
 * aligned to their size in physical address terms, so a block of the right
 * order is a naturally aligned chunk. Free lists are linked through metadata
 * arrays indexed by block number, never through the memory managed.
 *
 * Besides power-of-two blocks it carves and returns arbitrary runs (for
 * contiguous allocations): a run is cut into the largest aligned pieces, each
 * kept as a used block, so the buddy invariant holds for every byte.
 *
 * Non-goals: locking (the caller serialises), argument checks (phys.c does
 * them), NUMA or zone policies.
 */
#include "phys_internal.h"

static uint64_t blk_bytes(const struct phys_mt *mt, unsigned int order)
{
	return UINT64_C(1) << (mt->min_lg2 + order);
}

/*
 * The last range whose pa (@by_pa) or first block index is at or below @key,
 * else the first: ranges are sorted by pa and their blocks numbered in that
 * order, so one bisection serves both keys.
 */
static const struct mt_range *range_floor(const struct phys_mt *mt, uint64_t key, bool by_pa)
{
	unsigned int lo = 0, hi = mt->nr_ranges;

	while (hi - lo > 1U) {
		unsigned int mid = (lo + hi) / 2U;

		if ((by_pa ? mt->ranges[mid].pa : mt->ranges[mid].base) <= key)
			lo = mid;
		else
			hi = mid;
	}
	return &mt->ranges[lo];
}

const struct mt_range *mt_range_of_(const struct phys_mt *mt, uint32_t idx)
{
	return range_floor(mt, idx, false);
}

vcm_pa_t mt_pa_of_(const struct phys_mt *mt, uint32_t idx)
{
	const struct mt_range *r = mt_range_of_(mt, idx);

	return r->pa + ((uint64_t)(idx - r->base) << mt->min_lg2);
}

const struct mt_range *mt_range_at_(const struct phys_mt *mt, vcm_pa_t pa, uint32_t *idx)
{
	const struct mt_range *r;

	if (mt->nr_ranges == 0U)
		return NULL;
	/* disjoint: the last range starting at or below @pa is the only one that can hold it */
	r = range_floor(mt, pa, true);
	if (pa < r->pa || pa - r->pa >= r->len)
		return NULL;
	*idx = r->base + (uint32_t)((pa - r->pa) >> mt->min_lg2);
	return r;
}

/* Largest order of a block starting at @pa that is aligned and fits in @left bytes. */
unsigned int mt_piece_order_(const struct phys_mt *mt, vcm_pa_t pa, uint64_t left)
{
	unsigned int lg2 = vcm_ctz64(pa | vcm_pow2_floor(left));
	unsigned int order = lg2 - mt->min_lg2;

	VCM_ASSERT(lg2 >= mt->min_lg2);
	return order < mt->max_order ? order : mt->max_order - 1U;
}

static void list_push(struct phys_mt *mt, uint32_t idx, unsigned int order)
{
	uint32_t first = mt->head[order];

	mt->prev[idx] = 0;
	mt->next[idx] = first;
	if (first != 0U)
		mt->prev[first - 1U] = idx + 1U;
	mt->head[order] = idx + 1U;
	mt->state[idx] = (uint8_t)(BLK_FREE | order);
	mt->nr_free[order]++;
	mt->free_bytes += blk_bytes(mt, order);
}

static void list_remove(struct phys_mt *mt, uint32_t idx, unsigned int order)
{
	uint32_t n = mt->next[idx], p = mt->prev[idx];

	VCM_ASSERT(mt->state[idx] == (BLK_FREE | order));
	if (p != 0U)
		mt->next[p - 1U] = n;
	else
		mt->head[order] = n;
	if (n != 0U)
		mt->prev[n - 1U] = p;
	mt->state[idx] = 0;
	mt->nr_free[order]--;
	mt->free_bytes -= blk_bytes(mt, order);
}

int mt_init_(struct phys_mt *mt, const struct vcm_plat_ops *plat)
{
	size_t n = mt->nr_blocks;

	mt->max_order = 63U - mt->min_lg2;
	if (mt->max_order > PHYS_MAX_ORDERS)
		mt->max_order = PHYS_MAX_ORDERS;
	mt->state = plat->meta_alloc(plat->ctx, n);
	mt->next = plat->meta_alloc(plat->ctx, n * sizeof(uint32_t));
	mt->prev = plat->meta_alloc(plat->ctx, n * sizeof(uint32_t));
	if (mt->state == NULL || mt->next == NULL || mt->prev == NULL) {
		mt_fini_(mt, plat);
		return -ENOMEM;
	}
	for (unsigned int o = 0; o < PHYS_MAX_ORDERS; o++) {
		mt->head[o] = 0;
		mt->nr_free[o] = 0;
	}
	mt->free_bytes = 0;
	mt->total_bytes = 0;
	for (size_t i = 0; i < n; i++)
		mt->state[i] = 0;
	/* Carve each range into the largest blocks its physical alignment allows. */
	for (unsigned int r = 0; r < mt->nr_ranges; r++) {
		const struct mt_range *rg = &mt->ranges[r];
		vcm_pa_t pa = rg->pa;

		/* counts what is left, not pa against an end: the range may end at 2^64 */
		for (uint64_t left = rg->len; left != 0U;) {
			unsigned int order = mt_piece_order_(mt, pa, left);
			uint32_t idx = rg->base + (uint32_t)((pa - rg->pa) >> mt->min_lg2);

			list_push(mt, idx, order);
			pa += blk_bytes(mt, order);
			left -= blk_bytes(mt, order);
		}
		mt->total_bytes += rg->len;
	}
	return 0;
}

void mt_fini_(struct phys_mt *mt, const struct vcm_plat_ops *plat)
{
	size_t n = mt->nr_blocks;

	if (mt->state != NULL)
		plat->meta_free(plat->ctx, mt->state, n);
	if (mt->next != NULL)
		plat->meta_free(plat->ctx, mt->next, n * sizeof(uint32_t));
	if (mt->prev != NULL)
		plat->meta_free(plat->ctx, mt->prev, n * sizeof(uint32_t));
	mt->state = NULL;
	mt->next = NULL;
	mt->prev = NULL;
}

/* How many blocks of @order could be taken one after another right now. */
uint64_t mt_avail_(const struct phys_mt *mt, unsigned int order)
{
	uint64_t n = 0;

	/* Bounded by nr_blocks < 2^32: no overflow. */
	for (unsigned int o = order; o < mt->max_order; o++)
		n += mt->nr_free[o] << (o - order);
	return n;
}

/* Take a block of @order; the caller checked mt_avail_(). Best fit: the smallest free order. */
vcm_pa_t mt_take_(struct phys_mt *mt, unsigned int order)
{
	unsigned int have = order;
	uint32_t idx;

	while (have < mt->max_order && mt->head[have] == 0U)
		have++;
	VCM_ASSERT(have < mt->max_order);
	idx = mt->head[have] - 1U;
	list_remove(mt, idx, have);
	/* Keep the lower half: the next take of this order gets the upper one. */
	while (have > order) {
		have--;
		list_push(mt, idx + (UINT32_C(1) << have), have);
	}
	mt->state[idx] = (uint8_t)(BLK_USED | order);
	return mt_pa_of_(mt, idx);
}

/* Give back the used block of @order at @pa, merging with free buddies. */
void mt_release_(struct phys_mt *mt, vcm_pa_t pa, unsigned int order)
{
	uint32_t idx = 0;
	const struct mt_range *r = mt_range_at_(mt, pa, &idx);

	VCM_ASSERT(r != NULL && mt->state[idx] == (BLK_USED | order));
	mt->state[idx] = 0;
	while (order + 1U < mt->max_order) {
		/* buddies are found by physical address: blocks are aligned in pa terms */
		vcm_pa_t buddy_pa = pa ^ blk_bytes(mt, order);
		uint32_t buddy;

		if (buddy_pa < r->pa || buddy_pa - r->pa >= r->len)
			break;
		buddy = r->base + (uint32_t)((buddy_pa - r->pa) >> mt->min_lg2);
		if (mt->state[buddy] != (BLK_FREE | order))
			break;
		list_remove(mt, buddy, order);
		if (buddy_pa < pa) {
			pa = buddy_pa;
			idx = buddy;
		}
		order++;
	}
	list_push(mt, idx, order);
}

/*
 * First fit: the lowest @align-aligned start with @len free bytes after it.
 * Walks the blocks in address order; a run is a sequence of free blocks.
 */
bool mt_find_run_(const struct phys_mt *mt, uint64_t len, uint64_t align, vcm_pa_t *out)
{
	for (unsigned int r = 0; r < mt->nr_ranges; r++) {
		const struct mt_range *rg = &mt->ranges[r];
		uint32_t idx = rg->base, limit = rg->base + (uint32_t)(rg->len >> mt->min_lg2);
		bool in_run = false;
		vcm_pa_t run_pa = 0;

		while (idx < limit) {
			uint8_t st = mt->state[idx];
			unsigned int order = st & BLK_ORDER;
			vcm_pa_t pa = rg->pa + ((uint64_t)(idx - rg->base) << mt->min_lg2);

			VCM_ASSERT((st & (BLK_FREE | BLK_USED)) != 0U);
			if ((st & BLK_FREE) != 0U) {
				/* inclusive: the run may end at 2^64 */
				vcm_pa_t start, run_last = pa + (blk_bytes(mt, order) - 1U);

				if (!in_run) {
					in_run = true;
					run_pa = pa;
				}
				start = (run_pa + align - 1U) & ~(align - 1U);
				/* start >= run_pa unless rounding wrapped */
				if (start >= run_pa && start <= run_last &&
				    run_last - start >= len - 1U) {
					*out = start;
					return true;
				}
			} else {
				in_run = false;
			}
			idx += UINT32_C(1) << order;
		}
	}
	return false;
}

/* Push [pa, pa + len) as free blocks: the largest aligned pieces, lowest first. */
static void push_pieces(struct phys_mt *mt, const struct mt_range *r, vcm_pa_t pa, uint64_t len)
{
	while (len != 0U) {
		unsigned int o = mt_piece_order_(mt, pa, len);

		list_push(mt, r->base + (uint32_t)((pa - r->pa) >> mt->min_lg2), o);
		pa += blk_bytes(mt, o);
		len -= blk_bytes(mt, o);
	}
}

/*
 * Take the free run [pa, pa + len): split the free blocks it touches. Ends are
 * inclusive (last) because the run may end at 2^64.
 */
void mt_take_run_(struct phys_mt *mt, vcm_pa_t pa, uint64_t len)
{
	uint32_t idx = 0;
	const struct mt_range *r = mt_range_at_(mt, pa, &idx);
	vcm_pa_t last = pa + (len - 1U), blk_pa;

	VCM_ASSERT(r != NULL);
	/* Find the free block holding pa: step back to a block head. */
	blk_pa = pa;
	for (unsigned int o = 0;; o++) {
		uint32_t i;

		VCM_ASSERT(o < mt->max_order);
		blk_pa = vcm_align_down(pa, blk_bytes(mt, o));
		if (blk_pa < r->pa)
			continue;
		i = r->base + (uint32_t)((blk_pa - r->pa) >> mt->min_lg2);
		if (mt->state[i] != 0U) {
			VCM_ASSERT(mt->state[i] & BLK_FREE);
			VCM_ASSERT(blk_pa + (blk_bytes(mt, mt->state[i] & BLK_ORDER) - 1U) >= pa);
			break;
		}
	}
	/* Remove every free block touching the run, give back the parts outside it. */
	for (;;) {
		uint32_t i = r->base + (uint32_t)((blk_pa - r->pa) >> mt->min_lg2);
		uint8_t st = mt->state[i];
		unsigned int order = st & BLK_ORDER;
		vcm_pa_t blk_last = blk_pa + (blk_bytes(mt, order) - 1U);

		VCM_ASSERT((st & BLK_FREE) != 0U);
		list_remove(mt, i, order);
		if (blk_pa < pa)
			push_pieces(mt, r, blk_pa, pa - blk_pa);
		if (blk_last > last)
			push_pieces(mt, r, last + 1U, blk_last - last);
		if (blk_last >= last)
			break;
		blk_pa = blk_last + 1U;
	}
	/* The run itself becomes used blocks, cut the same way mt_release_run_() cuts it. */
	for (vcm_pa_t p = pa; len != 0U;) {
		unsigned int o = mt_piece_order_(mt, p, len);

		mt->state[r->base + (uint32_t)((p - r->pa) >> mt->min_lg2)] =
			(uint8_t)(BLK_USED | o);
		p += blk_bytes(mt, o);
		len -= blk_bytes(mt, o);
	}
}

void mt_release_run_(struct phys_mt *mt, vcm_pa_t pa, uint64_t len)
{
	while (len != 0U) {
		unsigned int o = mt_piece_order_(mt, pa, len);

		mt_release_(mt, pa, o);
		pa += blk_bytes(mt, o);
		len -= blk_bytes(mt, o);
	}
}

/* Longest physically contiguous free run, in bytes. */
uint64_t mt_longest_run_(const struct phys_mt *mt)
{
	uint64_t best = 0;

	for (unsigned int r = 0; r < mt->nr_ranges; r++) {
		const struct mt_range *rg = &mt->ranges[r];
		uint32_t idx = rg->base, limit = rg->base + (uint32_t)(rg->len >> mt->min_lg2);
		uint64_t run = 0;

		while (idx < limit) {
			uint8_t st = mt->state[idx];
			uint64_t b = blk_bytes(mt, st & BLK_ORDER);

			if ((st & BLK_FREE) != 0U) {
				run += b;
				if (run > best)
					best = run;
			} else {
				run = 0;
			}
			idx += (uint32_t)(b >> mt->min_lg2);
		}
	}
	return best;
}
