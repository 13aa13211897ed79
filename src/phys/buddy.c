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

/* ---- run index ---------------------------------------------------------- */

#define RUN_NONE UINT64_MAX

/* Run position of block @idx of range @r (see phys_internal.h). */
static uint64_t run_pos(const struct phys_mt *mt, const struct mt_range *r, uint32_t idx)
{
	return (uint64_t)idx + (uint64_t)(r - mt->ranges);
}

/* Positions a node at heap index @i spans: leaves span one word. */
static uint64_t node_span(const struct phys_mt *mt, uint32_t i)
{
	return ((uint64_t)mt->nr_leaves * 64U) >> (63U - vcm_clz64(i));
}

/*
 * The lowest start of @len or more set bits in @x, or 64. Steps over runs,
 * not bits: at most 32 turns.
 */
static unsigned int word_first_run(uint64_t x, uint64_t len)
{
	unsigned int pos = 0;

	while (x != 0U) {
		unsigned int skip = vcm_ctz64(x), run;

		x >>= skip;
		pos += skip;
		run = vcm_ctz64(~x);
		if (run >= len)
			return pos;
		x >>= run;
		pos += run;
	}
	return 64U;
}

/*
 * Longest run of set bits in @x in a fixed number of steps: ones[k] marks the
 * bits that start 2^k set bits, then the length is built bit by bit from the
 * top, as in a binary search.
 */
static unsigned int word_longest(uint64_t x)
{
	uint64_t ones[6], cur = x;
	unsigned int len = 1;

	if (x == ~UINT64_C(0))
		return 64U;
	if (x == 0U)
		return 0;
	ones[0] = x;
	for (unsigned int k = 1; k < 6U; k++)
		ones[k] = ones[k - 1U] & (ones[k - 1U] >> (1U << (k - 1U)));
	/* cur: the bits that start @len set bits; grow len while some start remains */
	for (unsigned int k = 6; k-- > 0U;) {
		uint64_t next = cur & (ones[k] >> len);

		if (len + (1U << k) <= 64U && next != 0U) {
			cur = next;
			len += 1U << k;
		}
	}
	return len;
}

static void leaf_info(uint64_t x, struct run_node *n)
{
	n->pre = vcm_ctz64(~x);
	n->suf = vcm_clz64(~x);
	n->best = word_longest(x);
}

/* Node @i from its children, which span @half positions each. */
static void node_join(struct phys_mt *mt, uint32_t i, uint64_t half)
{
	const struct run_node *l = &mt->runs[2U * i], *r = &mt->runs[2U * i + 1U];
	struct run_node *n = &mt->runs[i];
	uint32_t mid = l->suf + r->pre;

	/* sums stay below 2^32: a free run lies in one range */
	n->pre = l->pre == half ? (uint32_t)half + r->pre : l->pre;
	n->suf = r->suf == half ? (uint32_t)half + l->suf : r->suf;
	n->best = l->best > r->best ? l->best : r->best;
	if (mid > n->best)
		n->best = mid;
}

/*
 * The tree is brought up to date lazily: a block taken or given back only
 * writes its bits and lists the leaves it touched (marked by best ==
 * RUN_STALE, so a leaf is listed once), and runs_flush() recomputes them and
 * their ancestors before a search. Chunked allocation, the common path, then
 * costs one bit write per block, and the tree work is paid once per search
 * for all changes since the last one.
 *
 * And the index exists only once asked for: until a memtype's first
 * contiguous search (or longest-run query), takes and frees write nothing of
 * it, so a memtype only ever allocated in chunks pays one branch (the bits
 * cost about half again on bench_phys's chunked rows). The first search
 * builds it from the block states, O(blocks) once.
 */
#define RUN_STALE UINT32_MAX

static void fmap_set(struct phys_mt *mt, uint64_t pos, uint64_t n, bool free)
{
	while (n != 0U) {
		unsigned int bit = (unsigned int)(pos & 63U);
		uint64_t take = 64U - bit < n ? 64U - bit : n;
		uint64_t mask = take == 64U ? ~UINT64_C(0) : vcm_low_mask((unsigned int)take) << bit;

		if (free)
			mt->fmap[pos >> 6] |= mask;
		else
			mt->fmap[pos >> 6] &= ~mask;
		pos += take;
		n -= take;
	}
}

