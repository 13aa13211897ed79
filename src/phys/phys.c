// SPDX-License-Identifier: MIT
/*
 * A set's life: vcm_phys_create() checks the whole configuration before it
 * takes any metadata, sorts and joins each memtype's ranges and builds its
 * buddy allocator; vcm_phys_destroy() gives every byte of metadata back.
 * Allocation is in alloc.c, records in record.c, queries in query.c, the
 * block work in buddy.c, statistics and the validator in stats.c.
 *
 * Ranges may end at 2^64, so every comparison of range ends here uses the
 * inclusive last byte (docs/glossary.md).
 */
#include "phys_internal.h"

static void free_all(struct vcm_phys *phys)
{
	const struct vcm_plat_ops *plat = &phys->plat;

	rec_free_slabs_(phys);
	if (phys->mt != NULL) {
		for (unsigned int i = 0; i < phys->nr_mt; i++) {
			struct phys_mt *mt = &phys->mt[i];

			mt_fini_(mt, plat);
			if (mt->ranges != NULL)
				plat->meta_free(plat->ctx, mt->ranges,
						mt->ranges_cap * sizeof(*mt->ranges));
		}
		plat->meta_free(plat->ctx, phys->mt, phys->nr_mt * sizeof(*phys->mt));
	}
	phys->magic = 0;
	plat->meta_free(plat->ctx, phys, sizeof(*phys));
}

/*
 * Does ranges[@r] overlap one before it? Pairwise, so that every argument is
 * checked before any metadata is taken; the lower range is named first. Ends
 * are inclusive: a range may end at 2^64, where pa + len wraps to 0.
 */
static int check_overlap(const struct vcm_phys_memtype_cfg *c, unsigned int i, unsigned int r,
			 struct vcm_diag *diag)
{
	for (unsigned int q = 0; q < r; q++) {
		bool q_low = c->ranges[q].pa <= c->ranges[r].pa;
		unsigned int lo = q_low ? q : r, hi = q_low ? r : q;
		vcm_pa_t lo_last = c->ranges[lo].pa + (c->ranges[lo].len - 1U);
		vcm_pa_t hi_last = c->ranges[hi].pa + (c->ranges[hi].len - 1U);

		if (lo_last >= c->ranges[hi].pa)
			return VCM_ERR(diag, -EINVAL,
				       "memtypes[%u].ranges[%u] [%#llx, %#llx] overlaps "
				       "ranges[%u] [%#llx, %#llx]", i, lo,
				       vcm_ull(c->ranges[lo].pa),
				       vcm_ull(lo_last), hi, vcm_ull(c->ranges[hi].pa),
				       vcm_ull(hi_last));
	}
	return 0;
}

static int check_memtype(const struct vcm_phys_memtype_cfg *c, unsigned int i,
			 struct vcm_diag *diag, uint64_t *sizes)
{
	uint64_t gran, blocks = 0, bytes = 0;
	int ret;

	if (c->nr_ranges == 0U || c->ranges == NULL)
		return VCM_ERR(diag, -EINVAL, "memtypes[%u] has no ranges (nr_ranges %u)", i,
			       c->nr_ranges);
	*sizes = c->chunk_sizes != 0U ? c->chunk_sizes : VCM_PHYS_DEFAULT_SIZES;
	if ((*sizes & ~VCM_PHYS_SIZE_MASK) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "memtypes[%u].chunk_sizes %#llx has bit %#llx outside 4 KiB..1 TiB",
			       i, vcm_ull(*sizes),
			       vcm_ull(vcm_lowbit(*sizes & ~VCM_PHYS_SIZE_MASK)));
	gran = vcm_lowbit(*sizes);
	for (unsigned int r = 0; r < c->nr_ranges; r++) {
		const struct vcm_phys_range *rg = &c->ranges[r];

		if (rg->len == 0U)
			return VCM_ERR(diag, -EINVAL, "memtypes[%u].ranges[%u].len is 0",
				       i, r);
		if (!vcm_is_aligned(rg->pa, gran) || !vcm_is_aligned(rg->len, gran))
			return VCM_ERR(diag, -EINVAL,
				       "memtypes[%u].ranges[%u] pa %#llx len %#llx is not a "
				       "multiple of the smallest chunk %#llx",
				       i, r, vcm_ull(rg->pa), vcm_ull(rg->len), vcm_ull(gran));
		if (rg->pa + (rg->len - 1U) < rg->pa)
			return VCM_ERR(diag, -EOVERFLOW,
				       "memtypes[%u].ranges[%u] pa %#llx + len %#llx wraps", i, r,
				       vcm_ull(rg->pa), vcm_ull(rg->len));
		ret = check_overlap(c, i, r, diag);
		if (ret != 0)
			return ret;
		/* disjoint ranges sum to 2^64 at most; exactly that wraps to 0 */
		bytes += rg->len;
		if (bytes < rg->len)
			return VCM_ERR(diag, -ERANGE,
				       "memtypes[%u] covers all of 2^64 bytes: its sizes and free "
				       "bytes would not fit 64 bits", i);
		/* joining ranges does not change the count of smallest chunks */
		blocks += rg->len >> vcm_ctz64(gran);
		if (blocks > UINT32_MAX - 1U)
			return VCM_ERR(diag, -ERANGE,
				       "memtypes[%u] has more than 2^32 - 2 chunks of %#llx", i,
				       vcm_ull(gran));
	}
	return 0;
}

