// SPDX-License-Identifier: MIT
/*
 * The public face of the phys layer: checks every argument and records what was
 * wrong in the set's diag, plans an allocation before taking anything (so a
 * failure changes nothing), and keeps the allocation records. The block work is
 * in buddy.c; statistics and the validator in stats.c.
 *
 * Records come from slabs owned by the set and are never given back before
 * vcm_phys_destroy(): a freed handle still points at a record of ours, marked
 * dead, so using it is an error rather than a use-after-free. Dead records are
 * reused oldest first.
 */
#include "phys_internal.h"

#define FIRST_SLAB_RECS 32U
#define MAX_SLAB_RECS   4096U

static bool live(const struct vcm_phys *phys)
{
	return phys != NULL && phys->magic == PHYS_MAGIC;
}

static bool mem_live(const struct vcm_physmem *mem)
{
	return mem != NULL && mem->magic == PHYSMEM_LIVE;
}

/* ---- creation ---------------------------------------------------------- */

static void free_all(struct vcm_phys *phys)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	struct rec_slab *s = phys->slabs;

	while (s != NULL) {
		struct rec_slab *next = s->next;

		plat->meta_free(plat->ctx, s, s->bytes);
		s = next;
	}
	phys->slabs = NULL;
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

static int check_memtype(const struct vcm_phys_memtype_cfg *c, unsigned int i,
			 struct vcm_diag *diag, uint64_t *sizes)
{
	uint64_t gran;

	if (c->nr_ranges == 0U || c->ranges == NULL)
		return VCM_FAIL(diag, __func__, -EINVAL, "memtypes[%u] has no ranges (nr_ranges %u)", i,
				c->nr_ranges);
	*sizes = c->chunk_sizes != 0U ? c->chunk_sizes : VCM_PHYS_DEFAULT_SIZES;
	if ((*sizes & ~VCM_PHYS_SIZE_MASK) != 0U)
		return VCM_FAIL(diag, __func__, -EINVAL,
				"memtypes[%u].chunk_sizes %#llx has bit %#llx outside 4 KiB..1 TiB",
				i, vcm_ull(*sizes), vcm_ull(vcm_lowbit(*sizes & ~VCM_PHYS_SIZE_MASK)));
	gran = vcm_lowbit(*sizes);
	for (unsigned int r = 0; r < c->nr_ranges; r++) {
		const struct vcm_phys_range *rg = &c->ranges[r];

		if (rg->len == 0U)
			return VCM_FAIL(diag, __func__, -EINVAL, "memtypes[%u].ranges[%u].len is 0", i, r);
		if (!vcm_is_aligned(rg->pa, gran) || !vcm_is_aligned(rg->len, gran))
			return VCM_FAIL(diag, __func__, -EINVAL,
					"memtypes[%u].ranges[%u] pa %#llx len %#llx is not a "
					"multiple of the smallest chunk %#llx",
					i, r, vcm_ull(rg->pa), vcm_ull(rg->len), vcm_ull(gran));
		if (rg->pa + rg->len - 1U < rg->pa)
			return VCM_FAIL(diag, __func__, -EOVERFLOW,
					"memtypes[%u].ranges[%u] pa %#llx + len %#llx wraps", i, r,
					vcm_ull(rg->pa), vcm_ull(rg->len));
	}
	return 0;
}

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
		return VCM_FAIL(diag, __func__, -ENOMEM, "no metadata for memtypes[%u]'s %u ranges", i, n);
	mt->nr_ranges = n;
	mt->ranges_cap = n;
	/* Insertion sort by pa; base holds the caller's index until the ranges are joined. */
	for (j = 0; j < n; j++) {
		struct mt_range cur = { c->ranges[j].pa, c->ranges[j].len, j };
		unsigned int k = j;

		while (k > 0U && mt->ranges[k - 1U].pa > cur.pa) {
			mt->ranges[k] = mt->ranges[k - 1U];
			k--;
		}
		mt->ranges[k] = cur;
	}
	for (j = 1; j < n; j++) {
		const struct mt_range *a = &mt->ranges[j - 1U], *b = &mt->ranges[j];

		if (a->pa + a->len > b->pa)
			return VCM_FAIL(diag, __func__, -EINVAL,
					"memtypes[%u].ranges[%u] [%#llx, %#llx) overlaps "
					"ranges[%u] [%#llx, %#llx)", i, (unsigned int)a->base, vcm_ull(a->pa),
					vcm_ull(a->pa + a->len), (unsigned int)b->base, vcm_ull(b->pa),
					vcm_ull(b->pa + b->len));
	}
	/* Join touching ranges so that blocks (and buddies) may cross the joint. */
	for (j = 1, n = 1; j < mt->nr_ranges; j++) {
		struct mt_range *last = &mt->ranges[n - 1U];

		if (last->pa + last->len == mt->ranges[j].pa)
			last->len += mt->ranges[j].len;
		else
			mt->ranges[n++] = mt->ranges[j];
	}
	for (j = 0; j < n; j++) {
		if (blocks + (mt->ranges[j].len >> mt->min_lg2) > UINT32_MAX - 1U)
			return VCM_FAIL(diag, __func__, -ERANGE,
					"memtypes[%u] has more than 2^32 - 2 chunks of %#llx", i,
					vcm_ull(UINT64_C(1) << mt->min_lg2));
		mt->ranges[j].base = (uint32_t)blocks;
		blocks += mt->ranges[j].len >> mt->min_lg2;
	}
	mt->nr_ranges = n;
	mt->nr_blocks = (uint32_t)blocks;
	if (mt_init_(mt, plat) != 0)
		return VCM_FAIL(diag, __func__, -ENOMEM, "no metadata for memtypes[%u]'s %llu blocks", i,
				vcm_ull(blocks));
	return 0;
}