/* Blocks @idx .. @idx + @n - 1 of range @r became free or used. */
static void runs_mark(struct phys_mt *mt, const struct mt_range *r, uint32_t idx,
		      uint64_t n, bool free)
{
	uint64_t pos;
	uint32_t w1;

	if (!mt->runs_live)
		return;
	pos = run_pos(mt, r, idx);
	w1 = (uint32_t)((pos + n - 1U) >> 6);
	fmap_set(mt, pos, n, free);
	for (uint32_t w = (uint32_t)(pos >> 6); w <= w1; w++) {
		struct run_node *leaf = &mt->runs[mt->nr_leaves + w];

		if (leaf->best != RUN_STALE) {
			leaf->best = RUN_STALE;
			mt->stale[mt->nr_stale++] = mt->nr_leaves + w;
		}
	}
}

/*
 * Recompute the listed leaves, then their parents level by level (all leaves
 * are on one level), each node once: O(stale * log n) at worst, O(stale +
 * log n) for neighbouring leaves.
 */
static void runs_build(struct phys_mt *mt);

static void runs_flush(const struct phys_mt *mt_c)
{
	/* the index is a cache of the block states: refreshing it changes no answer */
	struct phys_mt *mt = (struct phys_mt *)mt_c;
	uint32_t n = mt->nr_stale;
	uint64_t half = 64U;

	if (!mt->runs_live) {
		runs_build(mt);
		return;
	}

	for (uint32_t k = 0; k < n; k++)
		leaf_info(mt->fmap[mt->stale[k] - mt->nr_leaves], &mt->runs[mt->stale[k]]);
	while (n != 0U && mt->stale[0] > 1U) {
		uint32_t m = 0;

		/* parents, listed once each, written over the children already done */
		for (uint32_t k = 0; k < n; k++) {
			uint32_t up = mt->stale[k] / 2U;

			if (mt->runs[up].best != RUN_STALE) {
				mt->runs[up].best = RUN_STALE;
				mt->stale[m++] = up;
			}
		}
		for (uint32_t k = 0; k < m; k++)
			node_join(mt, mt->stale[k], half);
		n = m;
		half <<= 1;
	}
	mt->nr_stale = 0;
}

/*
 * Build the index from the block states (a head's state says for its whole
 * block, the blocks after it are 0): the first time it is asked for.
 */
static void runs_build(struct phys_mt *mt)
{
	for (uint32_t w = 0; w < mt->nr_leaves; w++)
		mt->fmap[w] = 0;
	for (unsigned int k = 0; k < mt->nr_ranges; k++) {
		const struct mt_range *rg = &mt->ranges[k];
		uint32_t idx = rg->base, limit = rg->base + (uint32_t)(rg->len >> mt->min_lg2);

		bool free = false;

		for (; idx < limit; idx++) {
			if (mt->state[idx] != 0U)
				free = (mt->state[idx] & BLK_FREE) != 0U;
			if (free)
				fmap_set(mt, run_pos(mt, rg, idx), 1, true);
		}
	}
	for (uint32_t i = mt->nr_leaves; i < 2U * mt->nr_leaves; i++)
		leaf_info(mt->fmap[i - mt->nr_leaves], &mt->runs[i]);
	for (uint32_t i = mt->nr_leaves - 1U; i >= 1U; i--)
		node_join(mt, i, node_span(mt, i) / 2U);
	mt->nr_stale = 0;
	mt->runs_live = true;
}

/*
 * The lowest start of @len free positions inside node @i (at @start, @span
 * wide), known to hold one (best >= @len): one path down.
 */
static uint64_t runs_descend(const struct phys_mt *mt, uint32_t i, uint64_t start,
			     uint64_t span, uint64_t len)
{
	while (i < mt->nr_leaves) {
		const struct run_node *l = &mt->runs[2U * i], *r = &mt->runs[2U * i + 1U];

		span /= 2U;
		if (l->best >= len) {
			i = 2U * i;
		} else if ((uint64_t)l->suf + r->pre >= len) {
			return start + span - l->suf;
		} else {
			i = 2U * i + 1U;
			start += span;
		}
	}
	return start + word_first_run(mt->fmap[i - mt->nr_leaves], len);
}

/*
 * The lowest position at or above @from that starts @len free positions, or
 * RUN_NONE. *@carry: free positions (at or above @from) just before node @i.
 * Visits the O(log n) nodes on the path to @from and, right of it, whole
 * nodes until one holds the answer; then one path down.
 */
