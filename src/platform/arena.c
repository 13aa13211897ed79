// SPDX-License-Identifier: MIT
/*
 * The arena platform: a binary buddy allocator over caller memory, handing out
 * page-table memory and metadata. Freestanding (no libc).
 *
 * Blocks are powers of two from 1 KiB, aligned to their size in physical terms
 * (an ARMv7 first-level table needs a 16 KiB-aligned physical address, not a
 * 16 KiB-aligned pointer). Bookkeeping is one byte per 1 KiB block, kept at the
 * start of the arena: FREE_HEAD|order marks the first block of a free block,
 * USED_HEAD|order the first block of an allocated one. Free lists are doubly
 * linked through the first bytes of the free blocks themselves, by block index,
 * so the arena works the same on 32- and 64-bit hosts.
 *
 * Zero lists: a table given back through table_free_zero is all zero, so it
 * goes, unmerged, on a singly linked LIFO list of its order (ZERO_HEAD|order,
 * linked through its first word), and the next block of that order comes from
 * there with only that word to clear. The most recently emptied table is the
 * one most likely still in the cache. An allocation that finds no block in
 * the buddy lists first puts every zero block back into them.
 *
 * Non-goals: locking (callers serialise), sizes below 1 KiB.
 */
#include <errno.h>
#include <vcm/platform.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/fail.h"

#define MIN_LG2   VCM_PLAT_ARENA_MIN_LG2
#define MIN_SIZE  (UINT64_C(1) << MIN_LG2)
#define NOT_HEAD  0x00U
#define FREE_HEAD 0x80U
#define USED_HEAD 0x40U
#define ZERO_HEAD 0xc0U /* free, all zero but its link, on a zero list */
#define HEAD_MASK 0xc0U
#define ORDER_MASK 0x3fU

/* Firmware images (freestanding, with a size budget) keep no zero lists. */
#if __STDC_HOSTED__
#define ZERO_LISTS 1
#else
#define ZERO_LISTS 0
#endif

struct link {
	uint32_t next; /* block index + 1, 0 = none */
	uint32_t prev;
};

static struct link *link_of(const struct vcm_plat_arena *a, uint64_t idx)
{
	return (struct link *)(void *)(a->cpu + (idx << MIN_LG2));
}

static void list_push(struct vcm_plat_arena *a, uint64_t idx, unsigned int order)
{
	struct link *l = link_of(a, idx);

	l->prev = 0;
	l->next = a->free_head[order];
	if (l->next != 0U)
		link_of(a, l->next - 1U)->prev = (uint32_t)(idx + 1U);
	a->free_head[order] = (uint32_t)(idx + 1U);
	a->order_of[idx] = (uint8_t)(FREE_HEAD | order);
	a->free_bytes += MIN_SIZE << order;
}

static void list_remove(struct vcm_plat_arena *a, uint64_t idx, unsigned int order)
{
	struct link *l = link_of(a, idx);

	if (l->prev != 0U)
		link_of(a, l->prev - 1U)->next = l->next;
	else
		a->free_head[order] = l->next;
	if (l->next != 0U)
		link_of(a, l->next - 1U)->prev = l->prev;
	a->order_of[idx] = NOT_HEAD;
	a->free_bytes -= MIN_SIZE << order;
}