int vcm_phys_create(const struct vcm_phys_cfg *cfg, struct vcm_phys **out, struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat;
	struct vcm_phys *phys;
	uint64_t sizes[VCM_PHYS_MAX_MEMTYPES];
	int ret;

	if (out == NULL)
		return VCM_FAIL(diag, __func__, -EINVAL, "out is NULL");
	if (cfg == NULL)
		return VCM_FAIL(diag, __func__, -EINVAL, "cfg is NULL");
	plat = cfg->plat;
	if (plat == NULL || plat->meta_alloc == NULL || plat->meta_free == NULL)
		return VCM_FAIL(diag, __func__, -EINVAL, "cfg->plat lacks meta_alloc or meta_free");
	if (cfg->nr_memtypes == 0U || cfg->nr_memtypes > VCM_PHYS_MAX_MEMTYPES ||
	    cfg->memtypes == NULL)
		return VCM_FAIL(diag, __func__, -EINVAL, "cfg->nr_memtypes %u is not 1..%u (or memtypes NULL)",
				cfg->nr_memtypes, VCM_PHYS_MAX_MEMTYPES);
	for (unsigned int i = 0; i < cfg->nr_memtypes; i++) {
		ret = check_memtype(&cfg->memtypes[i], i, diag, &sizes[i]);
		if (ret != 0)
			return ret;
	}

	phys = plat->meta_alloc(plat->ctx, sizeof(*phys));
	if (phys == NULL)
		return VCM_FAIL(diag, __func__, -ENOMEM, "no metadata for the set");
	phys->magic = 0;
	phys->plat = *plat;
	phys->slabs = NULL;
	phys->next_slab_n = FIRST_SLAB_RECS;
	phys->dead_head = NULL;
	phys->dead_tail = NULL;
	phys->live = 0;
	vcm_diag_clear(&phys->diag);
	phys->nr_mt = cfg->nr_memtypes;
	phys->mt = plat->meta_alloc(plat->ctx, phys->nr_mt * sizeof(*phys->mt));
	if (phys->mt == NULL) {
		free_all(phys);
		return VCM_FAIL(diag, __func__, -ENOMEM, "no metadata for %u memtypes", cfg->nr_memtypes);
	}
	for (unsigned int i = 0; i < phys->nr_mt; i++) {
		phys->mt[i].ranges = NULL;
		phys->mt[i].state = NULL;
		phys->mt[i].next = NULL;
		phys->mt[i].prev = NULL;
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
	if (!live(phys))
		return -EINVAL;
	if (phys->live != 0U)
		return VCM_FAIL(&phys->diag, __func__, -EBUSY, "%llu allocations are still live",
				vcm_ull(phys->live));
	free_all(phys);
	return 0;
}

/* ---- records ------------------------------------------------------------ */

/* Back to the tail of the FIFO: a stale handle stays dead as long as possible. */
static void rec_put(struct vcm_phys *phys, struct vcm_physmem *m)
{
	m->magic = PHYSMEM_DEAD;
	m->next_dead = NULL;
	if (phys->dead_tail != NULL)
		phys->dead_tail->next_dead = m;
	else
		phys->dead_head = m;
	phys->dead_tail = m;
}

static struct vcm_physmem *rec_get(struct vcm_phys *phys)
{
	struct vcm_physmem *m = phys->dead_head;

	if (m == NULL) {
		const struct vcm_plat_ops *plat = &phys->plat;
		uint32_t n = phys->next_slab_n;
		size_t bytes = sizeof(struct rec_slab) + n * sizeof(struct vcm_physmem);
		struct rec_slab *s = plat->meta_alloc(plat->ctx, bytes);

		if (s == NULL)
			return NULL;
		s->bytes = bytes;
		s->n = n;
		s->next = phys->slabs;
		phys->slabs = s;
		if (n < MAX_SLAB_RECS)
			phys->next_slab_n = n * 2U;
		/* Queue them all as dead records, in address order. */
		for (uint32_t k = 0; k < n; k++) {
			s->rec[k].owner = phys;
			rec_put(phys, &s->rec[k]);
		}
		m = phys->dead_head;
	}
	phys->dead_head = m->next_dead;
	if (phys->dead_head == NULL)
		phys->dead_tail = NULL;
	m->next_dead = NULL;
	return m;
}

/* Does @m point at a record of one of our slabs? Compares addresses only. */
static bool rec_ours(const struct vcm_phys *phys, const struct vcm_physmem *m)
{
	uintptr_t p = (uintptr_t)m;

	for (const struct rec_slab *s = phys->slabs; s != NULL; s = s->next) {
		uintptr_t lo = (uintptr_t)&s->rec[0];
		uintptr_t hi = lo + s->n * sizeof(struct vcm_physmem);

		if (p >= lo && p < hi)
			return (p - lo) % sizeof(struct vcm_physmem) == 0U;
	}
	return false;
}

/* A record with room for @nr_chunks chunks, or NULL with nothing held. */
static struct vcm_physmem *rec_new(struct vcm_phys *phys, uint64_t nr_chunks)
{
	const struct vcm_plat_ops *plat = &phys->plat;
	struct phys_chunk *chunks = NULL;
	struct vcm_physmem *m;

	if (nr_chunks > 1U) {
		if (nr_chunks > SIZE_MAX / sizeof(*chunks))
			return NULL;
		chunks = plat->meta_alloc(plat->ctx, (size_t)nr_chunks * sizeof(*chunks));
		if (chunks == NULL)
			return NULL;
	}
	m = rec_get(phys);
	if (m == NULL) {
		if (chunks != NULL)
			plat->meta_free(plat->ctx, chunks, (size_t)nr_chunks * sizeof(*chunks));
		return NULL;
	}
	m->chunks = chunks != NULL ? chunks : &m->one;
	m->nr_chunks = nr_chunks;
	m->owner = phys;
	m->len = 0;
	return m;
}

static void rec_release(struct vcm_phys *phys, struct vcm_physmem *m)
{
	if (m->chunks != &m->one)
		phys->plat.meta_free(phys->plat.ctx, m->chunks,
				     (size_t)m->nr_chunks * sizeof(*m->chunks));
	m->chunks = NULL;
	m->nr_chunks = 0;
	rec_put(phys, m);
}

/* ---- allocation --------------------------------------------------------- */

/* Checks shared by the allocating calls; -EINVAL without a message for a dead @phys. */
static int check_common(struct vcm_phys *phys, const char *func, unsigned int memtype,
			uint64_t len, struct vcm_physmem **out)
{
	if (!live(phys))
		return -EINVAL;
	if (out == NULL)
		return VCM_FAIL(&phys->diag, func, -EINVAL, "out is NULL");
	if (memtype >= phys->nr_mt)
		return VCM_FAIL(&phys->diag, func, -EINVAL,
				    "memtype %u is not below the set's %u memtypes", memtype,
				    phys->nr_mt);
	if (len == 0U)
		return VCM_FAIL(&phys->diag, func, -EINVAL, "len is 0");
	return 0;
}

/* Make @m a live record of the one chunk [@pa, @pa + @len) and hand it out. */
static void publish_one(struct vcm_phys *phys, struct vcm_physmem *m, uint8_t kind,
			unsigned int memtype, vcm_pa_t pa, uint64_t len, struct vcm_physmem **out)
{
	m->kind = kind;
	m->memtype = memtype;
	m->len = len;
	m->one.pa = pa;
	m->one.len = len;
	m->magic = PHYSMEM_LIVE;
	phys->live++;
	*out = m;
}

static int alloc_cont(struct vcm_phys *phys, const char *func, unsigned int memtype,
		      uint64_t len, uint64_t align, struct vcm_physmem **out)
{
	struct phys_mt *mt = &phys->mt[memtype];
	uint64_t gran = UINT64_C(1) << mt->min_lg2;
	struct vcm_physmem *m;
	vcm_pa_t pa;

	if (!vcm_is_aligned(len, gran))
		return VCM_FAIL(&phys->diag, func, -EINVAL,
				    "len %#llx is not a multiple of memtype %u's smallest chunk %#llx",
				    vcm_ull(len), memtype, vcm_ull(gran));
	if (align != 0U && !vcm_is_pow2(align))
		return VCM_FAIL(&phys->diag, func, -EINVAL, "align %#llx is not a power of two",
				    vcm_ull(align));
	if (align < gran)
		align = gran;
	if (len > mt->free_bytes || !mt_find_run_(mt, len, align, &pa))
		return VCM_FAIL(&phys->diag, func, -ENOMEM,
				    "memtype %u has no free run of len %#llx aligned to %#llx "
				    "(%#llx bytes free)", memtype, vcm_ull(len), vcm_ull(align),
				    vcm_ull(mt->free_bytes));
	m = rec_new(phys, 1);
	if (m == NULL)
		return VCM_FAIL(&phys->diag, func, -ENOMEM, "no metadata for the record");
	mt_take_run_(mt, pa, len);
	publish_one(phys, m, MEM_CONT, memtype, pa, len, out);
	return 0;
}

int vcm_phys_alloc_cont(struct vcm_phys *phys, unsigned int memtype, uint64_t len,
			uint64_t align, struct vcm_physmem **out)
{
	int ret;

	ret = check_common(phys, __func__, memtype, len, out);
	if (ret != 0)
		return ret;
	return alloc_cont(phys, __func__, memtype, len, align, out);
}

int vcm_phys_alloc(struct vcm_phys *phys, unsigned int memtype, uint64_t len, uint64_t flags,
		   struct vcm_physmem **out)
{
	uint64_t count[VCM_PHYS_MAX_SIZES];
	uint64_t size_bits, allowed, gran, left, nr = 0;
	struct phys_mt *mt;
	struct vcm_physmem *m;
	unsigned int k, lg2;
	int ret;

	ret = check_common(phys, __func__, memtype, len, out);
	if (ret != 0)
		return ret;
	mt = &phys->mt[memtype];
	if ((flags & ~VCM_PHYS_FLAGS_ALL) != 0U) {
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "flags %#llx has unknown bit %#llx",
				vcm_ull(flags), vcm_ull(vcm_lowbit(flags & ~VCM_PHYS_FLAGS_ALL)));
	}
	size_bits = flags & VCM_PHYS_SIZE_MASK;
	if ((flags & VCM_PHYS_CONT) != 0U) {
		if (size_bits != 0U)
			return VCM_FAIL(&phys->diag, __func__, -EINVAL,
					"flags %#llx mixes VCM_PHYS_CONT with chunk-size bits %#llx",
					vcm_ull(flags), vcm_ull(size_bits));
		return alloc_cont(phys, __func__, memtype, len, 0, out);
	}
	if ((size_bits & ~mt->sizes) != 0U) {
		return VCM_FAIL(&phys->diag, __func__, -EINVAL,
				"flags %#llx: size bit %#llx is not a chunk size of memtype %u "
				"(sizes %#llx)", vcm_ull(flags), vcm_ull(vcm_lowbit(size_bits & ~mt->sizes)),
				memtype,
				vcm_ull(mt->sizes));
	}
	allowed = (size_bits == 0U || (flags & VCM_PHYS_ALL) != 0U) ? mt->sizes : size_bits;
	gran = vcm_lowbit(allowed);
	if (!vcm_is_aligned(len, gran))
		return VCM_FAIL(&phys->diag, __func__, -EINVAL,
				"len %#llx is not a multiple of the smallest allowed chunk %#llx",
				vcm_ull(len), vcm_ull(gran));

	/*
	 * Plan: largest size first, as many as fit in what is left and are free.
	 * Every chunk of a larger size taken holds (larger / smaller) free chunks of
	 * each smaller size, so the counts do not depend on which blocks are taken.
	 */
	left = len;
	for (k = 0, lg2 = 63U - vcm_clz64(allowed); ; lg2--) {
		if ((allowed & VCM_BIT(lg2)) != 0U) {
			unsigned int order = lg2 - mt->min_lg2;
			uint64_t avail = mt_avail_(mt, order);
			uint64_t used = 0;

			/* blocks of this order inside chunks already planned */
			for (unsigned int j = 0, l = 63U - vcm_clz64(allowed); j < k; l--) {
				if ((allowed & VCM_BIT(l)) != 0U) {
					used += count[j] << (l - lg2);
					j++;
				}
			}
			count[k] = left >> lg2;
			if (count[k] > avail - used)
				count[k] = avail - used;
			left -= count[k] << lg2;
			nr += count[k];
			k++;
		}
		if (lg2 == mt->min_lg2 || left == 0U || (allowed & vcm_low_mask(lg2)) == 0U)
			break;
	}
	if (left != 0U)
		return VCM_FAIL(&phys->diag, __func__, -ENOMEM,
				"memtype %u cannot give len %#llx in sizes %#llx: %#llx bytes short "
				"(%#llx bytes free)", memtype, vcm_ull(len), vcm_ull(allowed), vcm_ull(left),
				vcm_ull(mt->free_bytes));
	m = rec_new(phys, nr);
	if (m == NULL)
		return VCM_FAIL(&phys->diag, __func__, -ENOMEM, "no metadata for a record of %llu chunks",
				vcm_ull(nr));

	/* Carry the plan out; it cannot fail now. */
	nr = 0;
	for (unsigned int j = 0, l = 63U - vcm_clz64(allowed); j < k; l--) {
		if ((allowed & VCM_BIT(l)) == 0U)
			continue;
		for (uint64_t c = 0; c < count[j]; c++) {
			m->chunks[nr].pa = mt_take_(mt, l - mt->min_lg2);
			m->chunks[nr].len = VCM_BIT(l);
			nr++;
		}
		j++;
	}
	VCM_ASSERT(nr == m->nr_chunks);
	m->kind = MEM_CHUNKED;
	m->memtype = memtype;
	m->len = len;
	m->magic = PHYSMEM_LIVE;
	phys->live++;
	*out = m;
	return 0;
}