static uint64_t runs_find_from(const struct phys_mt *mt, uint32_t i, uint64_t start,
			       uint64_t span, uint64_t from, uint64_t len, uint64_t *carry)
{
	const struct run_node *n = &mt->runs[i];
	uint64_t at;

	if (start + span <= from)
		return RUN_NONE;
	if (start >= from) {
		if (*carry + n->pre >= len)
			return start - *carry;
		if (n->best >= len)
			return runs_descend(mt, i, start, span, len);
		*carry = n->pre == span ? *carry + span : n->suf;
		return RUN_NONE;
	}
	if (i >= mt->nr_leaves) {
		/* the leaf holding @from: positions below it count as used */
		uint64_t x = mt->fmap[i - mt->nr_leaves] & (~UINT64_C(0) << (from - start));
		unsigned int first = word_first_run(x, len);

		if (first != 64U)
			return start + first;
		*carry = vcm_clz64(~x);
		return RUN_NONE;
	}
	at = runs_find_from(mt, 2U * i, start, span / 2U, from, len, carry);
	if (at != RUN_NONE)
		return at;
	return runs_find_from(mt, 2U * i + 1U, start + span / 2U, span / 2U, from, len, carry);
}

/* The range number holding run position @pos (ranges[k] starts at base + k). */
static unsigned int range_of_pos(const struct phys_mt *mt, uint64_t pos)
{
	unsigned int lo = 0, hi = mt->nr_ranges;

	while (hi - lo > 1U) {
		unsigned int mid = (lo + hi) / 2U;

		if ((uint64_t)mt->ranges[mid].base + mid <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Brings the index up to date first (a cache refresh, no answer changes), so a
 * change that was never listed shows as a leaf that disagrees with its word.
 */
const char *mt_check_runs_(const struct phys_mt *mt, uint64_t *where)
{
	uint64_t end = 0;

	/* not built yet: nothing to disagree with the block states */
	if (!mt->runs_live)
		return NULL;
	if (mt->nr_stale > mt->nr_leaves) {
		*where = mt->nr_stale;
		return "run index: more stale leaves than leaves, a count";
	}
	runs_flush(mt);

	/* Every position holds the state its block says; separators and padding are used. */
	for (unsigned int k = 0; k < mt->nr_ranges; k++) {
		const struct mt_range *rg = &mt->ranges[k];
		uint32_t idx = rg->base, limit = rg->base + (uint32_t)(rg->len >> mt->min_lg2);
		bool free = false;

		for (uint64_t p = end; p < run_pos(mt, rg, idx); p++) {
			if ((mt->fmap[p >> 6] >> (p & 63U) & 1U) != 0U) {
				*where = p;
				return "run index: a separator marked free, run position";
			}
		}
		for (; idx < limit; idx++) {
			uint64_t p = run_pos(mt, rg, idx);

			if (mt->state[idx] != 0U)
				free = (mt->state[idx] & BLK_FREE) != 0U;
			if ((mt->fmap[p >> 6] >> (p & 63U) & 1U) != (free ? 1U : 0U)) {
				*where = mt_pa_of_(mt, idx);
				return "run index disagrees with the block states, pa";
			}
		}
		end = run_pos(mt, rg, limit);
	}
	for (uint64_t p = end; p < (uint64_t)mt->nr_leaves * 64U; p++) {
		if ((mt->fmap[p >> 6] >> (p & 63U) & 1U) != 0U) {
			*where = p;
			return "run index: padding marked free, run position";
		}
	}
	/* Every node summarises its span. */
	for (uint32_t i = 1; i < 2U * mt->nr_leaves; i++) {
		struct run_node want;

		if (i >= mt->nr_leaves) {
			leaf_info(mt->fmap[i - mt->nr_leaves], &want);
		} else {
			const struct run_node *l = &mt->runs[2U * i], *r = &mt->runs[2U * i + 1U];
			uint64_t half = node_span(mt, i) / 2U, mid = (uint64_t)l->suf + r->pre;

			want.pre = (uint32_t)(l->pre == half ? half + r->pre : l->pre);
			want.suf = (uint32_t)(r->suf == half ? half + l->suf : r->suf);
			want.best = l->best > r->best ? l->best : r->best;
			if (mid > want.best)
				want.best = (uint32_t)mid;
		}
		if (mt->runs[i].pre != want.pre || mt->runs[i].suf != want.suf ||
		    mt->runs[i].best != want.best) {
			*where = i;
			return "run index: a node that does not sum up its span, node";
		}
	}
	return NULL;
}

int mt_init_(struct phys_mt *mt, const struct vcm_plat_ops *plat)
{
	size_t n = mt->nr_blocks;
	uint64_t positions = mt->nr_ranges == 0U ? 0U : (uint64_t)n + mt->nr_ranges - 1U;

	mt->max_order = 63U - mt->min_lg2;
	if (mt->max_order > PHYS_MAX_ORDERS)
		mt->max_order = PHYS_MAX_ORDERS;
	mt->nr_leaves = 1;
	while ((uint64_t)mt->nr_leaves * 64U < positions)
		mt->nr_leaves *= 2U;
	mt->state = plat->meta_alloc(plat->ctx, n);
	mt->next = plat->meta_alloc(plat->ctx, n * sizeof(uint32_t));
	mt->prev = plat->meta_alloc(plat->ctx, n * sizeof(uint32_t));
	mt->fmap = plat->meta_alloc(plat->ctx, (size_t)mt->nr_leaves * sizeof(uint64_t));
	mt->runs = plat->meta_alloc(plat->ctx, (size_t)mt->nr_leaves * 2U * sizeof(struct run_node));
	mt->stale = plat->meta_alloc(plat->ctx, (size_t)mt->nr_leaves * sizeof(uint32_t));
	if (mt->state == NULL || mt->next == NULL || mt->prev == NULL || mt->fmap == NULL ||
	    mt->runs == NULL || mt->stale == NULL) {
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
	mt->runs_live = false; /* built at the first contiguous search */
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
	if (mt->fmap != NULL)
		plat->meta_free(plat->ctx, mt->fmap, (size_t)mt->nr_leaves * sizeof(uint64_t));
	if (mt->runs != NULL)
		plat->meta_free(plat->ctx, mt->runs,
				(size_t)mt->nr_leaves * 2U * sizeof(struct run_node));
	if (mt->stale != NULL)
		plat->meta_free(plat->ctx, mt->stale, (size_t)mt->nr_leaves * sizeof(uint32_t));
	mt->state = NULL;
	mt->next = NULL;
	mt->prev = NULL;
	mt->fmap = NULL;
	mt->runs = NULL;
	mt->stale = NULL;
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
	const struct mt_range *r;
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
	r = mt_range_of_(mt, idx);
	runs_mark(mt, r, idx, UINT64_C(1) << order, false);
	return r->pa + ((uint64_t)(idx - r->base) << mt->min_lg2);
}

/* Give back the used block of @order at @pa, merging with free buddies. */
void mt_release_(struct phys_mt *mt, vcm_pa_t pa, unsigned int order)
{
	uint32_t idx = 0;
	const struct mt_range *r = mt_range_at_(mt, pa, &idx);

	VCM_ASSERT(r != NULL && mt->state[idx] == (BLK_USED | order));
	mt->state[idx] = 0;
	/* merging below changes no block's freedom: only this block's */
	runs_mark(mt, r, idx, UINT64_C(1) << order, true);
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
 * The run index gives the lowest start of @len free blocks at or above a
 * position in O(log n); if that start is not aligned, the next aligned one is
 * tried, and the search resumes from there when it is not free far enough.
 * Each retry moves past one free run too short for an aligned fit, so the cost
 * is O(log n) for align at most one block (and for a failure: the root says
 * no run is long enough) and O((k + 1) log n) with k such runs below the
 * answer otherwise. @len > 0 and @align >= one block, both multiples of it.
 */
bool mt_find_run_(const struct phys_mt *mt, uint64_t len, uint64_t align, vcm_pa_t *out)
{
	uint64_t blocks = len >> mt->min_lg2, from = 0;

	if (mt->nr_ranges == 0U)
		return false;
	runs_flush(mt);
	if (mt->runs[1].best < blocks)
		return false;
	for (;;) {
		uint64_t carry = 0, at;
		unsigned int k;
		const struct mt_range *r;
		vcm_pa_t pa, start, last;

		at = runs_find_from(mt, 1, 0, (uint64_t)mt->nr_leaves * 64U, from, blocks, &carry);
		if (at == RUN_NONE)
			return false;
		k = range_of_pos(mt, at);
		r = &mt->ranges[k];
		pa = r->pa + ((at - k - r->base) << mt->min_lg2);
		start = (pa + align - 1U) & ~(align - 1U);
		if (start == pa) {
			*out = pa;
			return true;
		}
		/* inclusive: the range may end at 2^64, and rounding may wrap */
		last = r->pa + (r->len - 1U);
		if (start < pa || start > last) {
			if (k + 1U == mt->nr_ranges)
				return false;
			from = run_pos(mt, &mt->ranges[k + 1U], mt->ranges[k + 1U].base);
		} else {
			from = at + ((start - pa) >> mt->min_lg2);
		}
	}
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
	runs_mark(mt, r, idx, len >> mt->min_lg2, false);
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

/* Longest physically contiguous free run, in bytes: the index's root. */
uint64_t mt_longest_run_(const struct phys_mt *mt)
{
	if (mt->nr_ranges == 0U)
		return 0;
	runs_flush(mt);
	return (uint64_t)mt->runs[1].best << mt->min_lg2;
}