int vcm_plat_arena_init(struct vcm_plat_arena *a, void *cpu, vcm_pa_t pa, uint64_t len)
{
	uint64_t blocks, meta_blocks, idx;

	if (a == NULL)
		return -EINVAL;
	vcm_diag_clear(&a->diag);
	vcm_diag_enter(&a->diag, __func__);
	if (cpu == NULL)
		return VCM_ERR(&a->diag, -EINVAL, "cpu is NULL");
	if (!vcm_is_aligned((uintptr_t)cpu, MIN_SIZE))
		return VCM_ERR(&a->diag, -EINVAL, "cpu %p is not 1 KiB aligned", cpu);
	if (!vcm_is_aligned(pa, MIN_SIZE))
		return VCM_ERR(&a->diag, -EINVAL, "pa %#llx is not 1 KiB aligned",
			       vcm_ull(pa));
	if (len < 2U * MIN_SIZE)
		return VCM_ERR(&a->diag, -ERANGE, "len %#llx is below 2 KiB",
			       vcm_ull(len));
	if (pa + len - 1U < pa)
		return VCM_ERR(&a->diag, -ERANGE, "pa %#llx + len %#llx wraps",
			       vcm_ull(pa), vcm_ull(len));
	blocks = len >> MIN_LG2;
	/* lists hold block index + 1 in 32 bits, and 0 means none */
	if (blocks > UINT32_MAX - 1U)
		return VCM_ERR(&a->diag, -ERANGE, "len %#llx is 4 TiB - 1 KiB or more",
			       vcm_ull(len));
	meta_blocks = (blocks + MIN_SIZE - 1U) >> MIN_LG2;
	if (meta_blocks >= blocks)
		return VCM_ERR(&a->diag, -ERANGE, "len %#llx leaves no room after bookkeeping",
			       vcm_ull(len));

	a->cpu = cpu;
	a->pa = pa;
	a->len = blocks << MIN_LG2;
	a->order_of = cpu;
	a->free_bytes = 0;
	for (unsigned int o = 0; o < VCM_PLAT_ARENA_MAX_ORDERS; o++) {
		a->free_head[o] = 0;
		a->zero_head[o] = 0;
	}
	for (idx = 0; idx < blocks; idx++)
		a->order_of[idx] = NOT_HEAD;

	/* Carve the rest into the largest blocks its physical alignment allows. */
	for (idx = meta_blocks; idx < blocks;) {
		vcm_pa_t p = pa + (idx << MIN_LG2);
		unsigned int order = vcm_ctz64(p) - MIN_LG2;

		if (vcm_ctz64(p) >= 64U || order >= VCM_PLAT_ARENA_MAX_ORDERS)
			order = VCM_PLAT_ARENA_MAX_ORDERS - 1U;
		while (idx + (UINT64_C(1) << order) > blocks)
			order--;
		list_push(a, idx, order);
		idx += UINT64_C(1) << order;
	}
	a->lowest_free_bytes = a->free_bytes;
	return 0;
}

static unsigned int order_for(uint64_t size)
{
	unsigned int lg2 = 63U - vcm_clz64(size);

	if (!vcm_is_pow2(size))
		lg2++;
	return lg2 <= MIN_LG2 ? 0U : lg2 - MIN_LG2;
}

static void zero_push(struct vcm_plat_arena *a, uint64_t idx, unsigned int order)
{
	link_of(a, idx)->next = a->zero_head[order];
	a->zero_head[order] = (uint32_t)(idx + 1U);
	a->order_of[idx] = (uint8_t)(ZERO_HEAD | order);
	a->free_bytes += MIN_SIZE << order;
}

/* Take the first block off zero list @order; it is all zero when this returns. */
static uint64_t zero_pop(struct vcm_plat_arena *a, unsigned int order)
{
	uint64_t idx = a->zero_head[order] - 1U;
	struct link *l = link_of(a, idx);

	a->zero_head[order] = l->next;
	l->next = 0;
	/*
	 * The next block's link is read when it is taken, and its line is
	 * usually cold by then (a table emptied long ago): start loading it
	 * now, while the caller fills this one, not then.
	 */
	if (a->zero_head[order] != 0U)
		__builtin_prefetch(link_of(a, a->zero_head[order] - 1U), 1);
	a->order_of[idx] = NOT_HEAD;
	a->free_bytes -= MIN_SIZE << order;
	return idx;
}

static void buddy_free(struct vcm_plat_arena *a, uint64_t idx, unsigned int order);

/* Every zero block back into the buddy lists, merged; false if there was none. */
static bool zero_drain(struct vcm_plat_arena *a)
{
	bool any = false;

	for (unsigned int o = 0; o < VCM_PLAT_ARENA_MAX_ORDERS; o++)
		while (a->zero_head[o] != 0U) {
			buddy_free(a, zero_pop(a, o), o);
			any = true;
		}
	return any;
}