int vcm_phys_wrap(struct vcm_phys *phys, vcm_pa_t pa, uint64_t len, struct vcm_physmem **out)
{
	const uint64_t gran = UINT64_C(1) << PHYS_WRAP_LG2;
	struct vcm_physmem *m;

	if (!live(phys))
		return -EINVAL;
	if (out == NULL)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "out is NULL");
	if (len == 0U)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "len is 0");
	if (!vcm_is_aligned(pa, gran))
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "pa %#llx is not 4 KiB aligned", vcm_ull(pa));
	if (!vcm_is_aligned(len, gran))
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "len %#llx is not a multiple of 4 KiB",
				vcm_ull(len));
	if (pa + len - 1U < pa)
		return VCM_FAIL(&phys->diag, __func__, -EOVERFLOW, "pa %#llx + len %#llx wraps", vcm_ull(pa),
				vcm_ull(len));
	m = rec_new(phys, 1);
	if (m == NULL)
		return VCM_FAIL(&phys->diag, __func__, -ENOMEM, "no metadata for the record");
	publish_one(phys, m, MEM_WRAP, 0, pa, len, out);
	return 0;
}

int vcm_phys_free(struct vcm_phys *phys, struct vcm_physmem *mem)
{
	if (!live(phys))
		return -EINVAL;
	if (mem == NULL)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "mem is NULL");
	if (!rec_ours(phys, mem))
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "mem %p is not an allocation of this set",
				(void *)mem);
	if (mem->magic != PHYSMEM_LIVE)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "mem %p was already freed", (void *)mem);
	if (mem->kind == MEM_CHUNKED) {
		struct phys_mt *mt = &phys->mt[mem->memtype];

		for (uint64_t c = 0; c < mem->nr_chunks; c++)
			mt_release_(mt, mem->chunks[c].pa,
				    vcm_ctz64(mem->chunks[c].len) - mt->min_lg2);
	} else if (mem->kind == MEM_CONT) {
		mt_release_run_(&phys->mt[mem->memtype], mem->one.pa, mem->one.len);
	}
	phys->live--;
	rec_release(phys, mem);
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

