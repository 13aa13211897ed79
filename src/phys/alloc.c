// SPDX-License-Identifier: MIT
/*
 * Allocating and freeing: chunked (largest first), contiguous (first fit),
 * wrapped (a caller-owned range), and free. Each call checks every argument,
 * then plans without touching the set, then takes the one thing that can
 * still fail (the record), and only then writes: a failure changes nothing.
 * Every message carries the name the public call entered in the set's diag.
 */
#include "phys_internal.h"

/*
 * A chunked allocation before it is taken: for each allowed size, largest
 * first, how many chunks of 2^lg2[k] bytes.
 */
struct chunk_plan {
	unsigned int nr_sizes;
	unsigned int lg2[VCM_PHYS_MAX_SIZES];
	uint64_t count[VCM_PHYS_MAX_SIZES];
	uint64_t nr_chunks;
};

/* Checks shared by the allocating calls; -EINVAL without a message for a dead @phys. */
static int check_common(struct vcm_phys *phys, unsigned int memtype,
			uint64_t len, struct vcm_physmem **out)
{
	if (!phys_live_(phys))
		return -EINVAL;
	if (out == NULL)
		return VCM_ERR(&phys->diag, -EINVAL, "out is NULL");
	if (memtype >= phys->nr_mt)
		return VCM_ERR(&phys->diag, -EINVAL,
			       "memtype %u is not below the set's %u memtypes", memtype,
			       phys->nr_mt);
	if (len == 0U)
		return VCM_ERR(&phys->diag, -EINVAL, "len is 0");
	return 0;
}

/* Make @m a live record of @len bytes in @m->chunks and hand it out. */
static void publish(struct vcm_phys *phys, struct vcm_physmem *m, uint8_t kind,
		    unsigned int memtype, uint64_t len, struct vcm_physmem **out)
{
	m->kind = kind;
	m->memtype = memtype;
	m->len = len;
	m->magic = PHYSMEM_LIVE;
	phys->live++;
	*out = m;
}

static void publish_one(struct vcm_phys *phys, struct vcm_physmem *m, uint8_t kind,
			unsigned int memtype, vcm_pa_t pa, uint64_t len, struct vcm_physmem **out)
{
	m->one.pa = pa;
	m->one.len = len;
	publish(phys, m, kind, memtype, len, out);
}

/* ---- contiguous --------------------------------------------------------- */

static int alloc_cont(struct vcm_phys *phys, unsigned int memtype,
		      uint64_t len, uint64_t align, struct vcm_physmem **out)
{
	struct phys_mt *mt = &phys->mt[memtype];
	uint64_t gran = UINT64_C(1) << mt->min_lg2;
	struct vcm_physmem *m;
	vcm_pa_t pa;

	if (!vcm_is_aligned(len, gran))
		return VCM_ERR(&phys->diag, -EINVAL,
			       "len %#llx is not a multiple of memtype %u's smallest chunk %#llx",
			       vcm_ull(len), memtype, vcm_ull(gran));
	if (align != 0U && !vcm_is_pow2(align))
		return VCM_ERR(&phys->diag, -EINVAL, "align %#llx is not a power of two",
			       vcm_ull(align));
	if (align < gran)
		align = gran;
	/* an injected shortage looks like a real one (struct vcm_plat_inject) */
	if (vcm_plat_inject_fail_("physical memory") || len > mt->free_bytes ||
	    !mt_find_run_(mt, len, align, &pa))
		return VCM_ERR(&phys->diag, -ENOMEM,
			       "memtype %u has no free run of len %#llx aligned to %#llx "
			       "(%#llx bytes free)", memtype, vcm_ull(len), vcm_ull(align),
			       vcm_ull(mt->free_bytes));
	m = rec_new_(phys, 1);
	if (m == NULL)
		return VCM_ERR(&phys->diag, -ENOMEM, "no metadata for the record");
	mt_take_run_(mt, pa, len);
	publish_one(phys, m, MEM_CONT, memtype, pa, len, out);
	return 0;
}

int vcm_phys_alloc_cont(struct vcm_phys *phys, unsigned int memtype, uint64_t len,
			uint64_t align, struct vcm_physmem **out)
{
	int ret;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	ret = check_common(phys, memtype, len, out);
	if (ret != 0)
		return ret;
	return alloc_cont(phys, memtype, len, align, out);
}

