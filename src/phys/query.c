// SPDX-License-Identifier: MIT
/*
 * Read-only calls on a set and its allocations: iterating an allocation's
 * chunks or extents, its length, chunk count and memtype, a memtype's regions
 * and chunk sizes, and the last error. Every call checks its handle before
 * reading anything else; a dead allocation record is still ours (record.c),
 * so a freed handle is reported rather than read after free.
 */
#include "phys_internal.h"

/*
 * The head of a call on an allocation: its set's record takes the call's
 * name, when there is a set to reach (a NULL or foreign handle has none).
 */
static void mem_enter(const struct vcm_physmem *mem, const char *fn)
{
	if (mem != NULL && (mem->magic == PHYSMEM_LIVE || mem->magic == PHYSMEM_DEAD) &&
	    phys_live_(mem->owner))
		vcm_diag_enter(&mem->owner->diag, fn);
}

static int check_iter(const struct vcm_physmem *mem, const uint64_t *iter,
		      const vcm_pa_t *pa, const uint64_t *len)
{
	if (!physmem_live_(mem)) {
		/* A dead record still knows its set; a NULL one does not. */
		if (mem != NULL && mem->magic == PHYSMEM_DEAD && phys_live_(mem->owner))
			VCM_ERR(&mem->owner->diag, -EINVAL, "mem %p was freed",
				(const void *)mem);
		return -EINVAL;
	}
	if (iter == NULL || pa == NULL || len == NULL)
		return VCM_ERR(&mem->owner->diag, -EINVAL, "iter, pa or len is NULL");
	return 0;
}

int vcm_phys_next_chunk(const struct vcm_physmem *mem, uint64_t *iter, vcm_pa_t *pa,
			uint64_t *len)
{
	int ret;

	mem_enter(mem, __func__);
	ret = check_iter(mem, iter, pa, len);
	if (ret != 0)
		return ret;
	if (*iter >= mem->nr_chunks)
		return -ENOENT;
	*pa = mem->chunks[*iter].pa;
	*len = mem->chunks[*iter].len;
	(*iter)++;
	return 0;
}

int vcm_phys_next_extent(const struct vcm_physmem *mem, uint64_t *iter, vcm_pa_t *pa,
			 uint64_t *len)
{
	vcm_pa_t start, last;
	uint64_t i;
	int ret;

	mem_enter(mem, __func__);
	ret = check_iter(mem, iter, pa, len);
	if (ret != 0)
		return ret;
	i = *iter;
	if (i >= mem->nr_chunks)
		return -ENOENT;
	start = mem->chunks[i].pa;
	last = start + (mem->chunks[i].len - 1U);
	/* inclusive: an extent may end at 2^64, and nothing follows it there */
	for (i++; i < mem->nr_chunks && last != UINT64_MAX && mem->chunks[i].pa == last + 1U; i++)
		last += mem->chunks[i].len;
	*pa = start;
	*len = last - start + 1U;
	*iter = i;
	return 0;
}

uint64_t vcm_phys_mem_extents(const struct vcm_physmem *mem, struct vcm_seg *seg, uint64_t max)
{
	vcm_pa_t start = 0, last = 0;
	uint64_t it = 0, n = 0;

	/*
	 * The handle first, as every call here (a NULL @seg is allowed for
	 * counting). The record is named only on the way to a failure: a
	 * successful query writes nothing shared, so callers that keep the
	 * memory alive may run it from several threads at once (the graph's
	 * vcm_back does, in different VCMs).
	 */
	if (!physmem_live_(mem) || (seg == NULL && max != 0U)) {
		mem_enter(mem, __func__);
		if (check_iter(mem, &it, &start, &last) == 0)
			VCM_ERR(&mem->owner->diag, -EINVAL, "seg is NULL and max is %llu",
				vcm_ull(max));
		return 0;
	}
	for (uint64_t i = 0; i < mem->nr_chunks; i++) {
		const struct phys_chunk *c = &mem->chunks[i];

		/* vcm_phys_next_extent()'s merge: the chunk starts where the extent ends */
		if (n == 0U || last == UINT64_MAX || c->pa != last + 1U) {
			n++;
			start = c->pa;
			last = start + (c->len - 1U);
		} else {
			last += c->len;
		}
		if (n <= max) {
			seg[n - 1U].pa = start;
			seg[n - 1U].len = last - start + 1U;
		}
	}
	return n;
}

uint64_t vcm_phys_mem_len(const struct vcm_physmem *mem)
{
	return physmem_live_(mem) ? mem->len : 0U;
}

uint64_t vcm_phys_mem_chunks(const struct vcm_physmem *mem)
{
	return physmem_live_(mem) ? mem->nr_chunks : 0U;
}

int vcm_phys_memtype_of(const struct vcm_physmem *mem)
{
	mem_enter(mem, __func__);
	if (!physmem_live_(mem))
		return check_iter(mem, NULL, NULL, NULL); /* names a freed one */
	return mem->kind == MEM_WRAP ? -ENOENT : (int)mem->memtype;
}

int vcm_phys_memtype_range(struct vcm_phys *phys, unsigned int memtype, unsigned int index,
			   vcm_pa_t *pa, uint64_t *len)
{
	const struct phys_mt *mt;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	if (memtype >= phys->nr_mt)
		return VCM_ERR(&phys->diag, -EINVAL,
			       "memtype %u is not below the set's %u memtypes", memtype,
			       phys->nr_mt);
	if (pa == NULL || len == NULL)
		return VCM_ERR(&phys->diag, -EINVAL, "pa or len is NULL");
	mt = &phys->mt[memtype];
	if (index >= mt->nr_ranges)
		return -ENOENT;
	*pa = mt->ranges[index].pa;
	*len = mt->ranges[index].len;
	return 0;
}

uint64_t vcm_phys_memtype_sizes_(const struct vcm_phys *phys, unsigned int memtype)
{
	if (!phys_live_(phys) || memtype >= phys->nr_mt)
		return 0;
	return phys->mt[memtype].sizes;
}

const char *vcm_phys_last_error(const struct vcm_phys *phys)
{
	if (phys == NULL)
		return "vcm_phys_last_error: phys is NULL";
	if (!phys_live_(phys))
		return "vcm_phys_last_error: phys is not a live set";
	return phys->diag.msg;
}