static int check_iter(const struct vcm_physmem *mem, const char *func, const uint64_t *iter,
		      const vcm_pa_t *pa, const uint64_t *len)
{
	if (!mem_live(mem)) {
		/* A dead record still knows its set; a NULL one does not. */
		if (mem != NULL && mem->magic == PHYSMEM_DEAD && live(mem->owner))
			VCM_FAIL(&mem->owner->diag, func, -EINVAL, "mem %p was freed",
				     (const void *)mem);
		return -EINVAL;
	}
	if (iter == NULL || pa == NULL || len == NULL)
		return VCM_FAIL(&mem->owner->diag, func, -EINVAL, "iter, pa or len is NULL");
	return 0;
}

int vcm_phys_next_chunk(const struct vcm_physmem *mem, uint64_t *iter, vcm_pa_t *pa,
			uint64_t *len)
{
	int ret = check_iter(mem, __func__, iter, pa, len);

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
	int ret = check_iter(mem, __func__, iter, pa, len);
	uint64_t i;
	vcm_pa_t start;
	uint64_t n;

	if (ret != 0)
		return ret;
	i = *iter;
	if (i >= mem->nr_chunks)
		return -ENOENT;
	start = mem->chunks[i].pa;
	n = mem->chunks[i].len;
	for (i++; i < mem->nr_chunks && mem->chunks[i].pa == start + n; i++)
		n += mem->chunks[i].len;
	*pa = start;
	*len = n;
	*iter = i;
	return 0;
}