/* Block @*out_idx of @size and @align; *@zero: it came off a zero list (already zero). */
static int arena_alloc(struct vcm_plat_arena *a, uint64_t size, uint64_t align, uint64_t *out_idx,
		       bool *zero)
{
	unsigned int want, have;
	uint64_t idx;

	vcm_diag_enter(&a->diag, __func__);
	if (size == 0U || size > (UINT64_C(1) << 62) || align > (UINT64_C(1) << 62))
		return VCM_ERR(&a->diag, -EINVAL, "size %#llx or align %#llx out of range",
			       vcm_ull(size), vcm_ull(align));
	want = order_for(size > align ? size : align);
	*zero = ZERO_LISTS && want < VCM_PLAT_ARENA_MAX_ORDERS && a->zero_head[want] != 0U;
	if (*zero) {
		idx = zero_pop(a, want);
	} else {
		do {
			for (have = want; have < VCM_PLAT_ARENA_MAX_ORDERS; have++)
				if (a->free_head[have] != 0U)
					break;
		} while (have >= VCM_PLAT_ARENA_MAX_ORDERS && ZERO_LISTS && zero_drain(a));
		if (have >= VCM_PLAT_ARENA_MAX_ORDERS)
			return VCM_ERR(&a->diag, -ENOMEM, "no free block of %#llx bytes",
				       vcm_ull(MIN_SIZE << want));
		idx = a->free_head[have] - 1U;
		list_remove(a, idx, have);
		while (have > want) {
			have--;
			list_push(a, idx + (UINT64_C(1) << have), have);
		}
	}
	a->order_of[idx] = (uint8_t)(USED_HEAD | want);
	if (a->free_bytes < a->lowest_free_bytes)
		a->lowest_free_bytes = a->free_bytes;
	*out_idx = idx;
	return 0;
}

/* The order of allocated block @idx, or -1 (recorded) when @idx is not one. */
static int used_order(struct vcm_plat_arena *a, uint64_t idx)
{
	if (idx >= a->len >> MIN_LG2 || (a->order_of[idx] & HEAD_MASK) != USED_HEAD) {
		VCM_ERR(&a->diag, -EINVAL, "block %#llx was not allocated",
			vcm_ull(a->pa + (idx << MIN_LG2)));
		return -1;
	}
	return (int)(a->order_of[idx] & ORDER_MASK);
}

/* Block @idx back into the buddy lists; false (recorded) if it was not allocated. */
static bool arena_free(struct vcm_plat_arena *a, uint64_t idx)
{
	int order;

	vcm_diag_enter(&a->diag, __func__);
	order = used_order(a, idx);
	if (order < 0)
		return false;
	buddy_free(a, idx, (unsigned int)order);
	return true;
}

/* Block @idx onto its zero list; false (recorded) if it was not allocated. */
static bool zero_free(struct vcm_plat_arena *a, uint64_t idx)
{
	int order = used_order(a, idx);

	if (order < 0)
		return false;
	zero_push(a, idx, (unsigned int)order);
	return true;
}

/* Block @idx of @order (no longer marked used) back into the buddy lists, merged. */
static void buddy_free(struct vcm_plat_arena *a, uint64_t idx, unsigned int order)
{
	a->order_of[idx] = NOT_HEAD;
	while (order + 1U < VCM_PLAT_ARENA_MAX_ORDERS) {
		/* The buddy is found by physical address: blocks are aligned in pa terms. */
		vcm_pa_t p = a->pa + (idx << MIN_LG2);
		vcm_pa_t buddy_pa = p ^ (MIN_SIZE << order);
		uint64_t buddy;

		if (buddy_pa < a->pa || buddy_pa - a->pa >= a->len)
			break;
		buddy = (buddy_pa - a->pa) >> MIN_LG2;
		if (a->order_of[buddy] != (FREE_HEAD | order))
			break;
		list_remove(a, buddy, order);
		if (buddy < idx)
			idx = buddy;
		order++;
	}
	list_push(a, idx, order);
}

static int arena_block(struct vcm_plat_arena *a, uint64_t size, uint64_t align, vcm_pa_t *pa,
		       void **cpu)
{
	uint64_t idx = 0, n;
	uint64_t *p;
	bool zero = false;
	int ret = arena_alloc(a, size, align, &idx, &zero);

	if (ret != 0)
		return ret;
	p = (uint64_t *)(void *)(a->cpu + (idx << MIN_LG2));
	n = (MIN_SIZE << (a->order_of[idx] & ORDER_MASK)) / sizeof(*p);
	for (uint64_t i = 0; i < n && !zero; i++)
		p[i] = 0;
	*pa = a->pa + (idx << MIN_LG2);
	*cpu = p;
	return 0;
}

static int ops_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	if (vcm_plat_inject_fail_("table memory"))
		return -ENOMEM;
	return arena_block(ctx, size, align, pa, cpu);
}

/* Table block @pa back from op @fn: into the buddy lists, or (@zero) onto its zero list. */
static void table_back(struct vcm_plat_arena *a, vcm_pa_t pa, const char *fn, bool zero)
{
	uint64_t idx;

	vcm_diag_enter(&a->diag, fn);
	if (pa < a->pa || pa - a->pa >= a->len) {
		VCM_ERR(&a->diag, -EINVAL, "pa %#llx is outside the arena",
			vcm_ull(pa));
		return;
	}
	/* a block starts on a 1 KiB boundary: anything else is inside one */
	if (((pa - a->pa) & (MIN_SIZE - 1U)) != 0U) {
		VCM_ERR(&a->diag, -EINVAL, "pa %#llx is not the start of a block", vcm_ull(pa));
		return;
	}
	idx = (pa - a->pa) >> MIN_LG2;
	if (ZERO_LISTS && zero ? zero_free(a, idx) : arena_free(a, idx))
		vcm_plat_inject_free_("table memory");
}