/* Sort, join and carve memtype @i; only metadata allocation can fail here. */
static int build_memtype(struct vcm_phys *phys, const struct vcm_phys_memtype_cfg *c,
			 unsigned int i, uint64_t sizes, struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	struct phys_mt *mt = &phys->mt[i];
	unsigned int n = c->nr_ranges, j;
	uint64_t blocks = 0;

	mt->sizes = sizes;
	mt->min_lg2 = vcm_ctz64(sizes);
	mt->ranges = plat->meta_alloc(plat->ctx, n * sizeof(*mt->ranges));
	if (mt->ranges == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for memtypes[%u]'s %u ranges",
			       i, n);
	mt->nr_ranges = n;
	mt->ranges_cap = n;
	/* Insertion sort by pa (check_memtype() refused overlaps). */
	for (j = 0; j < n; j++) {
		struct mt_range cur = { c->ranges[j].pa, c->ranges[j].len, 0 };
		unsigned int k = j;

		while (k > 0U && mt->ranges[k - 1U].pa > cur.pa) {
			mt->ranges[k] = mt->ranges[k - 1U];
			k--;
		}
		mt->ranges[k] = cur;
	}
	/* Join touching ranges so that blocks (and buddies) may cross the joint. */
	for (j = 1, n = 1; j < mt->nr_ranges; j++) {
		struct mt_range *prev = &mt->ranges[n - 1U];

		/* sorted and disjoint: ranges[j].pa > prev->pa, so the difference cannot wrap */
		if (mt->ranges[j].pa - prev->pa == prev->len)
			prev->len += mt->ranges[j].len;
		else
			mt->ranges[n++] = mt->ranges[j];
	}
	for (j = 0; j < n; j++) {
		mt->ranges[j].base = (uint32_t)blocks;
		blocks += mt->ranges[j].len >> mt->min_lg2;
	}
	mt->nr_ranges = n;
	mt->nr_blocks = (uint32_t)blocks;
	if (mt_init_(mt, plat) != 0)
		return VCM_ERR(diag, -ENOMEM, "no metadata for memtypes[%u]'s %llu blocks", i,
			       vcm_ull(blocks));
	return 0;
}

int vcm_phys_create(const struct vcm_phys_cfg *cfg, struct vcm_phys **out, struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat;
	struct vcm_phys *phys;
	uint64_t sizes[VCM_PHYS_MAX_MEMTYPES];
	int ret;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	plat = cfg->plat;
	if (plat == NULL || plat->meta_alloc == NULL || plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat lacks meta_alloc or meta_free");
	if (cfg->nr_memtypes == 0U || cfg->nr_memtypes > VCM_PHYS_MAX_MEMTYPES ||
	    cfg->memtypes == NULL)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->nr_memtypes %u is not 1..%u (or memtypes NULL)",
			       cfg->nr_memtypes, VCM_PHYS_MAX_MEMTYPES);
	for (unsigned int i = 0; i < cfg->nr_memtypes; i++) {
		ret = check_memtype(&cfg->memtypes[i], i, diag, &sizes[i]);
		if (ret != 0)
			return ret;
	}

	phys = plat->meta_alloc(plat->ctx, sizeof(*phys));
	if (phys == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the set");
	phys->magic = 0;
	phys->plat = *plat;
	phys->by_addr = NULL;
	phys->nr_slabs = 0;
	phys->by_addr_cap = 0;
	phys->next_slab_n = 0; /* record.c picks the first slab's size */
	phys->dead_head = NULL;
	phys->dead_tail = NULL;
	phys->live = 0;
	vcm_diag_clear(&phys->diag);
	phys->nr_mt = cfg->nr_memtypes;
	phys->mt = plat->meta_alloc(plat->ctx, phys->nr_mt * sizeof(*phys->mt));
	if (phys->mt == NULL) {
		free_all(phys);
		return VCM_ERR(diag, -ENOMEM, "no metadata for %u memtypes",
			       cfg->nr_memtypes);
	}
	for (unsigned int i = 0; i < phys->nr_mt; i++) {
		phys->mt[i].ranges = NULL;
		phys->mt[i].state = NULL;
		phys->mt[i].next = NULL;
		phys->mt[i].prev = NULL;
		phys->mt[i].fmap = NULL;
		phys->mt[i].runs = NULL;
		phys->mt[i].stale = NULL;
		phys->mt[i].nr_leaves = 0;
		phys->mt[i].nr_ranges = 0;
		phys->mt[i].ranges_cap = 0;
		phys->mt[i].nr_blocks = 0;
	}
	for (unsigned int i = 0; i < phys->nr_mt; i++) {
		ret = build_memtype(phys, &cfg->memtypes[i], i, sizes[i], diag);
		if (ret != 0) {
			free_all(phys);
			return ret;
		}
	}
	phys->magic = PHYS_MAGIC;
	*out = phys;
	return 0;
}

int vcm_phys_destroy(struct vcm_phys *phys)
{
	if (phys == NULL)
		return 0;
	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	if (phys->live != 0U)
		return VCM_ERR(&phys->diag, -EBUSY, "%llu allocations are still live",
			       vcm_ull(phys->live));
	free_all(phys);
	return 0;
}