uint64_t vcm_phys_mem_len(const struct vcm_physmem *mem)
{
	return mem_live(mem) ? mem->len : 0U;
}

uint64_t vcm_phys_mem_chunks(const struct vcm_physmem *mem)
{
	return mem_live(mem) ? mem->nr_chunks : 0U;
}

int vcm_phys_memtype_of(const struct vcm_physmem *mem)
{
	if (!mem_live(mem))
		return -EINVAL;
	return mem->kind == MEM_WRAP ? -ENOENT : (int)mem->memtype;
}

int vcm_phys_memtype_range(struct vcm_phys *phys, unsigned int memtype, unsigned int index,
			   vcm_pa_t *pa, uint64_t *len)
{
	const struct phys_mt *mt;

	if (!live(phys))
		return -EINVAL;
	if (memtype >= phys->nr_mt)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "memtype %u is not below the set's %u memtypes",
				memtype, phys->nr_mt);
	if (pa == NULL || len == NULL)
		return VCM_FAIL(&phys->diag, __func__, -EINVAL, "pa or len is NULL");
	mt = &phys->mt[memtype];
	if (index >= mt->nr_ranges)
		return -ENOENT;
	*pa = mt->ranges[index].pa;
	*len = mt->ranges[index].len;
	return 0;
}

const char *vcm_phys_last_error(const struct vcm_phys *phys)
{
	return live(phys) ? phys->diag.msg : "not a live phys set";
}