/* ---- chunked: plan, then write ------------------------------------------ */

/*
 * The chunk sizes @flags allows in @mt, in *@allowed; checks the flags and that
 * @len is a multiple of the smallest allowed size. VCM_PHYS_CONT is the
 * caller's business.
 */
static int check_sizes(struct vcm_phys *phys, unsigned int memtype,
		       uint64_t len, uint64_t flags, uint64_t *allowed)
{
	const struct phys_mt *mt = &phys->mt[memtype];
	uint64_t size_bits = flags & VCM_PHYS_SIZE_MASK;

	if ((size_bits & ~mt->sizes) != 0U)
		return VCM_ERR(&phys->diag, -EINVAL,
			       "flags %#llx: size bit %#llx is not a chunk size of memtype %u "
			       "(sizes %#llx)", vcm_ull(flags),
			       vcm_ull(vcm_lowbit(size_bits & ~mt->sizes)), memtype,
			       vcm_ull(mt->sizes));
	*allowed = (size_bits == 0U || (flags & VCM_PHYS_ALL) != 0U) ? mt->sizes : size_bits;
	if (!vcm_is_aligned(len, vcm_lowbit(*allowed)))
		return VCM_ERR(&phys->diag, -EINVAL,
			       "len %#llx is not a multiple of the smallest allowed chunk %#llx",
			       vcm_ull(len), vcm_ull(vcm_lowbit(*allowed)));
	return 0;
}

/*
 * Plan @len in the sizes of @allowed, largest first, as many as fit in what is
 * left and are free; reads @mt only. Every chunk of a larger size planned holds
 * (larger / smaller) free chunks of each smaller size, so the counts do not
 * depend on which blocks are taken later. Returns the bytes the plan cannot
 * cover (0: it covers @len).
 */
static uint64_t plan_chunks(const struct phys_mt *mt, uint64_t len, uint64_t allowed,
			    struct chunk_plan *p)
{
	uint64_t left = len;

	p->nr_sizes = 0;
	p->nr_chunks = 0;
	for (unsigned int lg2 = 63U - vcm_clz64(allowed);; lg2--) {
		if ((allowed & VCM_BIT(lg2)) != 0U) {
			uint64_t avail = mt_avail_(mt, lg2 - mt->min_lg2), used = 0, n;

			/* blocks of this size inside the larger chunks already planned */
			for (unsigned int k = 0; k < p->nr_sizes; k++)
				used += p->count[k] << (p->lg2[k] - lg2);
			n = left >> lg2;
			if (n > avail - used)
				n = avail - used;
			p->lg2[p->nr_sizes] = lg2;
			p->count[p->nr_sizes] = n;
			p->nr_sizes++;
			p->nr_chunks += n;
			left -= n << lg2;
		}
		if (lg2 == mt->min_lg2 || left == 0U || (allowed & vcm_low_mask(lg2)) == 0U)
			break;
	}
	return left;
}

/* Carry plan @p out into @m's chunk list; cannot fail (the plan was checked). */
static void write_chunks(struct phys_mt *mt, const struct chunk_plan *p, struct vcm_physmem *m)
{
	uint64_t nr = 0;

	for (unsigned int k = 0; k < p->nr_sizes; k++) {
		for (uint64_t c = 0; c < p->count[k]; c++) {
			m->chunks[nr].pa = mt_take_(mt, p->lg2[k] - mt->min_lg2);
			m->chunks[nr].len = VCM_BIT(p->lg2[k]);
			nr++;
		}
	}
	VCM_ASSERT(nr == m->nr_chunks);
}

