// SPDX-License-Identifier: MIT
/*
 * The IOMMU model's IOTLB: set associative, entries keyed by context bank and
 * the da aligned to the leaf's size, each holding the leaf's pa, the
 * permissions the walk decoded and where its descriptors are (level and
 * address, for the permission faults a hit reports).
 *
 * A set is chosen by the page number at the entry's own size, so an address is
 * looked up once per leaf size the bank has cached (real multi-size TLBs probe
 * per size or keep a fully associative array; the counts come out the same).
 * Replacement is LRU (a use stamp per entry) or round robin (a cursor per
 * set); an invalid way is always taken first. Not modelled: walk caches
 * (the walker keeps no intermediate entries, so a leaf = false invalidation
 * needs nothing more, and a leaf-only hint has nothing to keep), ASID/VMID
 * tags (a bank is one context). A size hint is honoured (sim_tlb_flush_range_).
 */
#include "sim_internal.h"

static unsigned int set_of(const struct vcm_sim_iommu *iommu, vcm_da_t da, unsigned int lg2)
{
	return (unsigned int)((da >> lg2) & (iommu->sets - 1U));
}

bool sim_tlb_lookup_(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		     struct sim_tlb_entry **hit)
{
	uint64_t sizes = iommu->bank[bank].sizes;

	while (sizes != 0U) {
		unsigned int lg2 = vcm_ctz64(sizes);
		uint64_t tag = da >> lg2;
		struct sim_tlb_entry *e = &iommu->tlb[set_of(iommu, da, lg2) * iommu->ways];

		sizes &= sizes - 1U;
		for (unsigned int w = 0; w < iommu->ways; w++, e++) {
			if (e->valid != 0U && e->tag == tag && e->size_lg2 == lg2 &&
			    e->bank == bank) {
				e->stamp = ++iommu->tick;
				*hit = e;
				return true;
			}
		}
	}
	return false;
}

void sim_tlb_insert_(struct vcm_sim_iommu *iommu, unsigned int bank,
		     const struct vcm_sim_xlate *x)
{
	const struct sim_walker *walker = iommu->walker;
	unsigned int set, victim = 0;
	unsigned int desc_lg2;
	struct sim_tlb_entry *e;

	if (iommu->tlb == NULL)
		return;
	set = set_of(iommu, x->page_da, x->size_lg2);
	e = &iommu->tlb[set * iommu->ways];
	for (victim = 0; victim < iommu->ways; victim++)
		if (e[victim].valid == 0U)
			break;
	if (victim == iommu->ways) {
		if (iommu->cfg.tlb_policy == VCM_SIM_TLB_RR) {
			victim = iommu->rr[set];
			iommu->rr[set] = (uint16_t)((victim + 1U) & (iommu->ways - 1U));
		} else {
			victim = 0;
			for (unsigned int w = 1; w < iommu->ways; w++)
				if (e[w].stamp < e[victim].stamp)
					victim = w;
		}
		iommu->st.evictions++;
	}
	e += victim;
	e->tag = x->page_da >> x->size_lg2;
	e->pa = x->page_pa;
	e->stamp = ++iommu->tick;
	e->size_lg2 = (uint8_t)x->size_lg2;
	e->bank = (uint8_t)bank;
	e->valid = 1;
	e->priv = (uint8_t)x->priv;
	e->user = (uint8_t)x->user;
	/* an entry may cover a group of descriptors: keep the first one's address */
	desc_lg2 = walker->desc_lg2(&iommu->bank[bank], x->level);
	e->level = (uint8_t)x->level;
	e->clean = x->clean ? 1U : 0U;
	e->desc_lg2 = (uint8_t)desc_lg2;
	e->desc_pa = x->desc_pa - ((x->pa - x->page_pa) >> desc_lg2) * walker->desc_bytes;
	/* nested: one stage-2 descriptor covers the whole entry (nest_walk) */
	e->nested = x->nested ? 1U : 0U;
	e->s2_perm = (uint8_t)x->s2_perm;
	e->s2_level = (uint8_t)x->s2_level;
	e->s2_desc_pa = x->s2_desc_pa;
	e->ipa = x->ipa - (x->pa - x->page_pa);
	iommu->bank[bank].sizes |= VCM_BIT(x->size_lg2);
}

vcm_pa_t sim_tlb_desc_pa_(const struct vcm_sim_iommu *iommu, const struct sim_tlb_entry *e,
			  vcm_da_t da)
{
	vcm_da_t first = e->tag << e->size_lg2;

	return e->desc_pa + ((da - first) >> e->desc_lg2) * iommu->walker->desc_bytes;
}

void sim_tlb_flush_bank_(struct vcm_sim_iommu *iommu, unsigned int bank)
{
	unsigned int n = iommu->sets * iommu->ways;

	for (unsigned int i = 0; i < n && iommu->tlb != NULL; i++)
		if (iommu->tlb[i].bank == bank)
			iommu->tlb[i].valid = 0;
	iommu->bank[bank].sizes = 0;
}

/*
 * Drop the bank's entries overlapping [da, da + len); len != 0, may reach
 * 2^64. With @sizes nonzero (a hint: bit n = leaf descriptors of 2^n bytes),
 * only entries filled from descriptors of those sizes go, as an SMMU given a
 * TTL is only required to drop entries of that level: an entry of another
 * size stays, counted in stats.hint_kept.
 */
void sim_tlb_flush_range_(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			  uint64_t len, uint64_t sizes)
{
	unsigned int n = iommu->sets * iommu->ways;
	vcm_da_t last = da + (len - 1U);

	if (len - 1U > ~da) /* wraps: everything from da up */
		last = ~UINT64_C(0);
	for (unsigned int i = 0; i < n && iommu->tlb != NULL; i++) {
		struct sim_tlb_entry *e = &iommu->tlb[i];
		vcm_da_t first, elast;

		if (e->valid == 0U || e->bank != bank)
			continue;
		first = e->tag << e->size_lg2;
		elast = first + (VCM_BIT(e->size_lg2) - 1U);
		if (first > last || da > elast)
			continue;
		if (sizes != 0U && (sizes & VCM_BIT(e->desc_lg2)) == 0U) {
			iommu->st.hint_kept++;
			continue;
		}
		e->valid = 0;
	}
}

bool sim_tlb_maps_pa_(const struct vcm_sim_iommu *iommu, vcm_pa_t pa, uint64_t len, bool ipa)
{
	unsigned int n = iommu->sets * iommu->ways;
	vcm_pa_t last = len - 1U > ~pa ? ~UINT64_C(0) : pa + (len - 1U);

	for (unsigned int i = 0; i < n && iommu->tlb != NULL; i++) {
		const struct sim_tlb_entry *e = &iommu->tlb[i];
		vcm_pa_t out;

		if (e->valid == 0U || !iommu->bank[e->bank].enabled)
			continue;
		out = ipa && e->nested != 0U ? e->ipa : e->pa;
		if ((!ipa || e->nested != 0U) && out <= last &&
		    pa <= out + (VCM_BIT(e->size_lg2) - 1U))
			return true;
	}
	return false;
}