static void ops_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)cpu;
	(void)size;
	table_back(ctx, pa, __func__, false);
}

static void ops_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)cpu;
	(void)size;
	table_back(ctx, pa, __func__, true);
}

static void *ops_meta_alloc(void *ctx, size_t size)
{
	vcm_pa_t pa;
	void *cpu;

	if (vcm_plat_inject_fail_("metadata") || arena_block(ctx, size, 8, &pa, &cpu) != 0)
		return NULL;
	return cpu;
}

static void ops_meta_free(void *ctx, void *p, size_t size)
{
	struct vcm_plat_arena *a = ctx;

	(void)size;
	if (p == NULL)
		return;
	vcm_diag_enter(&a->diag, __func__);
	if ((((uintptr_t)p - (uintptr_t)a->cpu) & (MIN_SIZE - 1U)) != 0U) {
		VCM_ERR(&a->diag, -EINVAL, "%p is not the start of a block", p);
		return;
	}
	/* a refused free (recorded) was never counted out: not counted back either */
	if (arena_free(a, (uint64_t)((uint8_t *)p - a->cpu) >> MIN_LG2))
		vcm_plat_inject_free_("metadata");
}

static void *ops_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	return vcm_plat_arena_pa_to_cpu(ctx, pa);
}

void vcm_plat_arena_ops(struct vcm_plat_arena *a, struct vcm_plat_ops *ops)
{
	ops->ctx = a;
	ops->table_alloc = ops_table_alloc;
	ops->table_free = ops_table_free;
	ops->pa_to_cpu = ops_pa_to_cpu;
	ops->cache_clean = NULL;
	ops->meta_alloc = ops_meta_alloc;
	ops->meta_free = ops_meta_free;
	ops->table_free_zero = ZERO_LISTS ? ops_table_free_zero : NULL;
}

uint64_t vcm_plat_arena_free_bytes(const struct vcm_plat_arena *a)
{
	return a->free_bytes;
}

void *vcm_plat_arena_pa_to_cpu(const struct vcm_plat_arena *a, vcm_pa_t pa)
{
	if (pa < a->pa || pa - a->pa >= a->len)
		return NULL;
	return a->cpu + (pa - a->pa);
}

int vcm_plat_arena_check_(const struct vcm_plat_arena *a)
{
	uint64_t total = 0, blocks = a->len >> MIN_LG2;

	for (unsigned int o = 0; o < VCM_PLAT_ARENA_MAX_ORDERS; o++) {
		uint32_t prev = 0;

		for (uint32_t cur = a->free_head[o]; cur != 0U; cur = link_of(a, cur - 1U)->next) {
			uint64_t idx = cur - 1U;

			if (idx >= blocks || a->order_of[idx] != (FREE_HEAD | o) ||
			    link_of(a, idx)->prev != prev ||
			    !vcm_is_aligned(a->pa + (idx << MIN_LG2), MIN_SIZE << o))
				return -EFAULT;
			total += MIN_SIZE << o;
			if (total > a->len)
				return -EFAULT; /* a cycle */
			prev = cur;
		}
	}
	for (unsigned int o = 0; o < VCM_PLAT_ARENA_MAX_ORDERS; o++) {
		for (uint32_t cur = a->zero_head[o]; cur != 0U; cur = link_of(a, cur - 1U)->next) {
			uint64_t idx = cur - 1U;
			const uint8_t *b;

			if (idx >= blocks || a->order_of[idx] != (ZERO_HEAD | o) ||
			    !vcm_is_aligned(a->pa + (idx << MIN_LG2), MIN_SIZE << o))
				return -EFAULT;
			total += MIN_SIZE << o;
			if (total > a->len)
				return -EFAULT; /* a cycle */
			/* zero but for the link's next, which is its first word */
			b = a->cpu + (idx << MIN_LG2);
			for (uint64_t k = sizeof(uint32_t); k < MIN_SIZE << o; k++)
				if (b[k] != 0U)
					return -EFAULT;
		}
	}
	return total == a->free_bytes ? 0 : -EFAULT;
}