int vcm_phys_alloc(struct vcm_phys *phys, unsigned int memtype, uint64_t len, uint64_t flags,
		   struct vcm_physmem **out)
{
	struct chunk_plan plan;
	struct vcm_physmem *m;
	uint64_t allowed = 0, short_by;
	int ret;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	ret = check_common(phys, memtype, len, out);
	if (ret != 0)
		return ret;
	if ((flags & ~VCM_PHYS_FLAGS_ALL) != 0U)
		return VCM_ERR(&phys->diag, -EINVAL, "flags %#llx has unknown bit %#llx",
			       vcm_ull(flags), vcm_ull(vcm_lowbit(flags & ~VCM_PHYS_FLAGS_ALL)));
	if ((flags & VCM_PHYS_CONT) != 0U) {
		if ((flags & VCM_PHYS_SIZE_MASK) != 0U)
			return VCM_ERR(&phys->diag, -EINVAL, "flags %#llx mixes "
				       "VCM_PHYS_CONT with chunk-size bits %#llx",
				       vcm_ull(flags), vcm_ull(flags & VCM_PHYS_SIZE_MASK));
		return alloc_cont(phys, memtype, len, 0, out);
	}
	ret = check_sizes(phys, memtype, len, flags, &allowed);
	if (ret != 0)
		return ret;
	short_by = plan_chunks(&phys->mt[memtype], len, allowed, &plan);
	if (short_by == 0U && vcm_plat_inject_fail_("physical memory"))
		short_by = len;
	if (short_by != 0U)
		return VCM_ERR(&phys->diag, -ENOMEM,
			       "memtype %u cannot give len %#llx in sizes %#llx: "
			       "%#llx bytes short (%#llx bytes free)", memtype, vcm_ull(len),
			       vcm_ull(allowed), vcm_ull(short_by),
			       vcm_ull(phys->mt[memtype].free_bytes));
	m = rec_new_(phys, plan.nr_chunks);
	if (m == NULL)
		return VCM_ERR(&phys->diag, -ENOMEM,
			       "no metadata for a record of %llu chunks", vcm_ull(plan.nr_chunks));
	write_chunks(&phys->mt[memtype], &plan, m);
	publish(phys, m, MEM_CHUNKED, memtype, len, out);
	return 0;
}

/* ---- wrap and free ------------------------------------------------------ */

int vcm_phys_wrap(struct vcm_phys *phys, vcm_pa_t pa, uint64_t len, struct vcm_physmem **out)
{
	const uint64_t gran = UINT64_C(1) << PHYS_WRAP_LG2;
	struct vcm_physmem *m;

	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	if (out == NULL)
		return VCM_ERR(&phys->diag, -EINVAL, "out is NULL");
	if (len == 0U)
		return VCM_ERR(&phys->diag, -EINVAL, "len is 0");
	if (!vcm_is_aligned(pa, gran))
		return VCM_ERR(&phys->diag, -EINVAL, "pa %#llx is not 4 KiB aligned",
			       vcm_ull(pa));
	if (!vcm_is_aligned(len, gran))
		return VCM_ERR(&phys->diag, -EINVAL,
			       "len %#llx is not a multiple of 4 KiB", vcm_ull(len));
	if (pa + (len - 1U) < pa)
		return VCM_ERR(&phys->diag, -EOVERFLOW, "pa %#llx + len %#llx wraps",
			       vcm_ull(pa), vcm_ull(len));
	m = rec_new_(phys, 1);
	if (m == NULL)
		return VCM_ERR(&phys->diag, -ENOMEM, "no metadata for the record");
	publish_one(phys, m, MEM_WRAP, 0, pa, len, out);
	return 0;
}

int vcm_phys_free(struct vcm_phys *phys, struct vcm_physmem *mem)
{
	if (!phys_live_(phys))
		return -EINVAL;
	vcm_diag_enter(&phys->diag, __func__);
	if (mem == NULL)
		return VCM_ERR(&phys->diag, -EINVAL, "mem is NULL");
	if (!rec_ours_(phys, mem))
		return VCM_ERR(&phys->diag, -EINVAL,
			       "mem %p is not an allocation of this set", (void *)mem);
	if (mem->magic != PHYSMEM_LIVE)
		return VCM_ERR(&phys->diag, -EINVAL, "mem %p was already freed",
			       (void *)mem);
	if (mem->kind == MEM_CHUNKED) {
		struct phys_mt *mt = &phys->mt[mem->memtype];

		for (uint64_t c = 0; c < mem->nr_chunks; c++)
			mt_release_(mt, mem->chunks[c].pa,
				    vcm_ctz64(mem->chunks[c].len) - mt->min_lg2);
	} else if (mem->kind == MEM_CONT) {
		mt_release_run_(&phys->mt[mem->memtype], mem->one.pa, mem->one.len);
	}
	phys->live--;
	rec_release_(phys, mem);
	return 0;
}
